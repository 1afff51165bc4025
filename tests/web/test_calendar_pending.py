"""Issue 15 §2: an unconfirmed year never refuses a step. The deadline waits as pending
("待定（2027 年工作日历未确认）"), is listed, and is computed with its reminders once an
administrator enters the year from the pasted State Council notice."""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlalchemy import select

from cases.handling_models import ClueEvent
from cases.models import Clue
from cases.record_actions import perform
from notifications.clue_reminders import sweep_clues
from notifications.models import Delivery
from tests.conftest import login, post_form, user
from tips.models import Tip
from workflow.calendar_models import CalendarYear
from workflow.calendar_service import set_year_from_notice
from workflow.pending import PendingDeadline

SH = ZoneInfo("Asia/Shanghai")
# A made-up 2027 notice in the official form (the real one is not published yet).
NOTICE_2027 = (Path(__file__).parents[1] / "workflow" / "notices" / "2027.txt").read_text("utf-8")
DUE_2027 = date(2027, 1, 12)  # 15 working days after 2026-12-21 on that notice (元旦 1–3 January)


def at(y, m, d, hour=10):
    return time_machine.travel(datetime(y, m, d, hour, tzinfo=SH), tick=False)


@pytest.fixture(autouse=True)
def _county_intake(app):
    app.config["QINGFENG"] = app.config["QINGFENG"].with_overrides(intake_unit="C01-D01")


def switch(client, username):
    if client.get("/login").status_code == 302:  # signed in: sign out first
        post_form(client, "/logout", {}, token_from="/")
    login(client, username)


def _portal_tip(client):
    data = {
        "content": "清河县中医医院药剂科人员收取药品回扣",
        "named": "y",
        "reporter_name": "陈晓梅",
        "reporter_phone": "13712345678",
    }
    return post_form(client, "/portal/report", data, token_from="/portal/")


def _register(client, db, tip_id):
    switch(client, "clerk")
    response = post_form(client, f"/intake/tips/{tip_id}/decision", {"decision": "register"})
    assert response.status_code in (200, 302), response.get_data(as_text=True)
    db.expire_all()
    return db.get(Clue, db.get(Tip, tip_id).clue_id)


def test_named_portal_tip_on_21_december_is_stored_then_dated_by_the_pasted_notice(client, db):
    assert db.get(CalendarYear, 2027) is None or not db.get(CalendarYear, 2027).confirmed
    with at(2026, 12, 21):
        response = _portal_tip(client)
        page = response.get_data(as_text=True)
        assert response.status_code == 200, page
        assert re.search(r'data-testid="receipt-code">[\d ]+<', page)
        assert "管理员" not in page
        db.expire_all()
        tip = db.scalar(select(Tip).order_by(Tip.id.desc()).limit(1))
        assert tip.named
        received = db.get(Clue, tip.clue_id)
        assert received.next_due_on is None and received.pending_due_label
        clue = _register(client, db, tip.id)  # the next step is not refused either
        assert clue.id == received.id and clue.state == "registered"
        assert clue.next_due_on is None
        assert clue.clocks["accept_notice"]["due"] is None
        assert clue.clocks["accept_notice"]["pending_year"] == 2027
        show = client.get(f"/clues/{clue.id}").get_data(as_text=True)
        assert "待定（2027 年工作日历未确认）" in show
        ledger = client.get("/ledger?due=pending").get_data(as_text=True)
        assert f"/clues/{clue.id}" in ledger and "待定（2027 年工作日历未确认）" in ledger
        switch(client, "admin")
        home = client.get("/").get_data(as_text=True)
        assert 'data-testid="pending-deadlines"' in home and f"/clues/{clue.id}" in home
        assert "2027 年的工作日历尚未确认" in home
        assert "/ledger" not in home  # an administrator may not open the ledger: not offered

    with at(2026, 12, 22):
        switch(client, "admin")
        preview = post_form(
            client, "/admin/calendar/2027/notice", {"text": NOTICE_2027, "action": "preview"}
        )
        text = preview.get_data(as_text=True)
        assert preview.status_code == 200 and 'data-testid="notice-preview"' in text
        assert "2027年2月14日" in text and "调休上班" in text
        db.expire_all()
        assert db.get(Clue, clue.id).next_due_on is None  # a preview applies nothing
        done = post_form(
            client,
            "/admin/calendar/2027/notice",
            {"text": NOTICE_2027, "action": "confirm"},
            follow_redirects=True,
        )
        assert "1 项待定的期限已自动计算" in done.get_data(as_text=True)
    db.expire_all()
    clue = db.get(Clue, clue.id)
    assert clue.next_due_on == DUE_2027 and clue.next_due_kind == "accept_notice"
    assert db.scalar(select(PendingDeadline).where(PendingDeadline.clue_id == clue.id)) is None
    events = db.scalars(select(ClueEvent).where(ClueEvent.clue_id == clue.id)).all()
    assert any(e.kind == "deadline.computed" and "2027-01-12" in e.summary for e in events)

    # Its reminders follow like any other deadline's: 3 working days before (7, 8, 11 January).
    sweep_clues(db, datetime(2027, 1, 7, 10, tzinfo=SH))
    ref = f"clue:{clue.id}/accept_notice"
    levels = {d.level for d in db.scalars(select(Delivery).where(Delivery.subject_ref == ref))}
    assert levels == {"due_3"}


