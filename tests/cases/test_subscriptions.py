"""Following a clue (关注): staff who can see it may; outside the jurisdiction the clue does
not exist for them; whoever loses sight of it drops out of its subscribers."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from cases.models import ClueSubscription
from cases.subscriptions import is_subscribed, subscribe, subscribers_of, unsubscribe
from config.errors import NotFound, PermissionDenied
from directory.roles import Role
from tests.cases.factories import new_clue
from tests.conftest import unit, user


def _rows(db, clue_id: int) -> int:
    stmt = select(func.count()).where(ClueSubscription.clue_id == clue_id)
    return db.scalar(stmt) or 0


def test_subscribe_is_once_per_user_and_clue_and_can_be_undone(db):
    clue = new_clue(db)
    clerk, inspector = user(db, "clerk"), user(db, "inspector")
    assert not is_subscribed(db, clerk, clue.id)
    assert subscribe(db, clerk, clue.id) is True
    assert subscribe(db, clerk, clue.id) is False  # a second click changes nothing
    assert subscribe(db, inspector, clue.id) is True
    assert is_subscribed(db, clerk, clue.id)
    assert _rows(db, clue.id) == 2
    assert {u.username for u in subscribers_of(db, clerk, clue.id)} == {"clerk", "inspector"}
    assert unsubscribe(db, clerk, clue.id) is True
    assert unsubscribe(db, clerk, clue.id) is False
    assert not is_subscribed(db, clerk, clue.id)
    assert [u.username for u in subscribers_of(db, inspector, clue.id)] == ["inspector"]


def test_outside_the_jurisdiction_the_clue_cannot_be_followed(db):
    elsewhere = new_clue(db, unit_code="C02-D03", actor=None)  # 石门县, another city
    for name in ("clerk", "handler", "leader", "inspector"):
        with pytest.raises(NotFound):
            subscribe(db, user(db, name), elsewhere.id)
        with pytest.raises(NotFound):
            subscribers_of(db, user(db, name), elsewhere.id)
    assert subscribe(db, user(db, "admin"), elsewhere.id)  # the province sees every county
    with pytest.raises(NotFound):
        subscribe(db, user(db, "clerk"), 10**12)  # no such id: the same answer
    assert _rows(db, elsewhere.id) == 1


def test_an_institution_reporter_may_not_follow_even_a_clue_of_their_own(db):
    clue = new_clue(db, unit_code="C01-D01-H01", actor="leader")  # in the hospital's ledger
    reporter = user(db, "reporter")
    assert Role(reporter.role) is Role.REPORTER
    with pytest.raises(PermissionDenied):
        subscribe(db, reporter, clue.id)
    assert _rows(db, clue.id) == 0


def test_whoever_loses_sight_of_the_clue_is_no_longer_a_subscriber(db):
    clue = new_clue(db)
    clerk, handler, leader = user(db, "clerk"), user(db, "handler"), user(db, "leader")
    for follower in (clerk, handler, leader):
        subscribe(db, follower, clue.id)
    clerk.unit_id = unit(db, "C02-D03-O01").id  # moved to another county
    handler.active = False  # left the service
    db.flush()
    db.expire(clerk, ["unit"])
    assert [u.username for u in subscribers_of(db, leader, clue.id)] == ["leader"]
    assert _rows(db, clue.id) == 3  # kept: moving back brings the reminders back
    clerk.unit_id = unit(db, "C01-D01-O02").id
    db.flush()
    db.expire(clerk, ["unit"])
    assert {u.username for u in subscribers_of(db, leader, clue.id)} == {"clerk", "leader"}
