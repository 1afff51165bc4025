"""The demo is current: loaded on any day, its first sweep reminds only of the demo's own
recent work — never of a 2020 campaign deadline or last year's report (frozen time)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import func, select

import campaigns.demo
import cases.demo
import documents.bulletin_demo
import reporting.demo
import supervision.demo
from campaigns.models import Campaign
from cases.models import Clue
from notifications.clue_reminders import sweep_clues
from notifications.dry_run import reminder_dry_run
from notifications.models import Delivery
from notifications.obligation_reminders import sweep_obligations
from notifications.rectification_reminders import sweep_rectification
from notifications.referral_reminders import sweep_referrals
from reporting.models import Obligation
from reporting.obligations import generate_obligations
from tests.conftest import user
from tests.reporting.journey import SH
from web.cli import DEMO_MODULES


@pytest.mark.parametrize(
    "today",
    [date(2026, 3, 2), date(2026, 6, 15), date(2026, 9, 29), date(2026, 10, 30)],
)
def test_the_first_sweep_after_the_demo_speaks_only_of_the_demos_recent_items(db, today):
    morning = datetime(today.year, today.month, today.day, 9, 30, tzinfo=SH)
    with time_machine.travel(morning, tick=False):
        for module in DEMO_MODULES:
            module.load_demo(db)
        generate_obligations(db, today)  # the daily job, before the first sweep
        window_start = today - timedelta(days=reporting.demo.WINDOW_DAYS)
        campaign = db.scalar(select(Campaign))
        assert campaign is not None and campaign.starts_on >= window_start
        rows = reminder_dry_run(db, user(db, "admin"), today, limit=100_000).rows
        assert rows, "the demo shows reminders of its own"
        assert min(r.deadline for r in rows) >= window_start, sorted(
            {(r.kind, r.subject, r.deadline.isoformat()) for r in rows if r.deadline < window_start}
        )
        queued = sum(
            sweep(db, morning)
            for sweep in (sweep_obligations, sweep_clues, sweep_referrals, sweep_rectification)
        )
    assert queued == len(rows)
    deliveries = db.scalars(select(Delivery)).all()
    assert deliveries and min(d.business_date for d in deliveries) >= window_start
    # Whatever fell due before the window is history, reported before the platform was used.
    owed_old = db.scalars(
        select(Obligation).where(
            Obligation.due_on < window_start, Obligation.state.not_in(["accepted"])
        )
    ).all()
    assert owed_old == []


def test_the_demo_loads_in_december_before_next_years_calendar_is_entered(db):
    december = datetime(2026, 12, 4, 23, 30, tzinfo=SH)
    with time_machine.travel(december, tick=False):
        for module in DEMO_MODULES:
            module.load_demo(db)
    # The stories, the campaign's clue, the routed portal tip waiting for its clerk, the
    # city's letter that the county desk's duplicate check finds; the supervision demo's
    # clue handed down by the city and its written-off history; the 部门移交 asking for its
    # result (cases.demo_duties); the closed typical cases of the 通报 (documents.bulletin_demo).
    supervised = 1 + len(supervision.demo.HISTORY)
    assert (
        db.scalar(select(func.count()).select_from(Clue))
        == len(cases.demo.STORIES) + 3 + supervised + 1 + len(documents.bulletin_demo.CASES)
    )
    assert db.scalar(select(Campaign.starts_on)) == date(2026, 11, 4)


def test_the_demo_campaign_is_the_seeds_moved_to_today(db):
    with time_machine.travel(datetime(2026, 6, 15, 10, tzinfo=SH), tick=False):
        for module in DEMO_MODULES:
            module.load_demo(db)
    campaign = db.scalar(select(Campaign))
    assert campaign is not None
    assert campaign.name == campaigns.demo.name(2026) and "2020" not in campaign.name
    assert all(p.starts_on.year == 2026 for p in campaign.phases)
