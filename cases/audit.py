"""Who may change a clue's records, in which states, and the audit row every change writes.

Record changes are logged as ``ClueEvent`` rows rather than as self-loop lifecycle steps:
they do not bump the clue's version (a colleague's open action form stays valid while
a sanction's executed date is entered), and the lifecycle table stays the list of real
decisions instead of growing a trigger per form. The timeline merges both logs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cases.handling_models import ClueEvent
from cases.models import Clue
from cases.states import ClueState
from cases.timeline import timeline
from config.database import utcnow
from config.errors import InvalidTransition, NotFound, PermissionDenied
from directory.jurisdiction import unit_visible
from directory.models import User
from directory.permissions import Capability, can

S = ClueState
_HANDLING = frozenset(
    s.value
    for s in ClueState
    if s not in (S.RECEIVED, S.NOT_ACCEPTED, S.FORWARDED, S.MERGED, S.WRITTEN_OFF)
)

# The states in which each section of the clue page accepts changes.
SECTION_STATES: dict[str, frozenset[str]] = {
    "subjects": _HANDLING,
    "facts": _HANDLING,
    "attachments": _HANDLING,
    "talks": frozenset({S.TALK_INQUIRY}),
    "verification": frozenset({S.VERIFYING, S.FINDINGS}),
    "hand_down": frozenset({S.VERIFYING, S.TALK_INQUIRY}),
    "sanctions": frozenset({S.CONCLUDED, S.DISPOSING, S.REFERRED, S.RESULT_REVIEW, S.FEEDBACK}),
    "referrals": frozenset({S.DISPOSING, S.REFERRED, S.TRANSFERRED, S.RESULT_REVIEW, S.FEEDBACK}),
    "feedback": frozenset({S.FEEDBACK}),
}

SECTION_LABELS = {
    "subjects": "当事人",
    "facts": "违规事实",
    "attachments": "附件",
    "talks": "谈话函询",
    "verification": "初步核实",
    "hand_down": "交办下级核查",
    "sanctions": "处理处置",
    "referrals": "移送",
    "feedback": "反馈",
}


def can_edit(session: Session, actor: User, clue: Clue) -> bool:
    """The clue's handler and the leaders over its unit edit its records; inspectors read."""
    if not unit_visible(session, actor, clue.unit):
        return False
    return actor.id == clue.handler_id or can(actor, Capability.CLUES_EDIT_ALL)


def open_sections(session: Session, actor: User, clue: Clue) -> frozenset[str]:
    """The sections this actor may change now (what the clue page shows forms for)."""
    if not can_edit(session, actor, clue):
        return frozenset()
    return frozenset(name for name, states in SECTION_STATES.items() if clue.state in states)


def require_section(session: Session, actor: User, clue: Clue, section: str) -> None:
    """Refuse a change outside jurisdiction, by a non-editor, or in the wrong state."""
    if not unit_visible(session, actor, clue.unit):
        raise NotFound("未找到该线索，或不在您的管辖范围内。")
    if not can_edit(session, actor, clue):
        raise PermissionDenied("只有本线索的承办人和本单位领导可以修改办理记录。")
    if clue.state not in SECTION_STATES[section]:
        raise InvalidTransition(
            f"线索当前状态为“{clue.state_label}”，不能修改“{SECTION_LABELS[section]}”。"
        )


def record_event(
    session: Session,
    actor: User | None,
    clue: Clue,
    kind: str,
    summary: str,
    data: dict[str, Any] | None = None,
    *,
    now: datetime | None = None,
) -> ClueEvent:
    event = ClueEvent(
        clue_id=clue.id,
        actor_id=actor.id if actor else None,
        at=now or utcnow(),
        kind=kind,
        summary=summary,
        data=data or {},
    )
    session.add(event)
    session.flush()
    return event


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    actor_id: int | None
    kind: str  # a lifecycle trigger, or a ClueEvent kind
    from_state: str
    to_state: str
    text: str
    is_step: bool


def history(session: Session, actor: User, clue: Clue) -> list[HistoryEntry]:
    """The clue's timeline: lifecycle steps and record changes, in the order they happened."""
    entries = [
        HistoryEntry(
            log.at, log.actor_id, log.trigger, log.from_state, log.to_state, log.reason, True
        )
        for log in timeline(session, actor, clue)
    ]
    events = session.scalars(
        select(ClueEvent).where(ClueEvent.clue_id == clue.id).order_by(ClueEvent.id)
    )
    entries += [HistoryEntry(e.at, e.actor_id, e.kind, "", "", e.summary, False) for e in events]
    return sorted(entries, key=lambda e: e.at)
