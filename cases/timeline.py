"""Who sees a clue, and its lifecycle steps in order.

Its own module so that ``cases.audit`` (the record history) can read the steps without
importing ``cases.service``, which imports the record modules that import ``cases.audit``
(the cycle issue 17 move 6 breaks)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from cases.models import Clue
from config.errors import NotFound
from directory.jurisdiction import unit_visible
from directory.models import User
from workflow.models import TransitionLog


def can_see(session: Session, actor: User, clue: Clue) -> bool:
    return unit_visible(session, actor, clue.unit)


def timeline(session: Session, actor: User, clue: Clue) -> list[TransitionLog]:
    """The clue's lifecycle steps, oldest first (``NotFound`` outside the jurisdiction)."""
    if not can_see(session, actor, clue):
        raise NotFound("未找到该线索，或不在您的管辖范围内。")
    stmt = (
        select(TransitionLog)
        .where(TransitionLog.lifecycle == "clue", TransitionLog.subject_id == clue.id)
        .order_by(TransitionLog.id)
    )
    return list(session.scalars(stmt))
