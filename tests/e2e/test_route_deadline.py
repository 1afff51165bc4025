"""The leader approves 初步核实 in Chromium with the route's own deadline (办理期限): the
form offers the default date, refuses a past one by name, and the chosen date shows under
办理期限 (screenshots in /tmp/h9 when QINGFENG_SCREENSHOTS is set)."""

from __future__ import annotations

import os
import re
from datetime import date, timedelta
from pathlib import Path

import chinese_calendar
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in
from tests.e2e.test_clue_journey import act, sign_out
from workflow.engine import local_today

SHOTS = os.environ.get("QINGFENG_SCREENSHOTS")


def shot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def a_weekday_ahead(days: int) -> date:
    """A working day (by the package's calendar; a weekday in a year it does not know)."""
    day = local_today() + timedelta(days=days)
    while True:
        try:
            working = chinese_calendar.is_workday(day)
        except NotImplementedError:
            working = day.weekday() < 5
        if working:
            return day
        day += timedelta(days=1)


def test_leader_sets_the_route_deadline_on_approval(page):
    sign_in(page, "clerk")
    page.goto("/clues/new")
    page.get_by_label("线索摘要").fill("反映某卫生院药房收受回扣")
    page.get_by_label("反映内容").fill("来信称药房负责人收受医药代表回扣。")
    page.get_by_role("button", name="登记").click()
    clue_url = page.url
    act(page, "受理登记", {"reason": "属于受理范围"})
    act(page, "指定承办人", selects={"handler_id": "孙承办（承办人）"})
    sign_out(page)
    sign_in(page, "handler")
    page.goto(clue_url)
    act(page, "提出拟办意见", {"reason": "问题具体，拟初步核实"}, selects={"route": "初步核实"})
    sign_out(page)

    sign_in(page, "leader")
    page.goto(clue_url)
    # The approval stands open at the top of the page (the request above its forms).
    approve = page.get_by_test_id("approval").locator("details", has_text="批准：初步核实")
    form = approve.locator("form")
    due = form.get_by_label("办理期限（选填）")
    expect(due).to_have_attribute("min", local_today().isoformat())
    expect(due).to_have_value(re.compile(r"^\d{4}-\d{2}-\d{2}$"))  # the default offered
    expect(form).to_contain_text("默认自批准之日起30日（本办规定）")
    shot(page, "1-approval-form")

    due.fill((local_today() - timedelta(days=1)).isoformat())
    form.locator("[name=reason]").fill("请于期限内完成核实")
    form.get_by_role("button", name="确认批准：初步核实").click()
    expect(form.get_by_role("alert")).to_contain_text("“办理期限”不能早于今天")
    expect(form.locator("[name=reason]")).to_have_value("请于期限内完成核实")
    expect(page.get_by_test_id("clue-state")).to_have_text("处置方式待审批")
    shot(page, "2-past-date-refused")

    chosen = a_weekday_ahead(20)
    form.get_by_label("办理期限（选填）").fill(chosen.isoformat())
    form.get_by_role("button", name="确认批准：初步核实").click()
    expect(page.get_by_test_id("clue-state")).to_have_text("初步核实")
    deadlines = page.get_by_test_id("deadlines")
    expect(deadlines).to_contain_text("初步核实办理期限")
    row = deadlines.locator("tr", has_text="初步核实办理期限")
    # A working day in a seeded year is kept as chosen; in an unconfirmed year it waits.
    expect(row).to_contain_text(
        f"{chosen.year}年{chosen.month}月{chosen.day}日"
        if chosen.year == local_today().year
        else "待定（"
    )
    shot(page, "3-deadline-shown")

    # The leader extends it once, with approval: only the running route deadline is offered.
    page.locator("main summary", has_text="批准延期").click()
    form = page.locator("main details[open] form")
    expect(form.locator("select[name=clock] option")).to_have_text(["初步核实办理期限"])
    form.locator("[name=days]").fill("10")
    form.locator("[name=reason]").fill("需调取病历，申请延期")
    form.get_by_role("button", name="确认批准延期").click()
    expect(row).to_contain_text("（已延长 10 日）")
    expect(page.locator("main summary", has_text="批准延期")).to_have_count(0)
    shot(page, "4-extended")
