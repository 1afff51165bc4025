"""Charts drawn in Chromium under the CSP; pages usable at laptop (1280px) and tablet (800px)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ARTIFACTS, nav_to, sign_in


def _arrange(database_url: str) -> None:
    """A hotline clue and this period's obligations, whatever ran before."""
    from datetime import date

    from sqlalchemy import select
    from sqlalchemy.orm import sessionmaker

    from cases.models import Clue
    from config.database import make_engine, session_scope
    from directory.models import OrgUnit
    from reporting.obligations import generate_obligations

    engine = make_engine(database_url)
    try:
        with session_scope(sessionmaker(bind=engine)) as session:
            county = session.scalar(select(OrgUnit).where(OrgUnit.code == "C01-D01"))
            assert county is not None
            session.add(Clue(unit_id=county.id, channel="hotline", summary="图表用线索"))
            generate_obligations(session, date(2026, 11, 20))
    finally:
        engine.dispose()


def test_stats_draws_every_chart_without_csp_violations(page, live_database):
    _arrange(live_database)
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    sign_in(page, "admin")  # the whole province: the earlier journeys' clues are in
    nav_to(page, "统计报送", "统计图表")
    expect(page.get_by_role("heading", name="统计图表")).to_be_visible()
    drawn = page.locator("canvas[data-drawn=true]")
    expect(drawn.first).to_be_visible()
    assert drawn.count() == page.locator("canvas[data-chart]").count() >= 2
    # Every chart's figures are also a table.
    page.get_by_test_id("chart-by-channel").get_by_text("以表格查看").click()
    expect(page.get_by_test_id("chart-by-channel").get_by_role("table")).to_contain_text("来电")
    assert problems == []


@pytest.mark.parametrize("width", [1280, 800])
@pytest.mark.parametrize(
    "path", ["/", "/stats/", "/clues/", "/ledger", "/search?q=医院", "/intake/?channel=hotline"]
)
def test_layout_has_no_horizontal_scroll(make_page, width, path):
    page = make_page(viewport={"width": width, "height": 900})
    sign_in(page, "handler")  # the longest menu
    response = page.goto(path)
    assert response is not None and response.ok, path
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    ARTIFACTS.mkdir(exist_ok=True)
    name = path.strip("/").split("?")[0].replace("/", "-") or "home"
    page.screenshot(path=str(ARTIFACTS / f"layout-{name}-{width}.png"), full_page=True)
    assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at {width}px"
