"""The clue page's read model: the clue's state and clocks, the steps the user may take
now (and the ones greyed out with a reason), the handling records and their sections."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cases import records, reference, route_deadline
from cases.assignees import assignable_handlers
from cases.attachments import attachments
from cases.audit import history, open_sections
from cases.closeout import missing_items
from cases.lifecycle import CLUE_LIFECYCLE
from cases.models import Clue
from cases.record_actions import RECORD_ACTIONS
from cases.record_views import RecordView, record_view, record_views
from cases.service import available, deadlines, timeline
from cases.states import CLOSED_STATES, ClueState
from cases.subscriptions import can_follow, subscribers_of
from config.errors import CalendarUnknown
from directory.models import OrgUnit, UnitKind, User
from directory.queries.units import visible_bodies
from workflow.engine import calendar_for, local_today
from workflow.lifecycle import FieldKind
from workflow.pending import PendingDeadline

# Guards worth explaining: the user can act on what they name (complete the file, give
# feedback), so the step is shown greyed out with the reason instead of silently hidden.
# Gaps the office can close itself, shown beside the step they hold back (申请销号).
EXPLAINED_GUARDS = ("feedback_done", "file_complete", "report_back_done")


@dataclass(frozen=True)
class HandlingSections:
    """What the handling sections show, and which of them take changes now."""

    sections: frozenset[str]
    record_actions: Any
    ref: Any
    facts: RecordView
    records: dict[str, list[RecordView]]  # by ``cases.record_views.RECORD_LISTS`` key
    subject_choices: list[tuple[int, str]]
    unit_choices: list[tuple[int, str]]
    children: list
    attachments: list
    missing: list
    history: list

    def as_context(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}


@dataclass(frozen=True)
class CluePage:
    clue: Clue
    actions: list
    blocked: list[tuple[str, str]]
    choices: dict[FieldKind, list[tuple[int, str]]]
    defaults: dict
    narrowed: dict[str, Any]
    today: str
    timeline: list
    deadlines: list
    calendar_error: str | None
    names: dict[int, str]
    can_follow: bool
    following: bool
    follower_count: int
    handling: HandlingSections


def clue_page(session: Session, actor: User, clue: Clue) -> CluePage:
    """Everything the clue page shows ``actor`` (who may see ``clue``)."""
    try:
        clock_views, calendar_error = deadlines(session, clue), None
    except CalendarUnknown as err:
        clock_views, calendar_error = [], err.message
    actions = available(session, actor, clue)
    # The viewer sees the clue, so they are among its subscribers exactly when they follow it.
    followers = subscribers_of(session, actor, clue.id)
    handling = handling_sections(session, actor, clue)
    actor_ids = {e.actor_id for e in handling.history if e.actor_id}
    names = dict(
        session.execute(select(User.id, User.display_name).where(User.id.in_(actor_ids))).all()
    )
    return CluePage(
        clue=clue,
        actions=actions,
        blocked=blocked_steps(actor, clue, actions),
        choices=_choices(session, actor, clue, actions),
        defaults=route_deadline.default_dues(actions, local_today(), calendar_for(session)),
        narrowed={"extend.clock": route_deadline.extensible(clue.clocks or {})},
        today=local_today().isoformat(),
        timeline=timeline(session, actor, clue),
        deadlines=clock_views,
        calendar_error=calendar_error,
        names=names,
        can_follow=can_follow(actor),
        following=any(u.id == actor.id for u in followers),
        follower_count=len(followers),
        handling=handling,
    )


def intake_bodies(session: Session, actor: User) -> list[OrgUnit]:
    """The bodies (not offices) in ``actor``'s jurisdiction, in tree order."""
    return visible_bodies(session, actor)


def blocked_steps(actor: User, clue: Clue, actions) -> list[tuple[str, str]]:
    """(label, reason) of the steps this role could take here but for a fixable gap."""
    allowed = {t.trigger for t in actions}
    result = []
    for t in CLUE_LIFECYCLE.triggers_from(clue.state):
        if t.trigger in allowed or str(actor.role) not in t.roles:
            continue
        reasons = [
            why
            for g in t.guards
            if g in EXPLAINED_GUARDS and (why := CLUE_LIFECYCLE.guards[g](clue))
        ]
        if reasons and all(g in EXPLAINED_GUARDS for g in t.guards):
            result.append((t.label, " ".join(reasons)))
    return result


def _choices(session: Session, actor: User, clue: Clue, actions):
    """Options for user/unit/clue fields, all inside the actor's jurisdiction."""
    kinds = {f.kind for t in actions for f in t.fields}
    result: dict[FieldKind, list[tuple[int, str]]] = {}
    if FieldKind.USER in kinds:
        users = assignable_handlers(session, clue)  # the rule ``assign`` itself applies
        result[FieldKind.USER] = [(u.id, f"{u.display_name}（{u.role_label}）") for u in users]
    if FieldKind.UNIT in kinds:
        bodies = intake_bodies(session, actor)
        result[FieldKind.UNIT] = [(u.id, u.name) for u in bodies if u.id != clue.unit_id]
    if FieldKind.SUBJECT in kinds:
        others = session.scalars(
            select(Clue)
            .where(
                Clue.unit_id == clue.unit_id,
                Clue.id != clue.id,
                Clue.state.not_in([str(s) for s in CLOSED_STATES]),
            )
            .order_by(Clue.id.desc())
            .limit(100)
        ).all()
        result[FieldKind.SUBJECT] = [(c.id, f"{c.reference} {c.summary[:30]}") for c in others]
    return result


def _pending_dues(session: Session, clue: Clue) -> dict[tuple[str, int], str]:
    """ "待定（YYYY 年工作日历未确认）" by (kind, id) for the clue's referrals and inquiries."""
    rows = session.scalars(select(PendingDeadline).where(PendingDeadline.clue_id == clue.id))
    return {(r.kind, r.subject_id): r.due_label for r in rows}


def handling_sections(session: Session, actor: User, clue: Clue) -> HandlingSections:
    """The handling records of ``clue`` and the sections ``actor`` may change now."""
    sections = open_sections(session, actor, clue)
    lower: list[OrgUnit] = []
    if sections & {"subjects", "hand_down"}:
        lower = list(
            session.scalars(
                select(OrgUnit)
                .where(
                    OrgUnit.path.startswith(clue.unit.path, autoescape=True),
                    OrgUnit.id != clue.unit_id,
                    OrgUnit.kind != UnitKind.OFFICE,
                )
                .order_by(OrgUnit.path)
                .limit(500)
            ).all()
        )
    closing = clue.state in (ClueState.FEEDBACK, ClueState.PENDING_WRITE_OFF)
    views = record_views(session, clue, _pending_dues(session, clue))
    return HandlingSections(
        sections=sections,
        record_actions=RECORD_ACTIONS,
        ref=reference,
        facts=record_view("Facts", clue),
        records=views,
        subject_choices=[(v.id, v.record.label) for v in views["subjects"]],
        unit_choices=[(u.id, u.name) for u in lower],
        children=records.children(session, clue),
        attachments=attachments(session, clue),
        missing=missing_items(session, clue) if closing else [],
        history=history(session, actor, clue),
    )
