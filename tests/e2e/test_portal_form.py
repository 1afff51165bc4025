"""The portal form: 匿名 hides and clears the name and phone; 岗位 offers no default."""

from __future__ import annotations

from playwright.sync_api import expect


def test_anonymous_hides_and_clears_name_and_phone(make_page):
    page = make_page(viewport={"width": 390, "height": 844})
    page.goto("/portal/")
    name, phone = page.locator("#reporter_name"), page.locator("#reporter_phone")
    expect(name).to_be_hidden()  # 匿名 is the default choice
    expect(phone).to_be_hidden()
    page.get_by_label("实名举报", exact=False).check()
    expect(name).to_be_visible()
    name.fill("王某")
    phone.fill("13800000000")
    page.get_by_label("匿名举报").check()
    expect(name).to_be_hidden()
    expect(phone).to_be_hidden()
    page.get_by_label("实名举报", exact=False).check()
    expect(name).to_have_value("")
    expect(phone).to_have_value("")
    expect(page.locator("#accused_post")).to_have_value("")


def test_receipt_code_has_a_copy_button_and_a_save_notice(make_page):
    page = make_page(viewport={"width": 390, "height": 844})
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto("/portal/")
    page.get_by_label("反映内容").fill("清河县博爱医院收费处多收检查费")
    page.get_by_label("名录中没有？请填写单位名称").fill("清河县博爱医院")
    page.get_by_role("button", name="提交举报").click()
    expect(page.get_by_test_id("save-code-notice")).to_contain_text("请立即保存查询码")
    code = page.get_by_test_id("receipt-code").inner_text().replace(" ", "")
    page.get_by_role("button", name="复制查询码").click()
    expect(page.get_by_role("status")).to_contain_text("已复制", timeout=15_000)
    assert page.evaluate("navigator.clipboard.readText()") == code


def test_tablet_layout_has_no_gap_beside_the_contact_fields(make_page):
    page = make_page(viewport={"width": 1024, "height": 768})
    page.goto("/portal/")
    page.get_by_label("实名举报", exact=False).check()
    box = page.locator("fieldset").bounding_box()
    name = page.locator("#reporter_name").bounding_box()
    anonymous = page.get_by_label("匿名举报").bounding_box()
    assert name["y"] > anonymous["y"] + anonymous["height"]  # contacts on a row of their own
    assert name["x"] - box["x"] < 40  # starting at the left edge, not in a third column
