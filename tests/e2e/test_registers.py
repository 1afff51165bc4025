"""登记册 in a real browser on a phone: the hospital's reporter records a 警示教育 activity,
a refusal keeps what was typed, and the entry is listed (issue 19)."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.conftest import nav_to, sign_in

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def test_reporter_records_a_warning_education_activity_on_a_phone(make_page):
    page = make_page(**PHONE)
    sign_in(page, "reporter")
    nav_to(page, "统计报送", "登记册")
    expect(page.get_by_role("heading", name="登记册 · 警示教育活动")).to_be_visible()
    form = page.get_by_test_id("register-form")
    form.get_by_label("事项").fill("浏览器测试警示教育大会")
    form.get_by_label("参加人数").fill("九十")
    form.get_by_role("button", name="登记").click()
    expect(page.get_by_text("参加人数应为 0 至 100000 的整数")).to_be_visible()
    form = page.get_by_test_id("register-form")
    expect(form.get_by_label("事项")).to_have_value("浏览器测试警示教育大会")
    form.get_by_label("参加人数").fill("90")
    form.get_by_role("button", name="登记").click()
    expect(page.get_by_text("已登记。")).to_be_visible()
    expect(page.get_by_test_id("register-entries")).to_contain_text("浏览器测试警示教育大会")
