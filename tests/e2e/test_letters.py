"""From the demo, a handler issues a 受理告知书 and a 移送函 with 文号 in the browser; the
clue page lists them; both open as DOCX (python-docx) and PDF (pypdf) with the number."""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from cases.models import Clue
from cases.service import NewClue, create_clue, fire
from cases.states import ClueState
from config.database import make_engine, session_scope
from directory.models import OrgUnit, User
from documents import demo as documents_demo
from documents.models import DocumentType
from tests.documents.helpers import flat_docx_text, pdf_text
from tests.e2e.conftest import sign_in

SHOTS = Path(os.environ.get("QINGFENG_SHOTS", "/tmp/qingfeng-shots"))
SUMMARY = {"notice": "实名反映某卫生院违规收取检查费", "referral": "反映某药店套取医保基金"}


def _arrange(url: str) -> dict[str, int]:
    """The demo's document types, a named clue just registered (受理告知 due) and one with
    findings, both handled by the demo handler."""
    engine = make_engine(url)
    ids = {}
    with session_scope(sessionmaker(bind=engine)) as session:
        if session.scalar(select(DocumentType.id).limit(1)) is None:
            documents_demo.load_demo(session)
        clerk = session.scalar(select(User).where(User.username == "clerk"))
        handler = session.scalar(select(User).where(User.username == "handler"))
        county = session.scalar(select(OrgUnit).where(OrgUnit.code == "C01-D01"))
        assert clerk and handler and county
        for key, summary in SUMMARY.items():
            clue = session.scalar(select(Clue).where(Clue.summary == summary))
            if clue is None:
                new = NewClue(channel="letter", summary=summary, reporter_named=True)
                clue = create_clue(session, clerk, county, new)
                fire(session, clerk, clue, "register", {})
                if key == "referral":
                    clue.state = ClueState.FINDINGS
                clue.handler_id = handler.id
            ids[key] = clue.id
    engine.dispose()
    return ids


def _issue(page, clue_id: int, letter: str, addressee: str, shot: str) -> str:
    page.goto(f"/clues/{clue_id}")
    page.get_by_role("link", name=f"生成文书：{letter}").click()
    page.get_by_label("主送").fill(addressee)
    page.screenshot(path=str(SHOTS / f"{shot}-draft.png"), full_page=True)
    page.get_by_test_id("issue-letter").click()
    flash = page.locator(".flash-success").first.inner_text()
    assert f"已制发《{letter}》" in flash
    page.locator("#letters-h").scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / f"{shot}-issued.png"), full_page=True)
    return flash.split("文号 ")[1].rstrip("。")


def _files(page, number: str) -> tuple[bytes, bytes]:
    row = page.get_by_test_id("letters").locator("tr", has_text=number)
    docx = page.request.get(row.get_by_role("link", name="Word").get_attribute("href")).body()
    pdf = page.request.get(row.get_by_role("link", name="PDF").get_attribute("href")).body()
    return docx, pdf


def test_handler_issues_acceptance_notice_and_referral(page, live_database):
    SHOTS.mkdir(parents=True, exist_ok=True)
    ids = _arrange(live_database)
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, "handler")
    notice = _issue(page, ids["notice"], "受理告知书", "刘某某：", "letter-notice")
    assert notice.startswith("清卫纪告〔") and notice.endswith("号")
    timeline = page.get_by_test_id("timeline").inner_text()
    assert "登记已告知受理情况" in timeline and notice in timeline
    docx, pdf = _files(page, notice)
    assert notice in flat_docx_text(docx) and "刘某某：" in flat_docx_text(docx)
    assert notice in pdf_text(pdf) and "已依规受理" in pdf_text(pdf)
    (SHOTS / "letter-notice.pdf").write_bytes(pdf)
    referral = _issue(page, ids["referral"], "移送函", "清河县公安局：", "letter-referral")
    assert referral.startswith("清卫纪函〔")
    docx, pdf = _files(page, referral)
    assert referral in flat_docx_text(docx) and "清河县公安局：" in pdf_text(pdf)
    (SHOTS / "letter-referral.pdf").write_bytes(pdf)


def test_admin_sets_a_prefix_and_sees_templates(page, live_database):
    SHOTS.mkdir(parents=True, exist_ok=True)
    _arrange(live_database)
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, "admin")
    page.goto("/admin/documents/types")
    assert "清卫纪函〔" in page.locator("main").inner_text()
    page.screenshot(path=str(SHOTS / "admin-types.png"), full_page=True)
    page.get_by_role("link", name="新增文种").click()
    page.get_by_label("文种名称").fill("函")
    page.get_by_label("文号前缀（机关代字）").fill("东〔纪〕函")
    page.get_by_role("button", name="保存").click()
    assert "机关代字" in page.locator(".flash-error").first.inner_text()
    page.screenshot(path=str(SHOTS / "admin-type-error.png"), full_page=True)
    page.goto("/admin/documents/templates/")
    page.get_by_role("link", name="预览").first.click()
    assert "示例〔2026〕1号" in page.get_by_test_id("template-preview").inner_text()
    page.screenshot(path=str(SHOTS / "admin-template-preview.png"), full_page=True)
