"""The clue list's read model: the open clues ``actor`` may see, soonest due first."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from cases.models import Clue
from cases.states import CLOSED_STATES
from directory.jurisdiction import visible_unit_ids
from directory.models import User

LIMIT = 200


def open_clues(session: Session, actor: User) -> list[Clue]:
    """Open clues in ``actor``'s jurisdiction, by next deadline (none last), then newest."""
    stmt = (
        select(Clue)
        .where(Clue.unit_id.in_(visible_unit_ids(session, actor)))
        .where(Clue.state.not_in([str(s) for s in CLOSED_STATES]))
        .order_by(Clue.next_due_on.is_(None), Clue.next_due_on, Clue.id.desc())
        .limit(LIMIT)
    )
    return list(session.scalars(stmt).all())


def clue_page_after(
    session: Session, actor: User, *, state: str | None, before: int | None, limit: int
) -> list[Clue]:
    """The API's list: clues in ``actor``'s jurisdiction (in ``state``), newest first, with
    ids below ``before``; one more than ``limit`` tells there is a next page."""
    stmt = select(Clue).where(Clue.unit_id.in_(visible_unit_ids(session, actor)))
    if state:
        stmt = stmt.where(Clue.state == state)
    if before is not None:
        stmt = stmt.where(Clue.id < before)
    return list(session.scalars(stmt.order_by(Clue.id.desc()).limit(limit + 1)).all())
