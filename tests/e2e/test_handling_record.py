"""办理记录 reads top to bottom: on the clue page each entry sits under the one before,
names who (and role), when and the step in Chinese, wraps long text, and stays inside the
page at 60 entries, on a desktop and on a phone."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from cases.handling_models import ClueEvent
from cases.models import Clue
from cases.service import NewClue, create_clue
from config.database import make_engine, session_scope
from directory.models import OrgUnit, User
from tests.e2e.conftest import sign_in

SUMMARY = "六十条办理记录"
LONG = "反映该院检验科技术人员多次收受耗材供应商回扣" * 30  # no spaces: must still wrap


def _clue_with_sixty_entries(url: str) -> int:
    engine = make_engine(url)
    with session_scope(sessionmaker(bind=engine)) as session:
        handler = session.scalar(select(User).where(User.username == "handler"))
        county = session.scalar(select(OrgUnit).where(OrgUnit.code == "C01-D01"))
        assert handler is not None and county is not None
        clue = session.scalar(select(Clue).where(Clue.summary == SUMMARY))
        if clue is None:
            clue = create_clue(session, None, county, NewClue(channel="hotline", summary=SUMMARY))
        have = session.scalar(
            select(ClueEvent.id).where(ClueEvent.clue_id == clue.id, ClueEvent.kind == "talk.add")
        )
        if have is None:
            for n in range(60):
                session.add(
                    ClueEvent(
                        clue_id=clue.id,
                        actor_id=handler.id,
                        at=clue.received_at + timedelta(hours=n + 1),
                        kind="talk.add",
                        summary=LONG if n == 30 else f"谈话：第{n + 1}次",
                        data={},
                    )
                )
        clue_id = clue.id
    engine.dispose()
    return clue_id


@pytest.mark.parametrize("size", [(1440, 900), (390, 844)])
def test_timeline_is_vertical_and_readable_at_sixty_entries(make_page, live_database, size):
    clue_id = _clue_with_sixty_entries(live_database)
    page = make_page(viewport={"width": size[0], "height": size[1]})
    sign_in(page, "leader")
    page.goto(f"/clues/{clue_id}")
    items = page.locator("[data-testid=timeline] > li")
    assert items.count() >= 60
    boxes = [items.nth(i).bounding_box() for i in range(items.count())]
    lefts = {round(b["x"]) for b in boxes}
    assert len(lefts) == 1, "entries must share one left edge (one column)"
    tops = [b["y"] for b in boxes]
    assert tops == sorted(tops) and len(set(tops)) == len(tops), "each entry below the last"
    width = page.locator("[data-testid=timeline]").bounding_box()["width"]
    assert all(b["width"] <= width + 1 for b in boxes), "long text wraps inside the list"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    first = items.first
    assert "登记接收" in first.inner_text()
    assert "系统（自动）" in first.inner_text()
    text = page.locator("[data-testid=timeline]").inner_text()
    for code in ("talk.add", "approve_", "record_findings", "create"):
        assert code not in text
    assert "谈话：第60次" in text and "（承办人）" in text
