"""The ledger export in Chromium: 导出 Excel starts a background job, the page polls its JSON
status and moves a progress bar (or, without JavaScript, refreshes itself), and the
finished file downloads under its Chinese name, with a title row, the header frozen below
it, and the next deadline and its state."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta

from openpyxl import load_workbook
from playwright.sync_api import expect

from cases.ledger_export import LEDGER_COLUMNS
from tests.e2e.conftest import ARTIFACTS, sign_in

SHOTS = ARTIFACTS
BULK = 3000  # enough rows that the writer is seen at work on most machines


def _arrange(database_url: str) -> None:
    """In the leader's county, received in 2019 (out of the other tests' way): clues with a
    deadline long past, one with text that looks like a formula, and a bulk of plain ones."""
    from sqlalchemy import insert, select
    from sqlalchemy.orm import sessionmaker

    from cases.models import Clue
    from config.database import make_engine, session_scope
    from directory.models import OrgUnit

    engine = make_engine(database_url)
    at = datetime(2019, 3, 4, 2, 0, tzinfo=UTC)
    try:
        with session_scope(sessionmaker(bind=engine)) as session:
            county = session.scalar(select(OrgUnit).where(OrgUnit.code == "C01-D01"))
            assert county is not None
            for summary in ("导出用线索", '=HYPERLINK("http://evil.example","点此")'):
                session.add(
                    Clue(
                        unit_id=county.id,
                        channel="hotline",
                        summary=summary,
                        received_at=at + timedelta(hours=1),
                        next_due_on=date(2019, 4, 1),
                        next_due_kind="accept_notice",
                    )
                )
            rows = [
                dict(unit_id=county.id, channel="letter", summary=f"批量导出线索{n}",
                     received_at=at, state="registered", version=1, category="other",
                     content="", created_at=at, updated_at=at)
                for n in range(BULK)
            ]  # fmt: skip
            session.execute(insert(Clue), rows)
    finally:
        engine.dispose()


def _export(page) -> None:
    page.goto("/ledger?from=2019-01-01&to=2019-12-31")
    page.get_by_test_id("export").click()
    expect(page.get_by_test_id("export-job")).to_be_visible()


def test_leader_exports_the_ledger_watches_progress_and_downloads_it(page, live_database, tmp_path):
    _arrange(live_database)
    sign_in(page, "leader")
    polled: list[dict] = []
    page.on(
        "response",
        lambda r: polled.append(r.json()) if r.url.endswith("/status") and r.ok else None,
    )
    _export(page)
    job = page.get_by_test_id("export-job")
    first = job.get_attribute("data-status")
    page.evaluate("window.__notReloaded = true")
    page.screenshot(path=str(SHOTS / "ledger-export-progress.png"), full_page=True)
    # The writer runs in a thread of the live server; the page asks for its status.
    expect(job).to_have_attribute("data-status", "done", timeout=60_000)
    expect(page.get_by_test_id("export-progress")).to_contain_text("100%")
    expect(page.locator("progress.export-progress")).to_have_attribute("value", "100")
    assert page.evaluate("window.__notReloaded === true")  # updated in place, not reloaded
    if first != "done":
        assert polled and polled[-1]["status"] == "done" and polled[-1]["percent"] == 100
    page.screenshot(path=str(SHOTS / "ledger-export-done.png"), full_page=True)
    with page.expect_download() as info:
        page.get_by_test_id("export-download").click()
    download = info.value
    assert download.suggested_filename.startswith("问题线索台账_")
    assert download.suggested_filename.endswith(".xlsx")
    with open(download.path(), "rb") as fh:
        ws = load_workbook(io.BytesIO(fh.read())).active
    title = ws["A1"].value
    assert title.startswith("问题线索台账（") and "导出时间" in title
    assert [c.value for c in ws[2]] == list(LEDGER_COLUMNS)
    assert ws.freeze_panes == "A3"
    assert ws.column_dimensions["G"].width > ws.column_dimensions["A"].width
    assert ws.max_row == 2 + BULK + 2
    due_col = LEDGER_COLUMNS.index("下一期限") + 1
    late = [r for r in ws.iter_rows(min_row=3, values_only=True) if r[due_col - 1]]
    assert {(r[due_col - 1], r[due_col]) for r in late} == {("2019-04-01", "已逾期")}
    cells = [c for row in ws.iter_rows() for c in row]
    assert not [c for c in cells if c.data_type == "f"]  # the formula-like text stays text


def test_without_javascript_the_progress_page_refreshes_until_done(make_page, live_database):
    page = make_page(java_script_enabled=False)
    sign_in(page, "leader")
    page.goto("/ledger?q=导出用线索")
    page.get_by_test_id("export").click()
    expect(page.get_by_test_id("export-job")).to_have_attribute(
        "data-status", "done", timeout=60_000
    )
    expect(page.get_by_test_id("export-download")).to_be_visible()
