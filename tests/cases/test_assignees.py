"""One rule decides who may be assigned a clue: the list offers exactly whom ``assign`` takes."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlalchemy import select

from cases.assignees import assignable_handlers, is_assignable
from cases.service import fire
from config.errors import ValidationError
from directory.demo import DEMO_PASSWORD
from directory.models import User
from directory.roles import Role
from directory.service import add_user
from tests.cases.factories import clue_in_state
from tests.conftest import unit, user

START = datetime(2026, 6, 15, 10, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def _add(db, username, role, code, active=True):
    person = add_user(
        db,
        username=username,
        display_name=username,
        password=DEMO_PASSWORD,
        role=role,
        unit=unit(db, code),
    )
    person.active = active
    db.flush()
    return person


def test_the_list_offers_exactly_whom_assign_accepts(db):
    clue = clue_in_state(db, "registered")
    assert clue.unit == unit(db, "C01-D01")
    others = [
        _add(db, "hosp_handler", Role.HANDLER, "C01-D01-H01"),  # an institution below
        _add(db, "city_leader", Role.LEADER, "C01"),  # the body above
        _add(db, "gone_handler", Role.HANDLER, "C01-D01-O02", active=False),
        _add(db, "office_clerk", Role.CLERK, "C01-D01-O02"),  # may not handle
        _add(db, "other_county", Role.HANDLER, "C01-D02-O01"),
    ]
    second = _add(db, "office2_handler", Role.HANDLER, "C01-D01-O02")
    offered = {u.username for u in assignable_handlers(db, clue)}
    assert offered == {"handler", "leader", "office2_handler"}
    everyone = db.scalars(select(User)).all()
    assert {u.id for u in everyone if is_assignable(db, clue, u.id)} == {
        u.id for u in assignable_handlers(db, clue)
    }
    assert not is_assignable(db, clue, "1") and not is_assignable(db, clue, True)
    leader = user(db, "leader")
    for outsider in others:
        with pytest.raises(ValidationError, match="本单位在岗的承办人员"):
            fire(db, leader, clue, "assign", {"handler_id": outsider.id})
    fire(db, leader, clue, "assign", {"handler_id": second.id})
    assert clue.handler_id == second.id