def test_every_clock_waits_and_is_computed_by_the_pasted_notice(db):
    from cases.outcomes import open_referral
    from cases.service import fire
    from tests.cases.factories import new_clue

    with at(2026, 12, 28):
        petition = new_clue(db, petition=True)  # 15 days: 2027-01-12 (2027-01-11 is Monday… +1)
        named = new_clue(db, reporter_named=True)
        referral = open_referral(db, None, named, "judicial", "某区公安分局", date(2026, 12, 28))
        fire(db, user(db, "clerk"), petition, "register", {})
    assert petition.clocks["petition_accept"]["due"] is None
    assert referral.receipt_due is None
    kinds = {(r.kind, r.clock) for r in db.scalars(select(PendingDeadline))}
    assert {("clue", "petition_accept"), ("clue", "accept_notice")} <= kinds
    assert ("referral", "referral_receipt") in kinds
    with at(2026, 12, 29):
        set_year_from_notice(db, user(db, "admin"), 2027, NOTICE_2027)
    db.expire_all()
    clocks = db.get(Clue, petition.id).clocks
    # Accepted (registered) while pending: the deadline is still computed, and it was met.
    assert clocks["petition_accept"]["due"] == "2027-01-12"
    assert clocks["petition_accept"]["late"] is False
    # Registering started the 60-day conclusion clock, pending too until now.
    assert clocks["petition_conclusion"]["due"] == "2027-02-26"
    assert db.get(Clue, petition.id).next_due_on == date(2027, 2, 26)
    assert db.get(Clue, named.id).next_due_on is not None
    assert db.get(type(referral), referral.id).receipt_due == date(2027, 1, 12)
    assert db.scalars(select(PendingDeadline)).all() == []


def test_a_notice_it_cannot_read_fully_is_refused_naming_the_line(client, db):
    switch(client, "admin")
    bad = NOTICE_2027.replace("四、劳动节：5月1日（周六）", "四、劳动节：5月1日（周日）")
    response = post_form(client, "/admin/calendar/2027/notice", {"text": bad, "action": "confirm"})
    text = response.get_data(as_text=True)
    assert response.status_code == 422 and 'data-testid="notice-errors"' in text
    assert "第 8 行" in text and "与括号中的“周日”不符" in text
    db.expire_all()
    row = db.get(CalendarYear, 2027)
    assert row is None or not row.confirmed


def test_the_calendar_alert_is_for_admins_and_leaders_never_a_reporter(client):
    with at(2026, 11, 2):
        switch(client, "leader")
        home = client.get("/").get_data(as_text=True)
        assert "2027 年的工作日历尚未确认" in home
        # A leader is told who acts, once; the admin's own instruction is not repeated to them.
        assert "请管理员按国务院办公厅公布的放假安排录入并确认" in home
        assert home.count("录入并确认") == 1 and "粘贴国务院办公厅通知录入" not in home
        switch(client, "reporter")
        home = client.get("/").get_data(as_text=True)
        tasks = client.get("/reporting/").get_data(as_text=True)
        assert "工作日历尚未确认" not in home and 'data-testid="calendar-alert"' not in home
        assert 'data-testid="calendar-alert"' not in tasks
    with at(2026, 10, 30):
        switch(client, "leader")
        assert "工作日历尚未确认" not in client.get("/").get_data(as_text=True)


def test_an_extension_while_pending_waits_too_and_counts_when_confirmed(db):
    from cases.service import fire
    from tests.cases.factories import new_clue

    with at(2026, 11, 20):
        clue = new_clue(db, petition=True)
        fire(db, user(db, "clerk"), clue, "register", {})
    assert clue.clocks["petition_conclusion"]["due"] is None  # 60 days: into 2027
    with at(2026, 12, 1):
        fire(
            db,
            user(db, "leader"),
            clue,
            "extend",
            {"clock": "petition_conclusion", "days": 30, "reason": "情况复杂"},
        )
    clock = clue.clocks["petition_conclusion"]
    assert clock["due"] is None and clock["extended"] == 30 and clock["pending_year"] == 2027
    with at(2026, 12, 2):
        set_year_from_notice(db, user(db, "admin"), 2027, NOTICE_2027)
    db.expire_all()
    # 20 November + 60 + 30 days = 18 February 2027, a Thursday after 春节.
    assert db.get(Clue, clue.id).clocks["petition_conclusion"]["due"] == "2027-02-18"


