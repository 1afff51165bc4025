"""The portal in a browser with the input that used to lose the tip on PostgreSQL: 30 names
(179 characters) in 被反映人. The page says which field is too long and keeps every
field as typed; shortened, the same form is accepted with a receipt code."""

from __future__ import annotations

import os

THIRTY_NAMES = "、".join(f"张{i:02d}某某" for i in range(30))
CONTENT = "清河县中医医院药剂科多名人员收取药品回扣，时间为2026年5月。"


def test_portal_over_long_field_is_named_and_nothing_typed_is_lost(make_page):
    page = make_page(viewport={"width": 1280, "height": 1000})
    page.goto("/portal/")
    page.fill("#content", CONTENT)
    page.fill("#accused_unit_name", "清河县中医医院")
    page.fill("#accused_name", THIRTY_NAMES)
    page.get_by_role("button", name="提交举报").click()
    alert = page.get_by_role("alert")
    assert "被反映人不能超过 100 个字（现为 179 个字）" in alert.inner_text()
    if os.environ.get("QINGFENG_SCREENSHOTS"):  # for a person to look at
        page.screenshot(path=os.environ["QINGFENG_SCREENSHOTS"] + "/portal-too-long.png")
    # The field is marked, described by the message and focused; the others are not.
    assert page.get_attribute("#accused_name", "aria-invalid") == "true"
    assert page.evaluate("document.activeElement.id") == "accused_name"
    assert page.get_attribute("#content", "aria-invalid") is None
    assert page.input_value("#content") == CONTENT
    assert page.input_value("#accused_name") == THIRTY_NAMES
    assert page.input_value("#accused_unit_name") == "清河县中医医院"
    page.fill("#accused_name", "张00某某等30人（名单见反映内容）")
    page.get_by_role("button", name="提交举报").click()
    assert page.get_by_test_id("receipt-code").inner_text().replace(" ", "").isdigit()
