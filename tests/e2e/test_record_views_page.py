"""The clue page's handling records, drawn from their declarations (``cases.record_views``),
read as label–value pairs: each label sits on the line of its own value, before it, and
nothing runs out of the page, on a desktop and on a phone."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from cases.models import Clue
from cases.states import ClueState
from config.database import make_engine, session_scope
from tests.cases.factories import clue_in_state
from tests.e2e.conftest import sign_in
from tests.web.test_record_views import _write_every_field

SUMMARY = "办理记录逐项显示"
SHOTS = os.environ.get("QINGFENG_SHOTS")  # a folder to keep screenshots in, when set


def _clue_with_every_record(url: str) -> int:
    engine = make_engine(url)
    with session_scope(sessionmaker(bind=engine)) as session:
        clue = session.scalar(select(Clue).where(Clue.summary == SUMMARY))
        if clue is None:
            clue = clue_in_state(session, ClueState.DISPOSING, summary=SUMMARY)
            clue.reporter_named = False
            _write_every_field(session, clue)
            clue.state = ClueState.FEEDBACK
        clue_id = clue.id
    engine.dispose()
    return clue_id


@pytest.mark.parametrize("size", [(1440, 900), (390, 844)])
def test_each_record_field_reads_label_then_value(make_page, live_database, size):
    clue_id = _clue_with_every_record(live_database)
    page = make_page(viewport={"width": size[0], "height": size[1]})
    sign_in(page, "handler")
    page.goto(f"/clues/{clue_id}")
    pairs = page.locator("dl.record > div")
    assert pairs.count() > 30
    for i in range(pairs.count()):
        label = pairs.nth(i).locator("dt").bounding_box()
        value = pairs.nth(i).locator("dd").bounding_box()
        assert label and value
        assert label["x"] + label["width"] <= value["x"] + 1, pairs.nth(i).inner_text()
        assert abs(label["y"] - value["y"]) < 4, pairs.nth(i).inner_text()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    talk = page.locator("[data-records=talks] > li").first
    assert "谈话人" in talk.inner_text()
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        section = page.locator("[data-testid=sanctions]")
        section.scroll_into_view_if_needed()
        page.screenshot(path=f"{SHOTS}/records-{size[0]}.png", full_page=True)
