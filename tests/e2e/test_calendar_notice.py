"""Issue 15 §2 in Chromium: a deadline pending on 2027 is listed on the administrator's home;
the administrator pastes the State Council notice, checks the preview and confirms; the
deadline is then computed with nobody touching the clue."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from playwright.sync_api import expect
from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from cases.service import NewClue, create_clue
from config.database import make_engine, session_scope
from directory.models import OrgUnit, User
from tests.e2e.conftest import ARTIFACTS, sign_in
from workflow.calendar_models import CalendarYear
from workflow.calendar_service import unconfirm_year

NOTICE_2027 = (Path(__file__).parents[1] / "workflow" / "notices" / "2027.txt").read_text("utf-8")
SHOTS = Path("/tmp/h2-calendar-pending")


def _pending_clue(url: str) -> int:
    engine = make_engine(url)
    with session_scope(sessionmaker(bind=engine)) as session:
        admin = session.scalar(select(User).where(User.username == "admin"))
        row = session.get(CalendarYear, 2027)
        if row is not None and row.confirmed:
            unconfirm_year(session, admin, 2027)
        county = session.scalar(select(OrgUnit).where(OrgUnit.code == "C01-D01"))
        received = datetime(2026, 12, 21, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
        clue = create_clue(
            session,
            None,
            county,
            NewClue(
                channel="portal",
                summary="实名反映收受回扣",
                reporter_named=True,
                received_at=received,
            ),
        )
        clue_id = clue.id
    engine.dispose()
    return clue_id


def test_admin_pastes_the_notice_previews_and_confirms(page, live_database):
    clue_id = _pending_clue(live_database)
    SHOTS.mkdir(exist_ok=True)
    sign_in(page, "admin")
    panel = page.get_by_test_id("pending-deadlines")
    expect(panel).to_contain_text("待定（2027 年工作日历未确认）")
    page.screenshot(path=str(SHOTS / "1-admin-home.png"), full_page=True)
    page.get_by_role("link", name="粘贴国务院办公厅通知录入").first.click()
    expect(page.get_by_role("heading", name="粘贴通知录入 2027 年工作日历")).to_be_visible()
    # A wrong weekday is refused with its line; nothing is saved.
    page.get_by_label("通知全文").fill(NOTICE_2027.replace("5月1日（周六）", "5月1日（周日）"))
    page.get_by_test_id("preview-notice").click()
    expect(page.get_by_test_id("notice-errors")).to_contain_text("第 8 行")
    page.screenshot(path=str(SHOTS / "2-refused.png"), full_page=True)
    page.get_by_label("通知全文").fill(NOTICE_2027)
    page.get_by_test_id("preview-notice").click()
    preview = page.get_by_test_id("notice-preview")
    expect(preview).to_contain_text("放假 28 天，调休上班 5 天")
    expect(page.get_by_test_id("preview-workdays")).to_contain_text("2027年2月14日")
    page.screenshot(path=str(SHOTS / "3-preview.png"), full_page=True)
    page.get_by_test_id("confirm-notice").click()
    expect(page.get_by_text("2027 年工作日历已按通知保存并确认")).to_be_visible()
    page.screenshot(path=str(SHOTS / "4-confirmed.png"), full_page=True)
    page.goto(f"/clues/{clue_id}")
    expect(page.get_by_test_id("deadlines")).to_contain_text("2027年1月12日")
    page.screenshot(path=str(SHOTS / "5-clue.png"), full_page=True)
    ARTIFACTS.mkdir(exist_ok=True)
