"""The demo enters the seed 001 campaign with its tasks and one inspection that raised a clue."""

from __future__ import annotations

from campaigns.demo import DOC_NUMBER, load_demo
from campaigns.inspections import clue_source
from campaigns.service import campaign_obligation_rules, public_notices


def test_demo_campaign(db):
    campaign = load_demo(db)
    assert campaign.doc_number == DOC_NUMBER
    assert len(campaign.phases) == 3 and len(campaign.tasks) == 8
    assert [o.name for o in campaign.tasks[7].lead_offices] == ["基层处"]
    rules = campaign_obligation_rules(db, campaign)
    assert [r.fixed_due.isoformat() for r in rules if r.fixed_due] == ["2020-08-31", "2020-12-15"]
    assert campaign in public_notices(db)
    from sqlalchemy import select

    from campaigns.models import Inspection

    inspection = db.scalar(select(Inspection).where(Inspection.campaign_id == campaign.id))
    assert inspection is not None and len(inspection.clues) == 1
    assert clue_source(db, inspection.clues[0].clue_id).item.number == 8
