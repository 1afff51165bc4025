"""The approved disposal route's own deadline (办理期限): set on approval, defaulting per
route, refused in the past or malformed, extended with approval, pending in an unknown year."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from cases.service import deadlines, fire
from cases.states import ClueState
from cases.timelimits import DEFAULT_RULES, configure
from config.errors import InvalidTransition, ValidationError
from tests.cases.factories import new_clue
from tests.conftest import user
from workflow.calendar_service import set_year_from_text

SH = ZoneInfo("Asia/Shanghai")


def at(y, m, d, hour=10):
    return time_machine.travel(datetime(y, m, d, hour, 0, tzinfo=SH), tick=False)


def proposed(db, route: str):
    clue = new_clue(db)
    fire(db, user(db, "clerk"), clue, "register", {})
    fire(db, user(db, "leader"), clue, "assign", {"handler_id": user(db, "handler").id})
    fire(db, user(db, "handler"), clue, "propose", {"route": route, "reason": "拟办"})
    return clue


@pytest.mark.parametrize(
    ("route", "clock", "due"),
    [
        # 30 days after Mon 1 June 2026 is Wed 1 July.
        ("verifying", "route_verify", "2026-07-01"),
        ("talk_inquiry", "route_talk", "2026-07-01"),
        # 15 days after 1 June is 16 June; 19 June (端午) is a holiday, 16 June is not.
        ("transferred", "route_transfer", "2026-06-16"),
        ("shelved", "shelved_review", "2026-08-31"),
    ],
)
def test_approval_without_a_date_starts_the_routes_default_deadline(db, route, clock, due):
    with at(2026, 6, 1):
        clue = proposed(db, route)
        data = {"target": "police"} if route == "transferred" else {}
        fire(db, user(db, "leader"), clue, f"approve_{route}", data)
    assert clue.state == route
    assert clue.clocks[clock]["due"] == due
    view = next(v for v in deadlines(db, clue, today=date(2026, 6, 2)) if v.name == clock)
    assert view.label.endswith("期限") or view.label.startswith("暂存待查")
    assert view.source  # the rule it comes from is named


def test_the_leaders_date_sets_the_deadline_and_a_rest_day_moves_to_the_next_working_day(db):
    with at(2026, 6, 1):
        clue = proposed(db, "verifying")
        fire(db, user(db, "leader"), clue, "approve_verifying", {"route_due": "2026-06-20"})
    # Sat 20 June 2026 is a rest day: Civil Code Art. 203 moves it to Mon 22 June.
    assert clue.clocks["route_verify"]["set_due"] == "2026-06-20"
    assert clue.clocks["route_verify"]["due"] == "2026-06-22"
    assert clue.next_due_on == date(2026, 6, 22) and clue.next_due_kind == "route_verify"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2026-05-31", "“办理期限”不能早于今天（2026-06-01）。"),
        ("2026-13-01", "“办理期限”不是有效日期（格式：2026-06-01）。"),
        ("三十日内", "“办理期限”不是有效日期（格式：2026-06-01）。"),
        ("2027-06-03", "“办理期限”不能晚于 2027-06-02（自今天起一年内）。"),
    ],
)
def test_a_past_malformed_or_far_date_is_refused_by_name_and_nothing_changes(db, value, message):
    with at(2026, 6, 1):
        clue = proposed(db, "verifying")
        version = clue.version
        with pytest.raises(ValidationError) as err:
            fire(db, user(db, "leader"), clue, "approve_verifying", {"route_due": value})
    assert err.value.details == {"route_due": message}
    db.refresh(clue)
    assert clue.state == ClueState.PENDING_APPROVAL and clue.version == version
    assert "route_verify" not in (clue.clocks or {})


def test_today_itself_is_accepted(db):
    with at(2026, 6, 1):
        clue = proposed(db, "verifying")
        fire(db, user(db, "leader"), clue, "approve_verifying", {"route_due": "2026-06-01"})
    assert clue.clocks["route_verify"]["due"] == "2026-06-01"


def test_the_route_deadline_is_extended_once_with_approval(db):
    leader = user(db, "leader")
    with at(2026, 6, 1):
        clue = proposed(db, "verifying")
        fire(db, leader, clue, "approve_verifying", {"route_due": "2026-06-30"})
    with at(2026, 6, 25):
        fire(
            db,
            leader,
            clue,
            "extend",
            {"clock": "route_verify", "days": 10, "reason": "需调取病历"},
        )
        assert clue.clocks["route_verify"]["due"] == "2026-07-10"  # 30 June + 10 days, a Friday
        with pytest.raises(InvalidTransition, match="已延期过"):
            fire(db, leader, clue, "extend", {"clock": "route_verify", "days": 5, "reason": "再延"})
    with at(2026, 6, 26):
        other = proposed(db, "verifying")
        fire(db, leader, other, "approve_verifying", {})
        with pytest.raises(ValidationError, match="1 至 30"):
            fire(db, leader, other, "extend", {"clock": "route_verify", "days": 31, "reason": "长"})
    view = next(v for v in deadlines(db, clue, today=date(2026, 6, 26)) if v.name == "route_verify")
    assert view.extended == 10


def test_the_route_deadline_stops_when_the_route_ends(db):
    handler = user(db, "handler")
    with at(2026, 6, 1):
        clue = proposed(db, "talk_inquiry")
        fire(db, user(db, "leader"), clue, "approve_talk_inquiry", {"route_due": "2026-06-30"})
    with at(2026, 6, 10):
        fire(db, handler, clue, "inquiry_to_verify", {"reason": "说明不清，转初步核实"})
    assert clue.clocks["route_talk"]["met_on"] == "2026-06-10"
    assert clue.clocks["route_verify"]["due"] == "2026-07-10"  # the default from the step
    with at(2026, 7, 1):
        fire(
            db,
            handler,
            clue,
            "record_findings",
            {"findings": "unfounded", "reason": "经核实不属实"},
        )
    assert clue.clocks["route_verify"]["met_on"] == "2026-07-01"
    assert clue.clocks["route_verify"]["late"] is False


HOLIDAYS_2027 = "2027-01-01 至 2027-01-03 元旦\n2027-02-06 ~ 2027-02-14 春节\n"
WORKDAYS_2027 = "2027-02-20 春节\n"


def test_a_route_deadline_in_an_unconfirmed_year_is_pending_then_computed(db):
    with at(2026, 12, 21):
        clue = proposed(db, "verifying")
        fire(db, user(db, "leader"), clue, "approve_verifying", {"route_due": "2027-01-10"})
        clock = clue.clocks["route_verify"]
        assert clock["due"] is None and clock["pending_year"] == 2027
        view = next(v for v in deadlines(db, clue) if v.name == "route_verify")
        assert view.due_label == "待定（2027 年工作日历未确认）"
        set_year_from_text(db, user(db, "admin"), 2027, HOLIDAYS_2027, WORKDAYS_2027, "测试")
    db.refresh(clue)
    assert clue.clocks["route_verify"]["due"] == "2027-01-11"  # Sun 10 Jan → Mon 11 Jan


def test_route_defaults_are_configurable_and_name_their_source():
    rules = configure("route_verify=20,route_talk=45")
    assert rules["route_verify"].amount == 20 and rules["route_talk"].amount == 45
    for name in ("route_verify", "route_talk", "route_transfer"):
        rule = next(r for r in DEFAULT_RULES if r.name == name)
        assert rule.source.startswith("本办规定") and rule.max_extension > 0


def test_a_result_returned_for_more_checking_gets_a_new_deadline(db):
    handler, leader = user(db, "handler"), user(db, "leader")
    with at(2026, 6, 1):
        clue = proposed(db, "verifying")
        fire(db, leader, clue, "approve_verifying", {})
        fire(db, handler, clue, "record_findings", {"findings": "unfounded", "reason": "不属实"})
        fire(db, handler, clue, "conclude_findings", {"reason": "予以了结"})
        fire(db, handler, clue, "submit_result", {"reason": "办理结果"})
    with at(2026, 6, 10):
        fire(db, leader, clue, "return_result", {"reason": "补充核实", "route_due": "2026-06-24"})
    assert clue.state == ClueState.VERIFYING
    clock = clue.clocks["route_verify"]
    assert clock["start"] == "2026-06-10" and clock["due"] == "2026-06-24"
    assert clock["met_on"] is None and clock["extensions"] == 0
