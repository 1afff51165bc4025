"""A portal tip naming a hospital reaches the clerk of the body that supervises it, and the
reporter, with the receipt code, sees the status move when that clerk acts."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from playwright.sync_api import expect

from tests.e2e.conftest import sign_in

# Screenshots for a person to look at (kept only when asked for).
SHOTS = (
    Path(os.environ.get("QINGFENG_E2E_SHOTS", "")) if os.environ.get("QINGFENG_E2E_SHOTS") else None
)


def shot(page, name: str) -> None:
    if SHOTS is not None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def lookup(page, code: str) -> str:
    page.goto("/portal/status")
    page.get_by_label("16 位查询码").fill(code)
    page.get_by_role("button", name="查询").click()
    return page.get_by_test_id("public-status").inner_text()


def test_portal_tip_reaches_the_supervising_clerk_and_the_status_moves(make_page):
    marker = secrets.token_hex(3)
    text = f"石门县人民医院骨科医生收受患者家属红包两千元（{marker}）"
    public = make_page()
    public.goto("/portal/")
    public.get_by_label("反映内容").fill(text)
    public.get_by_label("被反映单位").select_option(label="石门县人民医院")
    shot(public, "1-portal-form")
    public.get_by_role("button", name="提交举报").click()
    code = public.get_by_test_id("receipt-code").inner_text()
    shot(public, "2-receipt")
    assert lookup(public, code) == "已收到，正在审核"

    # Not the demo county's clerk: 石门县 belongs to 西山市.
    other = make_page()
    sign_in(other, "clerk")
    expect(other.get_by_test_id("intake-queue")).not_to_contain_text(marker)

    clerk = make_page()
    sign_in(clerk, "clerk_sm")
    queue = clerk.get_by_test_id("intake-queue")
    expect(queue).to_contain_text(marker)
    assert int(clerk.get_by_test_id("portal-waiting").inner_text()) >= 1
    shot(clerk, "3-clerk-queue")
    queue.get_by_role("row").filter(has_text=marker).get_by_role("link", name="受理决定").click()
    expect(clerk.get_by_test_id("clue-state")).to_have_text("待受理")
    clerk.get_by_role("button", name="作为新线索受理登记").click()
    expect(clerk.get_by_test_id("clue-state")).to_have_text("已受理")
    shot(clerk, "4-registered")

    assert lookup(public, code) == "已受理，正在办理"
    shot(public, "5-status-moved")
