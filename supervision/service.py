"""挂牌督办: a superior body marks a clue of a body below as supervised, and lifts it.

Seed ``001_…``: "督查情况要予以公开通报". The clue's overdue steps then escalate to the
superior's leaders as well as the lower body's own (``notifications.clue_reminders``), and
the superior's 督办 list shows each supervised clue's state and deadline.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from cases.models import Clue
from cases.states import CLOSED_STATES
from config.database import is_valid_id, utcnow
from config.errors import Conflict, NotFound, ValidationError
from directory.jurisdiction import body_of
from directory.models import User
from directory.permissions import Capability, require
from supervision.models import SupervisedClue
from workflow.engine import local_today
from workflow.fields import FieldKind, FieldSpec, Problems, column_width

MARK_FIELDS = (
    FieldSpec("due_on", "督办期限", FieldKind.DATE, required=False, not_past=True),
    FieldSpec("note", "督办要求", required=False, max_len=column_width(SupervisedClue.note)),
)
CLOSED = [str(s) for s in CLOSED_STATES]


def _below(session: Session, actor: User, clue: Clue) -> bool:
    """The clue is held by a body strictly below the actor's body."""
    mine = body_of(session, actor.unit)
    return clue.unit.path.startswith(mine.path) and body_of(session, clue.unit).id != mine.id


def mark(
    session: Session,
    actor: User,
    clue_id: int,
    data: Mapping[str, Any],
    *,
    now: datetime | None = None,
) -> SupervisedClue:
    """挂牌督办 an open clue of a body below; the superior is the actor's body."""
    require(actor, Capability.SUPERVISE)
    clue = session.get(Clue, clue_id) if is_valid_id(clue_id) else None
    if clue is None or not _below(session, actor, clue):
        raise NotFound("未找到该线索，或不是下级单位的线索。")
    if clue.state in CLOSED:
        raise ValidationError("该线索已办结，不能挂牌督办。")
    problems = Problems()
    values = problems.clean(MARK_FIELDS, data)
    today = local_today(now)
    if values["due_on"] and values["due_on"] < today:
        problems.error("due_on", f"“督办期限”不能早于今天（{today.isoformat()}）。")
    problems.done()
    existing = session.scalar(select(SupervisedClue).where(SupervisedClue.clue_id == clue.id))
    if existing is not None and existing.active:
        raise Conflict("该线索已挂牌督办。")
    row = existing or SupervisedClue(clue_id=clue.id)
    row.superior_unit_id = body_of(session, actor.unit).id
    row.due_on = values["due_on"]
    row.note = values["note"]
    row.active = True
    row.marked_by_id = actor.id
    row.marked_at = now or utcnow()
    row.lifted_at = None
    session.add(row)
    session.flush()
    return row


def lift(session: Session, actor: User, supervised_id: int, *, now: datetime | None = None):
    """Lift (撤销) a mark of the actor's body."""
    require(actor, Capability.SUPERVISE)
    row = session.get(SupervisedClue, supervised_id) if is_valid_id(supervised_id) else None
    if row is None or row.superior_unit_id != body_of(session, actor.unit).id or not row.active:
        raise NotFound("未找到该督办事项。")
    row.active = False
    row.lifted_at = now or utcnow()
    session.flush()


@dataclass(frozen=True)
class SupervisedRow:
    id: int
    clue_id: int
    reference: str
    summary: str
    unit_name: str
    state_label: str
    closed: bool
    next_due_on: date | None
    due_on: date | None
    note: str
    overdue: bool


def supervised_list(
    session: Session, actor: User, today: date, unit_id: int | None = None
) -> list[SupervisedRow]:
    """The 督办 list of the actor's body (optionally of one lower body's subtree)."""
    require(actor, Capability.BOARD)
    body = body_of(session, actor.unit)
    stmt = (
        select(SupervisedClue)
        .join(Clue, Clue.id == SupervisedClue.clue_id)
        .where(SupervisedClue.active.is_(True), SupervisedClue.superior_unit_id == body.id)
        .options(joinedload(SupervisedClue.clue).joinedload(Clue.unit))
        .order_by(Clue.next_due_on.is_(None), Clue.next_due_on, SupervisedClue.id)
    )
    rows = []
    for s in session.scalars(stmt):
        c = s.clue
        if unit_id is not None and not _in_subtree(c, unit_id):
            continue
        closed = c.state in CLOSED
        due = [d for d in (c.next_due_on, s.due_on) if d is not None]
        rows.append(
            SupervisedRow(
                s.id,
                c.id,
                c.reference,
                c.summary,
                c.unit.name,
                c.state_label,
                closed,
                c.next_due_on,
                s.due_on,
                s.note,
                not closed and any(d < today for d in due),
            )  # fmt: skip
        )
    return rows


def _in_subtree(clue: Clue, unit_id: int) -> bool:
    return f"/{unit_id}/" in clue.unit.path


def supervision_of(session: Session, clue_id: int) -> SupervisedClue | None:
    """The active mark on a clue, if any (for the clue page)."""
    return session.scalar(
        select(SupervisedClue).where(
            SupervisedClue.clue_id == clue_id, SupervisedClue.active.is_(True)
        )
    )


def mark_by_reference(
    session: Session, actor: User, reference: str, data: Mapping[str, Any], **kw: Any
) -> SupervisedClue:
    """``mark`` the clue of a ledger number (as the 督办 page asks for it)."""
    require(actor, Capability.SUPERVISE)
    reference = (reference or "").strip()
    if not reference or len(reference) > 64:
        message = "请填写下级单位的线索编号。"
        raise ValidationError(message, details={"reference": message})
    clue_id = session.scalar(select(Clue.id).where(Clue.ledger_no == reference))
    if clue_id is None:
        message = f"未找到线索“{reference}”，或不是下级单位的线索。"
        raise ValidationError(message, details={"reference": message})
    return mark(session, actor, clue_id, data, **kw)
