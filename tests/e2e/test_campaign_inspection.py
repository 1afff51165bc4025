"""The inspection form on a tablet: one column, large touch targets, a finding to a clue."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.conftest import ARTIFACTS, sign_in


def test_inspection_on_a_tablet_turns_a_finding_into_a_clue(make_page):
    page = make_page(viewport={"width": 768, "height": 1024}, has_touch=True, is_mobile=True)
    sign_in(page, "leader")
    page.goto("/campaigns/new")
    page.get_by_label("名称", exact=True).fill("清河县专项检查（平板）")
    page.get_by_label("开始日期", exact=True).fill("2020-07-15")
    page.get_by_label("结束日期", exact=True).fill("2020-12-31")
    page.get_by_role("button", name="创建").click()
    page.get_by_role("link", name="录入现场检查").click()
    page.get_by_label("医疗机构", exact=True).select_option(
        label="清河县人民医院（二级以上公立医疗机构）"
    )
    page.get_by_label("检查时间", exact=True).fill("2020-08-20")
    page.get_by_label("检查人", exact=True).fill("钱分管")
    item = page.get_by_test_id("item-8")
    yes = item.get_by_label("有", exact=True)
    box = yes.locator("xpath=..").bounding_box()
    assert box is not None and box["height"] >= 44  # a finger-sized target
    form_box = page.get_by_test_id("inspection-form").bounding_box()
    assert form_box is not None and form_box["width"] <= 768
    # One column under 800px: 有 and 无 stacked, not side by side.
    no_box = item.get_by_label("无", exact=True).locator("xpath=..").bounding_box()
    assert no_box is not None and no_box["y"] > box["y"]
    yes.check()
    page.get_by_role("button", name="保存检查记录").click()
    expect(page.get_by_text("检查记录已保存")).to_be_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "campaign-inspection-tablet.png"))
    page.get_by_role("button", name="转为线索").click()
    expect(page.get_by_test_id("clue-source")).to_contain_text("清河县专项检查（平板）")
