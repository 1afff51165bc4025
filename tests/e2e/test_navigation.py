"""The top bar grouped by task (issue 18, "Moving around"): five menus at most, one row at
1280 px for every role, a 菜单 button on a phone, the keyboard opens and closes each menu,
and nothing is fetched from another host. Screenshots of each role are kept for review."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ARTIFACTS, nav_to, sign_in

ROLES = ("admin", "inspector", "leader", "leader_dc", "handler", "clerk", "reporter")
DESKTOP = {"viewport": {"width": 1280, "height": 800}}
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
TASK_MENUS = {"受理登记", "问题线索", "统计报送", "专项工作", "系统管理"}


def _open_page(make_page, options, live_server_host: list[str]):
    page = make_page(**options)
    foreign: list[str] = []
    page.on(
        "request",
        lambda r: (
            foreign.append(r.url) if urlsplit(r.url).hostname not in live_server_host else None
        ),
    )
    return page, foreign


@pytest.mark.parametrize("username", ROLES)
def test_one_row_at_1280_and_each_menu_opens_by_keyboard(make_page, live_server, username):
    page, foreign = _open_page(make_page, DESKTOP, [urlsplit(live_server).hostname])
    sign_in(page, username)
    bar = page.locator("header.topbar")
    summaries = page.locator(".menubar > li.menu > details > summary")
    labels = summaries.all_inner_texts()
    assert set(labels) <= TASK_MENUS and len(labels) <= 5
    tops = {
        round(b["y"]) for b in (li.bounding_box() for li in page.locator(".menubar > li").all())
    }
    assert len(tops) == 1, f"the menu wraps for {username}: {tops}"
    box = bar.bounding_box()
    assert box is not None and box["height"] < 70, box  # brand, menus and user on one line
    expect(page.get_by_role("button", name="菜单")).to_be_hidden()
    for n, summary in enumerate(summaries.all()):
        summary.focus()
        page.keyboard.press("Enter")
        menu = summary.locator("xpath=..")
        links = menu.locator(".submenu a")
        expect(links.first).to_be_visible()
        page.keyboard.press("Tab")
        expect(links.first).to_be_focused()
        if n == len(labels) - 1:
            page.screenshot(path=str(ARTIFACTS / f"nav-1280-{username}.png"))
        page.keyboard.press("Escape")
        expect(links.first).to_be_hidden()
        expect(summary).to_be_focused()
    # Opening one menu closes the other.
    if len(labels) >= 2:
        summaries.nth(0).click()
        summaries.nth(1).click()
        expect(summaries.nth(0).locator("xpath=..").locator(".submenu a").first).to_be_hidden()
        page.mouse.click(640, 600)  # a click elsewhere closes it
        expect(summaries.nth(1).locator("xpath=..").locator(".submenu a").first).to_be_hidden()
    assert foreign == []


@pytest.mark.parametrize("username", ROLES)
def test_phone_folds_the_menu_behind_a_button(make_page, live_server, username):
    page, foreign = _open_page(make_page, PHONE, [urlsplit(live_server).hostname])
    sign_in(page, username)
    nav = page.get_by_role("navigation", name="主导航")
    toggle = page.get_by_role("button", name="菜单")
    expect(toggle).to_be_visible()
    expect(nav).to_be_hidden()
    page.screenshot(path=str(ARTIFACTS / f"nav-390-{username}-closed.png"))
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(nav).to_be_visible()
    first = page.locator(".menubar > li.menu > details > summary").first
    if first.count():
        first.click()
    page.screenshot(path=str(ARTIFACTS / f"nav-390-{username}-open.png"), full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width
    assert foreign == []


def test_the_three_intake_entries_are_told_apart_and_lead_to_their_pages(make_page):
    page = make_page(**DESKTOP)
    sign_in(page, "clerk")
    nav = page.get_by_role("navigation", name="主导航")
    nav.locator("summary", has_text="受理登记").click()
    names = nav.locator("summary", has_text="受理登记").locator("xpath=..").locator("a")
    assert names.all_inner_texts() == ["登记新举报", "邮箱来信待登记", "全部举报件"]
    nav_to(page, "", "全部举报件")
    expect(page.get_by_role("heading", level=1)).to_contain_text("全部举报件")
    nav_to(page, "受理登记", "邮箱来信待登记")
    expect(page.get_by_role("heading", level=1)).to_contain_text("邮箱来信")
    nav_to(page, "受理登记", "登记新举报")
    expect(page.get_by_role("heading", level=1)).to_contain_text("登记新举报")
    # The menu holding the page shows as current.
    expect(nav.locator("summary.current")).to_have_text("受理登记")


def test_without_javascript_the_menus_still_open(make_page):
    page = make_page(java_script_enabled=False, **PHONE)
    sign_in(page, "leader")
    nav = page.get_by_role("navigation", name="主导航")
    expect(nav).to_be_visible()  # no button to press: the menu stands open
    nav_to(page, "统计报送", "统计图表")
    expect(page.get_by_role("heading", name="统计图表")).to_be_visible()
