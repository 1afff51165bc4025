"""The leader's workbench (工作台): everything waiting for a leader in the body and the bodies
below — accepted clues with no handler, approvals waiting, work returned and not yet taken
up again, and overdue clues."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import exists, select
from sqlalchemy.orm import Session, aliased

from cases.models import Clue
from cases.states import CLOSED_STATES, ClueState
from directory.jurisdiction import visible_unit_ids
from directory.models import User
from workflow.models import TransitionLog

LIMIT = 50
OPEN = [str(s) for s in ClueState if s not in CLOSED_STATES]
APPROVALS = [
    str(s)
    for s in (ClueState.PENDING_APPROVAL, ClueState.RESULT_REVIEW, ClueState.PENDING_WRITE_OFF)
]
RETURNS = ("return_route", "return_result", "reject_write_off")


@dataclass(frozen=True)
class WorkItem:
    clue_id: int
    reference: str
    summary: str
    unit: str
    state: str
    handler: str
    due: date | None
    overdue: bool


@dataclass(frozen=True)
class Workbench:
    unassigned: list[WorkItem]
    approvals: list[WorkItem]
    returned: list[WorkItem]
    overdue: list[WorkItem]


def _item(c: Clue, today: date) -> WorkItem:
    return WorkItem(
        clue_id=c.id,
        reference=c.reference,
        summary=c.summary,
        unit=c.unit.name,
        state=c.state_label,
        handler=c.handler.display_name if c.handler else "未指定",
        due=c.next_due_on,
        overdue=c.next_due_on is not None and c.next_due_on < today,
    )


def leader_workbench(session: Session, actor: User, today: date) -> Workbench:
    """Four lists, each limited to ``LIMIT`` rows, inside the actor's jurisdiction."""
    units = visible_unit_ids(session, actor)
    mine = select(Clue).where(Clue.unit_id.in_(units))

    def rows(stmt) -> list[WorkItem]:
        return [_item(c, today) for c in session.scalars(stmt.limit(LIMIT))]

    later = aliased(TransitionLog)
    last_was_return = (
        select(TransitionLog.id)
        .where(
            TransitionLog.lifecycle == "clue",
            TransitionLog.subject_id == Clue.id,
            TransitionLog.trigger.in_(RETURNS),
            ~exists().where(
                later.lifecycle == "clue",
                later.subject_id == TransitionLog.subject_id,
                later.id > TransitionLog.id,
            ),
        )
        .exists()
    )
    return Workbench(
        unassigned=rows(
            mine.where(Clue.state == ClueState.REGISTERED, Clue.handler_id.is_(None)).order_by(
                Clue.received_at
            )
        ),
        approvals=rows(mine.where(Clue.state.in_(APPROVALS)).order_by(Clue.updated_at)),
        returned=rows(mine.where(Clue.state.in_(OPEN), last_was_return).order_by(Clue.id)),
        overdue=rows(
            mine.where(Clue.state.in_(OPEN), Clue.next_due_on < today).order_by(Clue.next_due_on)
        ),
    )
