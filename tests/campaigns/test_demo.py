"""The demo enters the seed 001 campaign with its tasks and one inspection that raised a clue."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from campaigns.demo import DOC_NUMBER, load_demo
from campaigns.inspections import clue_source
from campaigns.models import Inspection
from campaigns.overview import compliance
from campaigns.service import campaign_obligation_rules, public_notices
from reporting.obligations import generate_obligations
from tests.conftest import user


def test_demo_campaign(db):
    campaign = load_demo(db)
    assert campaign.doc_number == DOC_NUMBER
    assert len(campaign.phases) == 3 and len(campaign.tasks) == 8
    assert [o.name for o in campaign.tasks[7].lead_offices] == ["基层处"]
    rules = campaign_obligation_rules(db, campaign)
    assert [r.fixed_due.isoformat() for r in rules if r.fixed_due] == ["2020-08-31", "2020-12-15"]
    assert campaign in public_notices(db)

    inspection = db.scalar(select(Inspection).where(Inspection.campaign_id == campaign.id))
    assert inspection is not None and len(inspection.clues) == 1
    assert clue_source(db, inspection.clues[0].clue_id).item.number == 8


def test_campaign_deadlines_feed_reporting_and_the_overview_compliance(db):
    campaign = load_demo(db)
    generate_obligations(db, date(2020, 9, 5))
    rows = compliance(db, user(db, "admin"), campaign, date(2020, 9, 5))
    august = rows[0]
    assert august.rule.fixed_due == date(2020, 8, 31)
    # Every city and every institution of the demo province owes it; none has reported.
    assert august.owed > 10 and august.done == 0 and august.overdue == august.owed
    county_view = compliance(db, user(db, "leader"), campaign, date(2020, 9, 5))
    assert 0 < county_view[0].owed < august.owed  # the county leader sees their subtree only
