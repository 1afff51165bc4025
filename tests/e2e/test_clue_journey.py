"""A clue taken from intake to approval in Chromium; every step shows in its timeline."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.conftest import nav_to, sign_in


def sign_out(page) -> None:
    page.get_by_role("button", name="退出").click()


def act(page, label: str, fields: dict[str, str] | None = None, selects=None) -> None:
    summary = page.locator("main summary", has_text=re.compile(f"^{label}"))
    details = summary.locator("xpath=..")
    if details.get_attribute("open") is None:  # approvals stand open at the top of the page
        summary.click()
    form = details.locator("form")
    for name, value in (fields or {}).items():
        form.locator(f"[name={name}]").fill(value)
    for name, value in (selects or {}).items():
        form.locator(f"select[name={name}]").select_option(label=value)
    form.get_by_role("button", name=f"确认{label}").click()


def test_clerk_logs_a_tip_and_it_moves_through_triage_and_approval(page):
    sign_in(page, "clerk")
    nav_to(page, "问题线索", "线索列表")
    page.get_by_role("link", name="登记线索").click()
    page.get_by_label("线索摘要").fill("来电反映某医院医生收受红包")
    page.get_by_label("反映内容").fill("患者家属来电，称手术前被暗示送红包。")
    page.get_by_label("实名举报").check()
    page.get_by_role("button", name="登记").click()
    expect(page.get_by_test_id("clue-state")).to_have_text("待受理")
    expect(page.get_by_test_id("deadlines")).to_contain_text("告知实名举报人受理情况")
    clue_url = page.url

    act(page, "受理登记", {"reason": "属于受理范围"})
    expect(page.get_by_test_id("clue-state")).to_have_text("已受理")
    act(page, "登记已告知受理情况", selects={"method": "电话"})
    act(page, "指定承办人", selects={"handler_id": "孙承办（承办人）"})
    expect(page.get_by_test_id("clue-state")).to_have_text("拟办")
    sign_out(page)

    sign_in(page, "handler")
    page.goto(clue_url)
    act(page, "提出拟办意见", {"reason": "问题具体，拟初步核实"}, selects={"route": "初步核实"})
    expect(page.get_by_test_id("clue-state")).to_have_text("处置方式待审批")
    # The handler cannot approve: no such button is shown.
    expect(page.locator("main summary", has_text="批准")).to_have_count(0)
    sign_out(page)

    sign_in(page, "leader")
    page.goto(clue_url)
    expect(page.locator("main summary", has_text="批准：暂存待查")).to_have_count(0)
    act(page, "批准：初步核实")
    expect(page.get_by_test_id("clue-state")).to_have_text("初步核实")
    timeline = page.get_by_test_id("timeline")
    for label in ("登记接收", "受理登记", "指定承办人", "提出拟办意见", "批准：初步核实"):
        expect(timeline).to_contain_text(label)
    expect(timeline).to_contain_text("问题具体，拟初步核实")


def test_a_missing_required_field_is_named_and_the_step_not_taken(page):
    questions: list[str] = []
    page.on("dialog", lambda dialog: (questions.append(dialog.message), dialog.accept()))
    sign_in(page, "clerk")
    page.goto("/clues/new")
    page.get_by_label("线索摘要").fill("反映某诊所乱收费")
    page.get_by_role("button", name="登记").click()
    act(page, "不予受理", {"reason": ""})
    expect(page.get_by_role("alert").first).to_contain_text("请填写“不予受理理由”")
    expect(page.get_by_test_id("clue-state")).to_have_text("待受理")
    assert questions == ["确定不予受理？实名举报人须另行告知。"]  # asked before the step
