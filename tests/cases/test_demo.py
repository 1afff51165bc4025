"""The demo shows a portal tip, routed like any other, waiting in the county clerk's queue."""

from __future__ import annotations

import re

from sqlalchemy import select

import cases.demo
from tests.conftest import login, unit
from tips.models import Tip


def test_the_demo_portal_tip_waits_in_the_county_clerks_queue(db, app, client):
    cases.demo.load_demo(db)
    db.commit()
    tip = db.scalar(select(Tip).where(Tip.channel == "portal"))
    assert tip is not None and tip.unit == unit(db, "C01-D01")
    assert tip.accused_unit == unit(db, "C01-D01-H07") and tip.clue_id is not None
    login(client, "clerk")
    html = client.get("/").get_data(as_text=True)
    waiting = re.search(r'data-testid="portal-waiting">(\d+)<', html)
    assert waiting and int(waiting.group(1)) == 1
    assert "清河县博爱医院以免费体检为名" in html
    other = app.test_client()
    login(other, "clerk_sm")  # another county's clerk does not see it
    assert "清河县博爱医院以免费体检为名" not in other.get("/").get_data(as_text=True)
