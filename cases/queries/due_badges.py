"""Overdue / due-soon state of each listed clue's next deadline, for a badge on its row."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy.orm import Session

from cases.models import Clue
from config.errors import DomainError
from workflow import timelimits
from workflow.engine import calendar_for


def due_badges(session: Session, clues: Iterable[Clue], today: date) -> dict[int, str]:
    """``overdue`` or ``due_soon`` by clue id (rows in normal time are left out)."""
    calendar = calendar_for(session)
    out: dict[int, str] = {}
    for c in clues:
        if c.next_due_on is None:
            continue
        try:
            state = str(timelimits.status(c.next_due_on, today, calendar))
        except DomainError:  # a year nobody confirmed: only "overdue" is certain
            state = "overdue" if today > c.next_due_on else ""
        if state in ("overdue", "due_soon"):
            out[c.id] = state
    return out
