"""报送 in a real browser: typed values are sent without 保存草稿, confirmed with the totals;
a refusal keeps every typed value; leaving with unsaved figures warns; without JavaScript
nothing typed is lost either (issue 15, section 1)."""

from __future__ import annotations

import re
from datetime import date

from playwright.sync_api import expect
from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from config.database import make_engine, session_scope
from reporting import cells
from reporting.forms import FORMS
from reporting.models import Obligation, Submission
from reporting.obligations import generate_obligations
from tests.conftest import unit
from tests.e2e.conftest import nav_to, sign_in
from tests.reporting.journey import reporter_of

PASSWORD = "another-password-1"  # noqa: S105 - the test reporters' password (journey.py)
NOVEMBER = date(2026, 11, 1)


def _arrange(database_url: str, unit_code: str) -> tuple[str, int]:
    """A reporter of ``unit_code`` and its November 统计表（三）, not started."""
    engine = make_engine(database_url)
    try:
        with session_scope(sessionmaker(bind=engine)) as session:
            generate_obligations(session, date(2026, 12, 5))
            person = reporter_of(session, unit_code)
            ob = session.scalar(
                select(Obligation).where(
                    Obligation.unit_id == unit(session, unit_code).id,
                    Obligation.form_code == "zl3",
                    Obligation.period_start == NOVEMBER,
                )
            )
            assert ob is not None and ob.state == "not_started"
            return person.username, ob.id
    finally:
        engine.dispose()


def _stored(database_url: str, obligation_id: int) -> tuple[str, dict, str]:
    engine = make_engine(database_url)
    try:
        with session_scope(sessionmaker(bind=engine)) as session:
            sub = session.scalar(
                select(Submission).where(Submission.obligation_id == obligation_id)
            )
            assert sub is not None
            decoded = cells.decode(FORMS["zl3"], sub.values)
            values = {cells.key_text(k): v for k, v in decoded.items()}
            return sub.state, values, sub.leader_name
    finally:
        engine.dispose()


def _open_form(page, username: str, obligation_id: int) -> None:
    sign_in(page, username, PASSWORD)
    page.goto(f"/reporting/obligations/{obligation_id}")
    page.get_by_role("button", name=re.compile("开始填报")).click()
    page.wait_for_url(re.compile(r"/reporting/submissions/\d+"))


def _cell(page, key: str):
    return page.locator(f'input[name="{key}"]')


def test_send_without_saving_a_draft_confirms_the_totals_and_keeps_the_values(page, live_database):
    username, ob_id = _arrange(live_database, "C01-D01-H02")
    _open_form(page, username, ob_id)
    assert page.locator('input[name^="public_l3|"]').count() == 0  # not its class row
    expect(page.locator("[data-scroll-hint]")).to_be_visible()  # wider than the screen
    expect(page.locator("[data-form-scroll]")).to_have_class(re.compile("scrolls"))
    _cell(page, "public_l2|warnings").fill("3")
    _cell(page, "public_l2|trainees").fill("45")
    expect(page.locator('[data-cell="all|warnings"]')).to_have_text("3")  # totals while typing
    expect(page.locator('[data-cell="public|trainees"]')).to_have_text("45")
    page.get_by_label("单位负责人").fill("王院长")

    asked: list[str] = []

    def answer(dialog):
        asked.append(dialog.message)
        dialog.accept()

    page.once("dialog", answer)
    page.get_by_test_id("send").click()  # no 保存草稿 before
    expect(page.get_by_test_id("submission-state")).to_have_text("已报送")
    assert "警示教育活动（次）：3" in asked[0] and "培训班—（人）：45" in asked[0]
    state, values, leader = _stored(live_database, ob_id)
    assert state == "submitted" and leader == "王院长"
    assert values["public_l2|warnings"] == 3 and values["public_l2|trainees"] == 45
    assert values["all|trainees"] == 45
    expect(page.get_by_role("button", name="撤回")).to_be_visible()


def test_a_refused_send_keeps_every_typed_value(page, live_database):
    username, ob_id = _arrange(live_database, "C01-D01-H03")
    _open_form(page, username, ob_id)
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("send").click()  # nothing typed: refused, naming the cells
    expect(page.get_by_text(re.compile("报表是空的"))).to_be_visible()
    _cell(page, "public_l2|warnings").fill("2")
    _cell(page, "public_l2|kb_cases").fill("2")
    _cell(page, "public_l2|kb_persons").fill("1")  # fewer persons than cases: refused
    _cell(page, "public_l2|courses").fill("三次")
    page.get_by_label("单位负责人").fill("赵院长")
    page.get_by_test_id("send").click()
    expect(page.locator("td.cell-error").first).to_be_visible()
    expect(_cell(page, "public_l2|warnings")).to_have_value("2")
    expect(_cell(page, "public_l2|kb_persons")).to_have_value("1")
    expect(_cell(page, "public_l2|courses")).to_have_value("三次")
    expect(page.get_by_label("单位负责人")).to_have_value("赵院长")
    expect(page.get_by_test_id("submission-state")).to_have_text("草稿")
    assert _stored(live_database, ob_id)[0] == "draft"

    # What is on the page is not saved: leaving asks first.
    kinds: list[str] = []

    def stay(dialog):
        kinds.append(dialog.type)
        dialog.dismiss()

    page.once("dialog", stay)
    nav_to(page, "统计报送", "报表任务")
    expect(page.get_by_test_id("submission-state")).to_have_text("草稿")  # still here
    assert kinds == ["beforeunload"]
    expect(_cell(page, "public_l2|courses")).to_have_value("三次")


def test_without_javascript_send_saves_asks_with_the_totals_then_sends(make_page, live_database):
    username, ob_id = _arrange(live_database, "C01-D01-H04")
    page = make_page(java_script_enabled=False, viewport={"width": 390, "height": 844})
    _open_form(page, username, ob_id)
    row = page.locator("tr.own-row").get_attribute("data-row")
    _cell(page, f"{row}|warnings").fill("5")
    page.get_by_label("单位负责人").fill("钱院长")
    page.get_by_test_id("send").click()
    confirm = page.get_by_test_id("send-confirm")
    expect(confirm).to_contain_text("警示教育活动（次）")
    expect(confirm).to_contain_text("5")
    assert _stored(live_database, ob_id)[:1] == ("draft",)  # saved, not sent
    page.get_by_test_id("confirm-send").click()
    expect(page.get_by_test_id("submission-state")).to_have_text("已报送")
    state, values, leader = _stored(live_database, ob_id)
    assert state == "submitted" and values[f"{row}|warnings"] == 5 and leader == "钱院长"
