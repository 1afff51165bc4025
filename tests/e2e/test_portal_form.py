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
