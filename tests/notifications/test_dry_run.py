"""The administrators' dry run: the reminders the sweeps would queue on a day, listed by
recipient, subject, level and channel — and nothing written."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlalchemy import func, select

from config.errors import CalendarUnknown, PermissionDenied, ValidationError
from notifications.clue_reminders import sweep_clues
from notifications.dry_run import parse_day, reminder_dry_run
from notifications.models import Delivery
from notifications.obligation_reminders import sweep_obligations
from notifications.referral_reminders import sweep_referrals
from reporting.obligations import generate_obligations
from tests.cases.factories import new_clue
from tests.conftest import login, user
from tests.notifications.test_referral_reminders import DUE, referred_clue
from workflow.models import OutboxEvent

SH = ZoneInfo("Asia/Shanghai")
DAY = date(2026, 10, 14)  # one working day before the referral's receipt is due
ROW_RE = re.compile(r'<tr data-level="([^"]+)">(.*?)</tr>', re.S)


def counts(db) -> tuple[int, int]:
    return (
        db.scalar(select(func.count()).select_from(Delivery)),
        db.scalar(select(func.count()).select_from(OutboxEvent)),
    )


def rows_for(page: str, needle: str) -> list[tuple[str, str]]:
    return [(level, body) for level, body in ROW_RE.findall(page) if needle in body]


def test_service_lists_the_handler_and_writes_nothing(db):
    clue, referral = referred_clue(db)
    before = counts(db)
    result = reminder_dry_run(db, user(db, "admin"), DAY)
    assert result.workday and result.total >= 1
    mine = [r for r in result.rows if clue.ledger_no in r.subject]
    assert {(r.recipient, r.level, r.kind) for r in mine} == {
        ("孙承办（handler）", "due_1", "referral")
    }
    assert {r.channel_label for r in mine} >= {"站内消息"}
    assert all(r.deadline == DUE and not r.queued for r in mine)
    assert counts(db) == before


def test_service_is_for_administrators_only(db):
    with pytest.raises(PermissionDenied):
        reminder_dry_run(db, user(db, "leader"), DAY)


def test_service_marks_what_is_already_queued(db):
    clue, _referral = referred_clue(db)
    moment = datetime(2026, 10, 14, 9, 5, tzinfo=SH)
    with time_machine.travel(moment, tick=False):
        sweep_referrals(db, moment)
    result = reminder_dry_run(db, user(db, "admin"), DAY)
    mine = [r for r in result.rows if clue.ledger_no in r.subject]
    assert mine and all(r.queued for r in mine)


def test_parse_day():
    assert parse_day("", DAY) == DAY
    assert parse_day(" 2026-10-12 ", DAY) == date(2026, 10, 12)
    with pytest.raises(ValidationError, match="格式不正确"):
        parse_day("2026-13-40", DAY)


def test_unconfirmed_year_is_refused(db):
    with pytest.raises(CalendarUnknown):
        reminder_dry_run(db, user(db, "admin"), date(2031, 3, 3))


def test_page_lists_recipient_and_level_without_writing(client, db):
    clue, _referral = referred_clue(db)
    db.commit()
    before = counts(db)
    login(client, "admin")
    response = client.get(f"/admin/scheduler/dry-run?date={DAY.isoformat()}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    mine = rows_for(page, clue.ledger_no)
    assert mine, page
    assert {level for level, _ in mine} == {"due_1"}
    assert all("孙承办" in body and "即将到期（1个工作日）" in body for _, body in mine)
    assert all("移送回执" in body and "将排队" in body for _, body in mine)
    assert any("站内消息" in body for _, body in mine)
    assert counts(db) == before  # no delivery rows, no outbox rows


def test_page_defaults_to_today_in_shanghai(client, db):
    clue, _referral = referred_clue(db)
    db.commit()
    # 23:30 UTC on 13 Oct is already the 14th in Beijing.
    with time_machine.travel(datetime(2026, 10, 13, 23, 30, tzinfo=ZoneInfo("UTC")), tick=False):
        login(client, "admin")  # inside: a session from the future would be refused
        page = client.get("/admin/scheduler/dry-run").get_data(as_text=True)
    assert "2026年10月14日 将发送的提醒" in page
    assert {level for level, _ in rows_for(page, clue.ledger_no)} == {"due_1"}


def test_page_explains_bad_dates_rest_days_and_unconfirmed_years(client, db):
    login(client, "admin")
    bad = client.get("/admin/scheduler/dry-run?date=2026-13-40")
    assert bad.status_code == 422
    assert "格式不正确，请按“年-月-日”填写" in bad.get_data(as_text=True)
    rest = client.get("/admin/scheduler/dry-run?date=2026-10-03").get_data(as_text=True)
    assert "2026年10月3日 是休息日" in rest
    unknown = client.get("/admin/scheduler/dry-run?date=2031-03-03")
    assert unknown.status_code == 200
    assert "2031 年的工作日历尚未确认" in unknown.get_data(as_text=True)


def test_scheduler_page_links_to_the_dry_run(client):
    login(client, "admin")
    page = client.get("/admin/scheduler").get_data(as_text=True)
    assert "提醒预演" in page and 'action="/admin/scheduler/dry-run"' in page


def test_page_is_for_administrators_only(app, db):
    before = counts(db)
    for name in ("leader", "handler", "inspector"):
        client = app.test_client()
        login(client, name)
        assert client.get(f"/admin/scheduler/dry-run?date={DAY.isoformat()}").status_code == 403
    assert counts(db) == before


def test_dry_run_is_what_the_three_sweeps_queue(db):
    """Obligations, clue time limits and referrals: the same lines the jobs then insert."""
    with time_machine.travel(datetime(2026, 5, 20, 10, tzinfo=SH), tick=False):
        clue = new_clue(db, reporter_named=True)  # accept_notice due 10 Jun, no handler yet
        generate_obligations(db, date(2026, 6, 1))  # May forms due Fri 12 Jun
    day = date(2026, 6, 10)
    _c, referral = referred_clue(db, sent_on=date(2026, 5, 27))  # receipt due 10 Jun
    result = reminder_dry_run(db, user(db, "admin"), day, limit=100_000)
    kinds = {(r.kind, r.recipient_id, r.level) for r in result.rows}
    assert ("obligation", user(db, "reporter").id, "due_3") in kinds
    assert ("clue", user(db, "clerk").id, "due_0") in kinds
    assert ("referral", user(db, "handler").id, "due_0") in kinds
    assert any(r.kind == "obligation" and r.recipient_id is None for r in result.rows)
    assert f"clue:{clue.id}/accept_notice" in {r.subject_ref for r in result.rows}
    assert f"referral:{referral.id}" in {r.subject_ref for r in result.rows}

    before = set(db.scalars(select(Delivery.id)))
    moment = datetime(2026, 6, 10, 9, 30, tzinfo=SH)
    with time_machine.travel(moment, tick=False):
        sweep_obligations(db, moment)
        sweep_clues(db, moment)
        sweep_referrals(db, moment)
    queued = db.scalars(select(Delivery).where(Delivery.id.not_in(before))).all()
    assert Counter(
        (d.subject_ref, d.recipient_user_id, d.level, d.channel, d.business_date) for d in queued
    ) == Counter(
        (r.subject_ref, r.recipient_id, r.level, r.channel.value, r.deadline)
        for r in result.rows
        if not r.queued
    )
    assert result.new == len(queued)
