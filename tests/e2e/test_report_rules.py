"""报送规则 in a real browser: the county's leader sends 统计表（三） to 医政体改和中医股 and
enters a notice's one-off obligation on a phone; a refusal keeps what was typed; the
hospital's reporter then finds the one-off among their tasks (issue 19)."""

from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy.orm import sessionmaker

from config.database import make_engine, session_scope
from reporting.obligations import ensure_default_rules
from tests.e2e.conftest import sign_in

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def _standing_rules(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        with session_scope(sessionmaker(bind=engine)) as session:
            ensure_default_rules(session)
    finally:
        engine.dispose()


def test_leader_routes_a_form_and_enters_a_one_off_the_reporter_owes_it(
    make_page, live_database
):
    _standing_rules(live_database)
    page = make_page(**PHONE)
    sign_in(page, "leader")
    page.goto("/reporting/rules")
    routing = page.get_by_test_id("recipients-zl3_institution")
    routing.get_by_label("医政体改和中医股").check()
    routing.get_by_role("button", name="保存接收处室").click()
    expect(page.get_by_text("接收处室已保存。")).to_be_visible()
    expect(
        page.get_by_test_id("recipients-zl3_institution").get_by_label("医政体改和中医股")
    ).to_be_checked()

    form = page.get_by_test_id("oneoff-form")
    form.get_by_label("报送事项").fill("浏览器测试：工作总结及量表")
    form.get_by_label("文件依据").fill("鹿卫医〔2021〕22号")
    form.get_by_label("医疗机构").check()
    expect(form.get_by_label("报表或文字报告")).to_have_value("campaign_summary")
    form.get_by_role("button", name="下达").click()  # no deadline yet
    expect(page.get_by_text("请填写报送期限")).to_be_visible()
    form = page.get_by_test_id("oneoff-form")
    expect(form.get_by_label("报送事项")).to_have_value("浏览器测试：工作总结及量表")
    form.get_by_label("某日前").fill("2030-12-01")
    form.get_by_role("button", name="下达").click()
    expect(page.get_by_text("个单位须报送")).to_be_visible()

    expect(page.get_by_test_id("oneoff-rules")).to_contain_text("2030年12月1日前")

    reporter = make_page()
    sign_in(reporter, "reporter")
    reporter.get_by_role("link", name="报表任务").first.click()
    expect(reporter.locator("body")).to_contain_text("2030年12月1日")
