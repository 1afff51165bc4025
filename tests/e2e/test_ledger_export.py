"""The ledger export in Chromium: 导出 Excel starts a background job, the page shows its
progress without JavaScript's help, and the finished file downloads under its Chinese name."""

from __future__ import annotations

import io

from openpyxl import load_workbook
from playwright.sync_api import expect

from cases.ledger_export import LEDGER_COLUMNS
from tests.e2e.conftest import ARTIFACTS, sign_in


def _arrange(database_url: str) -> None:
    """Two clues in the leader's county, one with text that looks like a formula."""
    from sqlalchemy import select
    from sqlalchemy.orm import sessionmaker

    from cases.models import Clue
    from config.database import make_engine, session_scope
    from directory.models import OrgUnit

    engine = make_engine(database_url)
    try:
        with session_scope(sessionmaker(bind=engine)) as session:
            county = session.scalar(select(OrgUnit).where(OrgUnit.code == "C01-D01"))
            assert county is not None
            for summary in ("导出用线索", '=HYPERLINK("http://evil.example","点此")'):
                session.add(Clue(unit_id=county.id, channel="hotline", summary=summary))
    finally:
        engine.dispose()


def test_leader_exports_the_ledger_and_downloads_it(page, live_database):
    _arrange(live_database)
    sign_in(page, "leader")
    page.goto("/ledger")
    page.get_by_test_id("export").click()
    job = page.get_by_test_id("export-job")
    expect(job).to_be_visible()
    # The writer runs in a thread of the live server; the page refreshes itself until done.
    expect(job).to_have_attribute("data-status", "done", timeout=30_000)
    expect(page.get_by_test_id("export-progress")).to_contain_text("100%")
    page.screenshot(path=str(ARTIFACTS / "ledger-export-done.png"), full_page=True)
    with page.expect_download() as info:
        page.get_by_test_id("export-download").click()
    download = info.value
    assert download.suggested_filename.startswith("问题线索台账_")
    assert download.suggested_filename.endswith(".xlsx")
    with open(download.path(), "rb") as fh:
        ws = load_workbook(io.BytesIO(fh.read())).active
    assert [c.value for c in ws[1]] == list(LEDGER_COLUMNS)
    assert ws.max_row >= 3
    cells = [c for row in ws.iter_rows() for c in row]
    assert not [c for c in cells if c.data_type == "f"]  # the formula-like text stays text
