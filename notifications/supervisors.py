"""Who else hears a clue's escalation: the leaders of the superior body that put it under
挂牌督办 (``supervision.models.SupervisedClue``), not only the lower body's own leaders."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from directory.models import User
from notifications.clue_routes import _leaders_of
from supervision.models import SupervisedClue


def supervising_leaders(session: Session, clue_ids: Select[Any]) -> dict[int, list[User]]:
    """By clue id (of the sub-select ``clue_ids``): the active leaders of its supervisor."""
    marks = session.execute(
        select(SupervisedClue.clue_id, SupervisedClue.superior_unit_id).where(
            SupervisedClue.active.is_(True), SupervisedClue.clue_id.in_(clue_ids)
        )
    ).all()
    if not marks:
        return {}
    leaders = _leaders_of(session, {unit for _, unit in marks})
    return {clue: leaders.get(unit, []) for clue, unit in marks}
