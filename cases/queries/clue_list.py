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
