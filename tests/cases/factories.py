"""Builders for clue tests: clues in any state, valid data for any step."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from cases.lifecycle import CLUE_LIFECYCLE
from cases.models import Clue
from cases.outcomes import add_feedback_record
from cases.service import NewClue, create_clue
from cases.timelimits import RULES
from tests.conftest import unit, user
from workflow import timelimits
from workflow.engine import calendar_for, local_today
from workflow.lifecycle import FieldKind, Transition

ROLE_USER = {"clerk": "clerk", "handler": "handler", "leader": "leader", "inspector": "inspector"}


def new_clue(
    db: Session, *, unit_code: str = "C01-D01", actor: str | None = "clerk", **fields: Any
) -> Clue:
    data = {"channel": "hotline", "summary": "某医院医生收受红包"} | fields
    return create_clue(db, user(db, actor) if actor else None, unit(db, unit_code), NewClue(**data))


def clue_in_state(db: Session, state: str, **fields: Any) -> Clue:
    """A clue put directly into ``state`` (for table-driven tests of single steps)."""
    clue = new_clue(db, **fields)
    clue.state = state
    clue.handler_id = user(db, "handler").id
    db.flush()
    return clue


def actor_for(db: Session, t: Transition):
    for role in sorted(t.roles):
        if role in ROLE_USER:
            return user(db, ROLE_USER[role])
    raise AssertionError(t.trigger)


def satisfy_guards(db: Session, clue: Clue, t: Transition) -> None:
    """Set up the clue so that the step's guards pass."""
    cal = calendar_for(db)
    today = local_today()
    clocks = dict(clue.clocks or {})
    for guard in t.guards:
        if guard.startswith("route_is_"):
            clue.proposed_route = guard.removeprefix("route_is_")
        elif guard == "acceptance_notice_open":
            timelimits.start(clocks, RULES["accept_notice"], today, cal)
        elif guard == "feedback_open":
            timelimits.start(clocks, RULES["result_feedback"], today, cal)
        elif guard == "feedback_done":
            clue.reporter_named = False
        elif guard == "findings_not_unfounded":
            clue.findings = "substantiated"
        elif guard == "file_complete":
            add_feedback_record(db, clue, mode="not_applicable", na_reason="匿名且无联系方式")
        elif guard == "report_back_open":
            clue.report_requested, clue.reported_back_on = True, None
        elif guard == "not_major":
            clue.major = False
        elif guard == "extension_possible":
            timelimits.start(clocks, RULES["petition_conclusion"], today, cal)
    clue.clocks = clocks
    db.flush()


def valid_data(db: Session, clue: Clue, t: Transition) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for f in t.fields:
        if f.kind is FieldKind.CHOICE:
            data[f.name] = f.choices[0][0]
        elif f.kind is FieldKind.USER:
            data[f.name] = user(db, "handler").id
        elif f.kind is FieldKind.UNIT:
            data[f.name] = unit(db, "C01-D01-H01").id
        elif f.kind is FieldKind.SUBJECT:
            data[f.name] = new_clue(db, summary="较早的同一问题").id
        elif f.kind is FieldKind.INTEGER:
            data[f.name] = 10
        elif f.kind is FieldKind.DATE:
            data[f.name] = local_today().isoformat()
        elif f.kind is FieldKind.DATETIME:
            data[f.name] = f"{(local_today() - timedelta(days=1)).isoformat()}T12:00"
        else:
            data[f.name] = "经研究同意"
    return data


def destination(t: Transition, source: str) -> str:
    return CLUE_LIFECYCLE.destination(t, source)
