"""Ledger rows: dates on one line at tablet width, and an overdue badge on an overdue row."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from cases.models import Clue
from cases.service import NewClue, create_clue
from config.database import make_engine, session_scope
from directory.models import OrgUnit
from tests.e2e.conftest import sign_in
from workflow.engine import local_today

SUMMARY = "台账逾期徽标演示线索，摘要较长以便在平板宽度下折行显示多行文字"


def _overdue_clue(url: str) -> None:
    engine = make_engine(url)
    with session_scope(sessionmaker(bind=engine)) as session:
        if session.scalar(select(Clue.id).where(Clue.summary == SUMMARY)) is None:
            county = session.scalar(select(OrgUnit).where(OrgUnit.code == "C01-D01"))
            clue = create_clue(session, None, county, NewClue("hotline", SUMMARY))
            clue.next_due_on = local_today() - timedelta(days=3)
    engine.dispose()


def test_ledger_dates_do_not_wrap_and_overdue_rows_carry_a_badge(make_page, live_database):
    _overdue_clue(live_database)
    page = make_page(viewport={"width": 1024, "height": 768})
    sign_in(page, "leader")
    page.goto("/ledger")
    row = page.get_by_test_id("ledger").locator("tr", has_text=SUMMARY)
    due = row.get_by_test_id("due-cell")
    assert "已逾期" in due.inner_text()
    line = page.evaluate("parseFloat(getComputedStyle(document.body).lineHeight) || 24")
    received = row.locator("td").nth(1)
    assert received.evaluate("el => el.getClientRects().length") == 1
    # One line of text: the cell's content is not taller than about one line.
    height = received.evaluate(
        "el => { const r = document.createRange(); r.selectNodeContents(el);"
        " return r.getBoundingClientRect().height; }"
    )
    assert height < line * 1.6
