"""The demo enters the seed 001 campaign, moved to the day it is loaded, with its tasks and
one inspection that raised a clue."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select

from campaigns.demo import doc_number, load_demo
from campaigns.inspections import clue_source
from campaigns.models import Inspection
from campaigns.overview import compliance
from campaigns.service import campaign_obligation_rules, public_notices
from reporting.obligations import generate_obligations
from tests.conftest import user
from tests.reporting.journey import SH

NOW = datetime(2026, 6, 15, 10, tzinfo=SH)  # the campaign began on 16 May


def test_demo_campaign(db):
    campaign = load_demo(db, NOW)
    assert campaign.doc_number == doc_number(2026) == "示范卫办医发〔2026〕36号"
    assert campaign.name == "2026年全省卫生健康行业作风专项整治行动"
    assert campaign.starts_on == date(2026, 5, 16) and campaign.ends_on == date(2026, 11, 1)
    assert len(campaign.phases) == 3 and len(campaign.tasks) == 8
    assert [o.name for o in campaign.tasks[7].lead_offices] == ["基层处"]
    rules = campaign_obligation_rules(db, campaign)
    # The seed's 8月底前 and 12月15日前, ahead of the day the demo is loaded.
    assert [r.fixed_due.isoformat() for r in rules if r.fixed_due] == ["2026-07-02", "2026-10-16"]
    assert rules[0].label == "7月2日前报送清理清查发现的行风问题及整改情况"
    assert campaign in public_notices(db)

    inspection = db.scalar(select(Inspection).where(Inspection.campaign_id == campaign.id))
    assert inspection is not None and len(inspection.clues) == 1
    assert clue_source(db, inspection.clues[0].clue_id).item.number == 8


def test_campaign_deadlines_feed_reporting_and_the_overview_compliance(db):
    campaign = load_demo(db, NOW)
    generate_obligations(db, date(2026, 7, 6))
    rows = compliance(db, user(db, "admin"), campaign, date(2026, 7, 6))
    august = rows[0]
    assert august.rule.fixed_due == date(2026, 7, 2)
    # Every city and every institution of the demo province owes it; none has reported.
    assert august.owed > 10 and august.done == 0 and august.overdue == august.owed
    county_view = compliance(db, user(db, "leader"), campaign, date(2026, 7, 6))
    assert 0 < county_view[0].owed < august.owed  # the county leader sees their subtree only