def test_obligations_waiting_for_the_year_are_dated_when_it_is_confirmed(db):
    from reporting.models import Obligation
    from reporting.obligations import generate_obligations

    generate_obligations(db, date(2026, 12, 20))
    waiting = db.scalars(select(Obligation).where(Obligation.unknown_year == 2027)).all()
    assert waiting and all(o.due_on is None for o in waiting)
    with at(2026, 12, 21):
        set_year_from_notice(db, user(db, "admin"), 2027, NOTICE_2027)
    db.expire_all()
    assert all(db.get(Obligation, o.id).due_on is not None for o in waiting)


def test_the_late_december_sweep_runs_with_next_year_unconfirmed(db):
    from tests.cases.factories import new_clue

    with at(2026, 12, 10):
        clue = new_clue(db, reporter_named=True)
    assert clue.next_due_on == date(2026, 12, 31)
    # 3 working days ahead of 29 December fall in 2027, unconfirmed: the sweep still runs.
    sweep_clues(db, datetime(2026, 12, 29, 10, tzinfo=SH))
    ref = f"clue:{clue.id}/accept_notice"
    levels = {d.level for d in db.scalars(select(Delivery).where(Delivery.subject_ref == ref))}
    assert levels == {"due_3"}


def test_the_unconfirmed_year_alert_goes_to_admins_and_leaders_weekly_never_reporters(db):
    from directory.roles import Role
    from notifications.calendar_alerts import sweep_calendar_alerts
    from notifications.templates import render

    def alerted():
        rows = db.scalars(select(Delivery).where(Delivery.subject_ref == "calendar:2027")).all()
        return rows, {db.get(type(user(db, "admin")), r.recipient_user_id).role for r in rows}

    assert sweep_calendar_alerts(db, datetime(2026, 10, 30, 10, tzinfo=SH)) == 0
    assert alerted()[0] == []
    sweep_calendar_alerts(db, datetime(2026, 11, 2, 10, tzinfo=SH))
    rows, roles = alerted()
    assert rows and roles == {Role.ADMIN, Role.LEADER}
    sweep_calendar_alerts(db, datetime(2026, 11, 4, 10, tzinfo=SH))  # same week: nothing new
    assert len(alerted()[0]) == len(rows)
    sweep_calendar_alerts(db, datetime(2026, 11, 9, 10, tzinfo=SH))  # next week: again
    assert len(alerted()[0]) == 2 * len(rows)
    admin_row = next(r for r in rows if r.context["admin"])
    text = render("calendar_unconfirmed", admin_row.context, "https://qf.example")
    assert "2027 年工作日历尚未确认" in text.subject
    assert text.link == "https://qf.example/admin/calendar/2027/notice"
    with at(2026, 11, 10):
        set_year_from_notice(db, user(db, "admin"), 2027, NOTICE_2027)
    assert sweep_calendar_alerts(db, datetime(2026, 11, 16, 10, tzinfo=SH)) == 0


def test_pending_referral_and_inquiry_show_their_year_and_leaders_see_their_own(client, db):
    from cases.outcomes import open_referral
    from tests.cases.factories import new_clue

    with at(2026, 12, 28):
        clue = new_clue(db, reporter_named=True)
        open_referral(db, None, clue, "judicial", "某区公安分局", date(2026, 12, 28))
        clue.handler_id = user(db, "handler").id
        clue.state = "talk_inquiry"
        db.flush()
        letter = perform(
            db, user(db, "handler"), clue, "inquiry", {"recipient": "李某", "sent_on": "2026-12-28"}
        )
        assert letter.reply_due is None
        switch(client, "handler")
        page = client.get(f"/clues/{clue.id}").get_data(as_text=True)
    assert page.count("待定（2027 年工作日历未确认）") >= 3  # the clock, the receipt, the reply
    assert "回复期限 待定（2027 年工作日历未确认）" in page
    with at(2026, 12, 28):
        switch(client, "leader")
        home = client.get("/").get_data(as_text=True)
    assert 'data-testid="pending-deadlines"' in home and f"/clues/{clue.id}" in home
    assert "/ledger?due=pending" in home  # a leader may open the ledger's filter
