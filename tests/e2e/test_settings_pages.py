"""Issue 18 in Chromium: the administrator sets the portal's hotlines through the 系统管理
menu and the public sees them on a phone; a person chooses digest or items per channel."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.conftest import ARTIFACTS, nav_to, sign_in

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
HOTLINE = "行风举报电话：0100-55501234（工作日 8:30—17:30）"


def test_admin_sets_the_portal_contacts_and_the_public_sees_them(make_page):
    page = make_page(viewport={"width": 1280, "height": 800})
    sign_in(page, "admin")
    nav_to(page, "系统管理", "举报平台联系方式")
    form = page.get_by_test_id("portal-contacts-form")
    form.get_by_label("举报电话", exact=False).fill("行风举报电话：请拨打")
    form.get_by_role("button", name="保存").click()
    expect(page.get_by_text("没有电话号码")).to_be_visible()
    form = page.get_by_test_id("portal-contacts-form")
    form.get_by_label("举报电话", exact=False).fill(HOTLINE)
    form.get_by_label("来信来访地址").fill("来信请寄：示范市人民路 1 号（邮编 100000）")
    form.get_by_role("button", name="保存").click()
    expect(page.get_by_text("联系方式已保存")).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "portal-contacts-admin.png"), full_page=True)

    public = make_page(**PHONE)
    public.goto("/portal/")
    contacts = public.get_by_test_id("portal-contacts")
    expect(contacts).to_contain_text("0100-55501234")
    expect(contacts).to_contain_text("示范市人民路 1 号")
    public.screenshot(path=str(ARTIFACTS / "portal-contacts-public-390.png"), full_page=True)
    width = public.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width


def test_a_person_chooses_items_for_email(make_page):
    page = make_page(viewport={"width": 1280, "height": 800})
    sign_in(page, "handler")
    page.locator("header summary", has_text="孙承办").click()
    page.get_by_role("link", name="通知设置").click()
    email_items = page.get_by_role("group", name="电子邮件的期限提醒").get_by_label("逐条发送")
    email_items.check()
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("通知设置已保存")).to_be_visible()
    expect(
        page.get_by_role("group", name="电子邮件的期限提醒").get_by_label("逐条发送")
    ).to_be_checked()
    page.screenshot(path=str(ARTIFACTS / "notification-settings.png"), full_page=True)


def test_the_submission_page_shows_the_lifecycles_steps_on_a_phone(make_page, live_database):
    from tests.e2e.test_report_send import _arrange, _open_form

    # An institution no other browser test sends a form for (test_report_send uses H01–H04).
    username, ob_id = _arrange(live_database, "C01-D01-H05")
    page = make_page(**PHONE)
    _open_form(page, username, ob_id)
    steps = page.get_by_test_id("submission-steps")
    expect(steps).to_contain_text("草稿")
    expect(steps).to_contain_text("审核接收")
    expect(steps.locator('[aria-current="step"]')).to_contain_text("草稿")
    page.screenshot(path=str(ARTIFACTS / "submission-steps-390.png"))
