"""重大 clues and the body's 驻委纪检组 (seed 001: "重大违法违纪问题及线索应同时向驻委纪检组
报告").

A leader or handler of the body flags a clue 重大 (the ``mark_major`` step of the clue
lifecycle, ``cases.lifecycle_parts``); the step tells the members of the body's 驻委纪检组
(``notifications.clue_routes``). Those members hold ``Capability.MAJOR_READ`` only: they
read the flagged clues of the body their group sits in — not its other clues, not those of
the bodies below or beside it — and change nothing. The body's own staff see the same list
for the clues of their jurisdiction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from cases.lifecycle import CLUE_LIFECYCLE
from cases.models import Clue
from cases.reference import CHANNEL_LABELS
from cases.timeline import can_see
from config.database import is_valid_id
from config.errors import NotFound, PermissionDenied
from directory.jurisdiction import visible_unit_ids
from directory.models import UnitKind, User
from directory.permissions import Capability, can
from workflow.models import TransitionLog

LIST_LIMIT = 500
_NOT_FOUND = "未找到该重大线索，或不在您的查阅范围内。"


def group_body_id(actor: User) -> int | None:
    """The body whose 重大 clues a 驻委纪检组 member reads (None for anyone else)."""
    if not can(actor, Capability.MAJOR_READ):
        return None
    unit = actor.unit
    if unit.kind != UnitKind.DISCIPLINE_GROUP or not unit.active:
        return None
    return unit.parent_id


def can_read_major(session: Session, actor: User, clue: Clue) -> bool:
    """A 驻委纪检组 member reads a flagged clue of its own body; staff read it as any clue."""
    if not clue.major:
        return False
    body = group_body_id(actor)
    if body is not None:
        return clue.unit_id == body
    return can(actor, Capability.CLUES_READ) and can_see(session, actor, clue)


def _require_list(actor: User) -> None:
    if not (can(actor, Capability.MAJOR_READ) or can(actor, Capability.CLUES_READ)):
        raise PermissionDenied("您的角色无权查阅重大线索。")


def major_clues(session: Session, actor: User) -> list[Clue]:
    """The 重大 clues the actor may read, the latest flagged first."""
    _require_list(actor)
    stmt = select(Clue).where(Clue.major.is_(True))
    body = group_body_id(actor)
    if body is not None:
        stmt = stmt.where(Clue.unit_id == body)
    elif can(actor, Capability.CLUES_READ):
        stmt = stmt.where(Clue.unit_id.in_(visible_unit_ids(session, actor)))
    else:  # a 驻委纪检组 role outside a 驻委纪检组 unit reads nothing
        return []
    stmt = stmt.order_by(Clue.major_at.desc(), Clue.id.desc()).limit(LIST_LIMIT)
    return list(session.scalars(stmt))


def get_major_clue(session: Session, actor: User, clue_id: int) -> Clue:
    """The flagged clue, or ``NotFound`` — the same answer whether it exists or not."""
    _require_list(actor)
    clue = session.get(Clue, clue_id) if is_valid_id(clue_id) else None
    if clue is None or not can_read_major(session, actor, clue):
        raise NotFound(_NOT_FOUND)
    return clue


@dataclass(frozen=True)
class Step:
    at: datetime
    label: str
    reason: str


def major_steps(session: Session, actor: User, clue: Clue) -> list[Step]:
    """The clue's lifecycle steps (what was done, when, why): the read-only record."""
    if not can_read_major(session, actor, clue):
        raise NotFound(_NOT_FOUND)
    rows = session.scalars(
        select(TransitionLog)
        .where(TransitionLog.lifecycle == "clue", TransitionLog.subject_id == clue.id)
        .order_by(TransitionLog.id)
    )
    labels = {t.trigger: t.label for t in CLUE_LIFECYCLE.transitions} | {"create": "收到线索"}
    return [Step(r.at, labels.get(r.trigger, r.trigger), r.reason) for r in rows]


def channel_label(clue: Clue) -> str:
    return CHANNEL_LABELS.get(clue.channel, clue.channel)
