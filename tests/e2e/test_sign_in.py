from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.conftest import sign_in


def test_sign_in_and_out_in_chromium(page):
    page.goto("/")
    assert "/login" in page.url
    sign_in(page, "leader")
    expect(page.get_by_test_id("unit")).to_have_text("清河县卫生健康局")
    expect(page.get_by_test_id("role")).to_have_text("分管/主要负责人")
    page.get_by_role("button", name="退出").click()
    expect(page.get_by_text("您已安全退出。")).to_be_visible()
    page.goto("/")
    assert "/login" in page.url


def test_wrong_password_message_in_chromium(page):
    sign_in(page, "leader", "not-the-password")
    expect(page.get_by_text("用户名或密码错误。")).to_be_visible()


def test_admin_sees_admin_navigation_and_the_directory(page):
    sign_in(page, "admin")
    nav = page.get_by_role("navigation", name="主导航")
    nav.locator("summary", has_text="系统管理").click()
    expect(nav.get_by_role("link", name="用户管理")).to_be_visible()
    nav.get_by_role("link", name="组织机构").click()
    expect(page.get_by_role("cell", name="清河县人民医院")).to_be_visible()


def test_sign_in_page_leads_the_public_to_the_portal(make_page):
    page = make_page(viewport={"width": 390, "height": 844})
    page.goto("/")
    assert "/login" in page.url
    page.get_by_test_id("portal-link").get_by_role("link", name="网上举报平台").click()
    assert page.url.rstrip("/").endswith("/portal")
    expect(page.get_by_role("heading").first).to_be_visible()
