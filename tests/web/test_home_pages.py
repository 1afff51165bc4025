"""Each role's home page shows its real work (issue 9)."""

from __future__ import annotations

from datetime import date, timedelta

import time_machine

from config.database import utcnow
from notifications.models import Delivery, DeliveryStatus, SchedulerLease
from reporting.models import Obligation
from reporting.obligations import generate_obligations
from tests.conftest import login, unit, user
from tips.models import Tip, TipStatus

TODAY = "2026-11-20 10:00 +08:00"  # a Friday


def _tip(db, unit_code: str, channel: str, summary: str, **kw) -> Tip:
    tip = Tip(unit_id=unit(db, unit_code).id, channel=channel, summary=summary, **kw)
    db.add(tip)
    db.flush()
    return tip


@time_machine.travel(TODAY, tick=False)
def test_reporter_sees_owed_obligations_with_badges_and_a_pending_deadline(client, db):
    generate_obligations(db, date(2026, 11, 20))
    h01 = unit(db, "C01-D01-H01")
    # An obligation whose deadline falls in a year the calendar does not know yet.
    db.add(
        Obligation(
            rule_id=db.query(Obligation.rule_id).filter_by(unit_id=h01.id).first()[0],
            unit_id=h01.id,
            form_code="zl3",
            period_start=date(2026, 12, 1),
            period_end=date(2026, 12, 31),
            period_label="2026年12月",
            due_on=None,
            calendar_unknown=True,
            unknown_year=2027,
        )
    )
    other = db.query(Obligation).filter_by(unit_id=unit(db, "C01-D01-H02").id).first()
    other.period_label = "中医医院的期间"
    db.flush()
    login(client, "reporter")
    page = client.get("/").get_data(as_text=True)
    panel = page[page.index('data-testid="home-obligations"') :]
    assert "2026年10月" in panel  # October's form, due 2026-11-12 and not submitted
    assert "已逾期" in panel
    assert "待定（2027 年工作日历未确认）" in panel
    # The calendar alert is the administrators' and leaders' business, never a reporter's.
    assert 'data-testid="calendar-alert"' not in page and "管理员" not in panel
    # Another institution's obligations are not this reporter's work.
    assert "中医医院的期间" not in panel


@time_machine.travel(TODAY, tick=False)
def test_reporter_sees_due_soon(client, db):
    generate_obligations(db, date(2026, 11, 20))
    ob = (
        db.query(Obligation)
        .filter_by(unit_id=unit(db, "C01-D01-H01").id, form_code="zl3", period_label="2026年10月")
        .one()
    )
    ob.due_on = date(2026, 11, 24)  # two working days away
    db.flush()
    login(client, "reporter")
    page = client.get("/").get_data(as_text=True)
    assert "即将到期" in page[page.index('data-testid="home-obligations"') :]


def test_clerk_sees_mailbox_and_portal_tips_waiting_in_her_jurisdiction(client, db):
    _tip(db, "C01-D01", "mailbox", "邮件：某卫生院乱收费")
    _tip(db, "C01-D01", "mailbox", "邮件：已登记的", clue_id=999_999)
    _tip(db, "C01-D01", "portal", "网上举报：某医院收红包", status=TipStatus.RECEIVED)
    _tip(db, "C01-D01", "portal", "网上举报：已受理", status=TipStatus.REGISTERED)
    _tip(db, "C02-D03", "portal", "石门县的网上举报", status=TipStatus.RECEIVED)
    login(client, "clerk")
    page = client.get("/").get_data(as_text=True)
    panel = page[page.index('data-testid="intake-queue"') :]
    assert 'data-testid="mailbox-waiting">1<' in panel
    assert 'data-testid="portal-waiting">1<' in panel
    assert "网上举报：某医院收红包" in panel
    assert "石门县的网上举报" not in panel


def test_clerk_sees_referrals_from_other_bodies_waiting_by_channel(client, db):
    _tip(db, "C01-D01", "superior", "省卫健委交办件", status=TipStatus.RECEIVED)
    _tip(db, "C01-D01", "superior", "市卫健委交办件", status=TipStatus.RECEIVED)
    _tip(db, "C01-D01", "inspection_tour", "巡察移交件", status=TipStatus.RECEIVED)
    _tip(db, "C01-D01", "department", "已受理的移交件", status=TipStatus.REGISTERED)
    _tip(db, "C02-D03", "department", "石门县的移交件", status=TipStatus.RECEIVED)
    login(client, "clerk")
    page = client.get("/").get_data(as_text=True)
    panel = page[page.index('data-testid="intake-queue"') :]
    assert 'data-testid="referral-waiting-superior">2<' in panel and "上级交办待受理" in panel
    assert 'data-testid="referral-waiting-inspection_tour">1<' in panel
    assert "referral-waiting-department" not in panel  # registered here, or not ours
    assert "/tips/?channel=superior&amp;registered=no" in panel


def test_admin_sees_dead_deliveries_and_the_scheduler_lease(client, db):
    login(client, "admin")
    page = client.get("/").get_data(as_text=True)
    assert "调度器尚未运行" in page
    db.add(
        Delivery(
            channel="email",
            recipient_user_id=user(db, "reporter").id,
            address="x@example.org",
            subject_ref="obligation:1",
            level="overdue",
            business_date=date(2026, 11, 20),
            idempotency_key="home-test-dead",
            template="obligation_overdue",
            status=DeliveryStatus.DEAD,
            last_error="550 mailbox unavailable",
        )
    )
    now = utcnow()
    db.add(
        SchedulerLease(
            name="scheduler",
            holder="app-1:4242",
            acquired_at=now,
            expires_at=now + timedelta(minutes=2),
        )
    )
    db.flush()
    page = client.get("/").get_data(as_text=True)
    panel = page[page.index('data-testid="admin-alerts"') :]
    assert "已放弃 <strong>1</strong> 条" in panel
    assert "需要处理" in panel
    assert "app-1:4242" in panel and "运行中" in panel


def test_other_roles_do_not_get_the_admin_or_intake_panels(client, db):
    login(client, "handler")
    page = client.get("/").get_data(as_text=True)
    assert 'data-testid="admin-alerts"' not in page
    assert 'data-testid="intake-queue"' not in page
    assert 'data-testid="home-obligations"' not in page
