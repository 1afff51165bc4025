from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.conftest import ARTIFACTS, nav_to, sign_in


def test_admin_enters_a_year_in_chromium(page):
    sign_in(page, "admin")
    nav_to(page, "系统管理", "工作日历")
    expect(page.get_by_role("heading", name="工作日历", exact=True)).to_be_visible()
    page.get_by_label("录入或修改年份").fill("2031")
    page.get_by_role("button", name="打开").click()
    expect(page.get_by_role("heading", name="2031 年工作日历")).to_be_visible()
    page.get_by_label("放假日期（休息日）").fill("2031-01-01 元旦\n2031-02-30 春节")
    page.get_by_role("button", name="保存并确认").click()
    expect(page.get_by_test_id("calendar-errors")).to_contain_text("放假日期第 2 行")
    page.get_by_label("放假日期（休息日）").fill("2031-01-01 元旦\n2031-01-22 至 2031-01-28 春节")
    page.get_by_label("调休上班日期（周六或周日上班）").fill("2031-01-18 春节")
    page.get_by_role("button", name="保存并确认").click()
    expect(page.get_by_text("2031 年工作日历已保存并确认。")).to_be_visible()
    row = page.get_by_test_id("calendar-years").get_by_role("row").filter(has_text="2031")
    expect(row).to_contain_text("已确认")
    expect(row).to_contain_text("管理员录入")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "calendar-index.png"), full_page=False)
