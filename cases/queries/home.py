"""The clue lists of the home page for the roles without a workbench of their own, and the
references of the clues whose deadlines wait for a calendar."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from cases.models import Clue
from cases.states import CLOSED_STATES, ClueState
from directory.models import User

OPEN = [str(s) for s in ClueState if s not in CLOSED_STATES]
LIMIT = 20


def my_clues(session: Session, actor: User) -> Sequence[Clue]:
    """The open clues ``actor`` handles, the nearest deadline first."""
    return session.scalars(
        select(Clue)
        .where(Clue.handler_id == actor.id, Clue.state.in_(OPEN))
        .order_by(Clue.next_due_on.is_(None), Clue.next_due_on, Clue.id)
        .limit(LIMIT)
    ).all()


def clues_in_states(
    session: Session, units: Collection[int], states: Iterable[str]
) -> Sequence[Clue]:
    """The clues of ``units`` in ``states``, the longest waiting first."""
    return session.scalars(
        select(Clue)
        .where(Clue.unit_id.in_(units), Clue.state.in_([str(s) for s in states]))
        .order_by(Clue.received_at)
        .limit(LIMIT)
    ).all()


def overdue_clues(session: Session, units: Collection[int], today: date) -> Sequence[Clue]:
    """The open clues of ``units`` past their next deadline, the longest overdue first."""
    return session.scalars(
        select(Clue)
        .where(Clue.unit_id.in_(units), Clue.state.in_(OPEN), Clue.next_due_on < today)
        .order_by(Clue.next_due_on)
        .limit(LIMIT)
    ).all()


def clue_references(session: Session, ids: Collection[int]) -> dict[int, str]:
    """The reference (编号) of each clue in ``ids``."""
    if not ids:
        return {}
    return {c.id: c.reference for c in session.scalars(select(Clue).where(Clue.id.in_(ids)))}
