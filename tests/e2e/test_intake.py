"""Browser tests: the intake desk from the keyboard, and the portal without JavaScript."""

from __future__ import annotations

import re

from tests.e2e.conftest import sign_in


def focused(page) -> str:
    return page.evaluate("document.activeElement && document.activeElement.id")


def test_hotline_desk_works_from_the_keyboard(page):
    sign_in(page, "clerk")
    page.goto("/intake/?channel=hotline")
    assert focused(page) == "reporter_phone"  # autofocus: type as the phone rings
    page.keyboard.type("13800009999")
    page.keyboard.press("Tab")
    assert focused(page) == "meta_call_time"
    page.fill("#meta_call_time", "2026-11-20T09:30")
    page.focus("#content")
    page.keyboard.type("城关镇卫生院收取不合理的注射费，每次多收五元")
    page.keyboard.press("Tab")
    assert focused(page) == "accused_unit_name"
    page.keyboard.type("清河县城关镇卫生院")
    page.keyboard.press("Control+Enter")  # submits without the mouse (static/intake.js)
    page.wait_for_url(re.compile(r"/intake/tips/\d+/decision"))
    assert page.get_by_test_id("tip-channel").inner_text() == "来电"
    assert page.get_by_test_id("clue-state").inner_text() == "待受理"
    page.get_by_role("button", name="作为新线索受理登记").click()
    page.wait_for_url(re.compile(r"/decision"))
    assert page.get_by_test_id("clue-state").inner_text() == "已受理"
    page.get_by_test_id("clue-link").click()
    assert page.get_by_test_id("clue-channel").inner_text().startswith("来电")


def test_portal_report_and_status_without_javascript(make_page):
    page = make_page(java_script_enabled=False)
    page.goto("/portal/")
    assert "0772" not in page.get_by_test_id("public-notice").inner_text()  # no seed numbers
    page.get_by_label("反映内容").fill("清河县博爱医院诱导患者做不必要的检查")
    page.get_by_label("名录中没有？请填写单位名称").fill("清河县博爱医院")
    page.get_by_role("button", name="提交举报").click()
    code = page.get_by_test_id("receipt-code").inner_text()
    assert re.fullmatch(r"\d{4} \d{4} \d{4} \d{4}", code)
    page.goto("/portal/status")
    page.get_by_label("16 位查询码").fill("1111 2222 3333 4444")
    page.get_by_role("button", name="查询").click()
    assert "查询码无效" in page.get_by_test_id("portal-error").inner_text()
    page.get_by_label("16 位查询码").fill(code)
    page.get_by_role("button", name="查询").click()
    assert page.get_by_test_id("public-status").inner_text() == "已收到，正在审核"
