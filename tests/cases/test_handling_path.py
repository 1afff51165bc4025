"""A clue's journey, the ledger numbers, time limits, extensions and pauses."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlalchemy import select

from cases.outcomes import referrals
from cases.record_actions import perform
from cases.service import deadlines, fire, timeline
from cases.states import ClueState
from config.errors import Conflict, InvalidTransition, ValidationError
from tests.cases.factories import new_clue
from tests.conftest import unit, user

SH = ZoneInfo("Asia/Shanghai")


def at(y, m, d, hour=10):
    return time_machine.travel(datetime(y, m, d, hour, 0, tzinfo=SH), tick=False)


def walk(db, clue, *steps):
    for actor, trigger, data in steps:
        fire(db, user(db, actor), clue, trigger, data)


def test_full_path_from_intake_to_write_off_is_logged_step_by_step(db):
    with at(2026, 6, 1):
        clue = new_clue(db, reporter_named=True)
        handler = user(db, "handler")
        walk(
            db,
            clue,
            ("clerk", "register", {}),
            ("clerk", "notify_acceptance", {"method": "phone"}),
            ("leader", "assign", {"handler_id": handler.id}),
            ("handler", "propose", {"route": "talk_inquiry", "reason": "函询本人"}),
            ("leader", "approve_talk_inquiry", {}),
            ("handler", "inquiry_to_verify", {"reason": "说明不清"}),
            ("handler", "record_findings", {"findings": "substantiated", "reason": "查实"}),
            ("handler", "refer", {"organ": "某区公安分局", "reason": "涉嫌犯罪"}),
        )
        # 销号 needs the person involved and the police's receipt for the referral.
        perform(db, handler, clue, "subject", {"kind": "person", "name": "张某", "post": "doctor"})
        (referral,) = referrals(db, clue)
        perform(
            db,
            handler,
            clue,
            "referral_receipt",
            {"referral_id": referral.id, "received_on": "2026-06-01"},
        )
        walk(
            db,
            clue,
            ("handler", "submit_result", {"reason": "已移送"}),
            ("leader", "approve_result", {}),
        )
        with pytest.raises(InvalidTransition, match="尚未向实名举报人反馈"):
            fire(db, user(db, "handler"), clue, "request_write_off", {})
        walk(
            db,
            clue,
            ("handler", "give_feedback", {"method": "letter", "public_reply": "已依法处理"}),
            ("handler", "request_write_off", {}),
            ("leader", "approve_write_off", {}),
        )
    assert clue.state == ClueState.WRITTEN_OFF
    assert clue.ledger_no == "C01-D01〔2026〕0001号"
    logs = timeline(db, user(db, "leader"), clue)
    assert [log.trigger for log in logs][:3] == ["create", "register", "notify_acceptance"]
    assert len(logs) == 14
    assert [log.version for log in logs] == list(range(1, 15))
    assert all(log.actor_id for log in logs)
    met = {d.name: d.met_on for d in deadlines(db, clue)}
    assert met["accept_notice"] == date(2026, 6, 1)
    assert met["result_feedback"] == date(2026, 6, 1)


def test_ledger_numbers_are_gap_free_per_body_and_year(db):
    with at(2026, 3, 2):
        numbers = []
        for _ in range(3):
            clue = new_clue(db)
            fire(db, user(db, "clerk"), clue, "register", {})
            numbers.append(clue.ledger_seq)
        # A registration that fails after allocating gives its number back.
        doomed = new_clue(db)
        savepoint = db.begin_nested()
        fire(db, user(db, "clerk"), doomed, "register", {})
        savepoint.rollback()
        fresh = new_clue(db)
        fire(db, user(db, "clerk"), fresh, "register", {})
    assert numbers == [1, 2, 3]
    assert fresh.ledger_seq == 4


def test_stale_version_is_a_conflict_not_an_overwrite(db):
    clue = new_clue(db)
    with pytest.raises(Conflict):
        fire(db, user(db, "clerk"), clue, "register", {}, expected_version=0)
    assert clue.state == ClueState.RECEIVED


def test_acceptance_notice_across_spring_festival_2026(db):
    # Received Thu 12 Feb 2026; 春节 15–23 Feb are rest days, Sat 14 and Sat 28 Feb are
    # make-up working days. Counting starts the next day (Civil Code Art. 201).
    with at(2026, 2, 12):
        clue = new_clue(db, reporter_named=True)
    due = {d.name: d.due for d in deadlines(db, clue, today=date(2026, 2, 12))}
    # Working days: 13, 14(调休), 24–27, 28(调休), 2–6 Mar, 9–11 Mar → the 15th is 11 Mar.
    assert due["accept_notice"] == date(2026, 3, 11)


def test_petition_deadline_pauses_while_shelved_and_extends_once(db):
    with at(2026, 3, 2):
        clue = new_clue(db, petition=True)
        walk(
            db,
            clue,
            ("clerk", "register", {}),
            ("leader", "assign", {"handler_id": user(db, "handler").id}),
            ("handler", "propose", {"route": "shelved", "reason": "暂不具备核查条件"}),
        )
    first_due = date.fromisoformat(clue.clocks["petition_conclusion"]["due"])
    # 2 Mar + 60 days = 1 May, 劳动节: Art. 203 moves it to the next working day.
    assert first_due == date(2026, 5, 6)
    with at(2026, 3, 10):
        fire(db, user(db, "leader"), clue, "approve_shelved", {})
    assert clue.clocks["petition_conclusion"]["paused_on"] == "2026-03-10"
    with at(2026, 3, 30):
        fire(db, user(db, "handler"), clue, "review_shelved", {"reason": "条件具备"})
    resumed_due = date.fromisoformat(clue.clocks["petition_conclusion"]["due"])
    assert resumed_due == date(2026, 5, 21)  # 2 Mar + 60 + 20 paused days, a Thursday
    with at(2026, 4, 1):
        with pytest.raises(ValidationError, match="1 至 30"):
            fire(
                db,
                user(db, "leader"),
                clue,
                "extend",
                {"clock": "petition_conclusion", "days": 45, "reason": "情况复杂"},
            )
        fire(
            db,
            user(db, "leader"),
            clue,
            "extend",
            {"clock": "petition_conclusion", "days": 30, "reason": "情况复杂"},
        )
        with pytest.raises(InvalidTransition, match="已延期过"):
            fire(
                db,
                user(db, "leader"),
                clue,
                "extend",
                {"clock": "petition_conclusion", "days": 5, "reason": "再延"},
            )
    assert clue.clocks["petition_conclusion"]["extended"] == 30


def test_a_deadline_in_an_unconfirmed_year_is_stored_as_pending_never_refused(db):
    with at(2026, 12, 20):
        clue = new_clue(db, reporter_named=True)
    clock = clue.clocks["accept_notice"]
    assert clock["due"] is None and clock["pending_year"] == 2027
    assert clue.next_due_on is None and clue.pending_due_label == "待定（2027 年工作日历未确认）"
    (view,) = deadlines(db, clue, today=date(2026, 12, 21))
    assert view.due is None and view.due_label == "待定（2027 年工作日历未确认）"


def test_due_soon_and_overdue(db):
    with at(2026, 6, 1):
        clue = new_clue(db, reporter_named=True)
    due = date.fromisoformat(clue.clocks["accept_notice"]["due"])
    assert deadlines(db, clue, today=date(2026, 6, 2))[0].status == "normal"
    assert deadlines(db, clue, today=due)[0].status == "due_soon"
    assert deadlines(db, clue, today=date(2026, 7, 1))[0].status == "overdue"


def test_merge_counts_the_repeat_on_the_target(db):
    with at(2026, 5, 6):
        original = new_clue(db)
        duplicate = new_clue(db, summary="同一问题再次反映")
        fire(db, user(db, "clerk"), duplicate, "merge", {"target_clue_id": original.id})
    assert duplicate.state == ClueState.MERGED and duplicate.merged_into_id == original.id
    assert original.repeat_count == 1


def test_forwarding_creates_a_handed_down_clue_with_its_five_day_clock(db):
    from cases.models import Clue

    with at(2026, 5, 6):
        clue = new_clue(db)
        hospital = unit(db, "C01-D01-H01")
        fire(
            db,
            user(db, "clerk"),
            clue,
            "forward",
            {"target_unit_id": hospital.id, "reason": "由医院先行核查"},
        )
    copy = db.scalar(select(Clue).where(Clue.unit_id == hospital.id))
    assert copy.handed_down and copy.state == ClueState.RECEIVED
    # 劳动节 1–5 May; Sat 9 May is a make-up working day: 7, 8, 9, 11, 12.
    assert copy.clocks["forward_accept"]["due"] == "2026-05-12"


def test_time_limits_are_configurable_and_name_their_source():
    from cases.timelimits import DEFAULT_RULES, configure

    rules = configure("accept_notice=10, shelved_review=30")
    assert rules["accept_notice"].amount == 10 and rules["shelved_review"].amount == 30
    assert rules["inquiry_reply"].amount == 15
    assert all(rule.source for rule in DEFAULT_RULES)
    with pytest.raises(ValueError, match="nonsense"):
        configure("nonsense=3")
