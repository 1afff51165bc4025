"""The three daily journeys end to end in Chromium (issue 9).

a. a clerk logs a hotline tip at the intake desk from the keyboard and registers it;
b. a handler and a leader take that clue to 销号, every step through the UI;
c. an institution reporter is reminded, fills and submits a form, and the office accepts it.

Journey b continues journey a's clue (the tests of a module run in order).
"""

from __future__ import annotations

import re
from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from config.database import make_engine, session_scope
from config.settings import Settings
from directory.models import OrgUnit
from notifications.channels import InAppChannel
from notifications.dispatcher import dispatch_pending
from notifications.models import Channel
from notifications.obligation_reminders import sweep_obligations
from reporting.models import Obligation
from reporting.obligations import generate_obligations
from tests.e2e.conftest import nav_to, sign_in
from tests.e2e.test_clue_journey import act, sign_out

SH = ZoneInfo("Asia/Shanghai")
# The server runs on the real clock: dates typed into forms are today's (a receipt dated
# before the referral it answers, or a call in the future, is rightly refused).
TODAY = datetime.now(SH).date().isoformat()
JOURNEY: dict[str, str] = {}
CONTENT = "患者家属来电：县人民医院骨科医生在手术前暗示收取红包两千元"


def focused(page: Page) -> str:
    return page.evaluate("document.activeElement && document.activeElement.id")


def test_a_clerk_logs_a_hotline_tip_from_the_keyboard_and_registers_it(page):
    sign_in(page, "clerk")
    page.goto("/intake/?channel=hotline")
    assert focused(page) == "reporter_phone"
    page.keyboard.type("13900001234")
    page.keyboard.press("Tab")
    assert focused(page) == "meta_call_time"
    page.fill("#meta_call_time", f"{TODAY}T00:05")  # the picker's format depends on locale
    page.focus("#content")
    page.keyboard.type(CONTENT)
    page.keyboard.press("Tab")
    page.keyboard.type("清河县人民医院")
    page.keyboard.press("Tab")
    page.keyboard.type("刘某某")
    page.focus("#named")
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.type("陈先生")
    page.keyboard.press("Control+Enter")
    page.wait_for_url(re.compile(r"/intake/tips/\d+/decision"))
    expect(page.get_by_test_id("tip-channel")).to_have_text("来电")
    page.get_by_label("受理意见").fill("反映具体，属本局管辖")
    page.get_by_role("button", name="作为新线索受理登记").click()
    expect(page.get_by_test_id("clue-state")).to_have_text("已受理")
    page.get_by_test_id("clue-link").click()
    expect(page.get_by_test_id("clue-channel")).to_contain_text("来电")
    expect(page.get_by_test_id("deadlines")).to_contain_text("告知实名举报人受理情况")
    # The clerk tells the caller it was accepted, and sees the step in the timeline.
    act(page, "登记已告知受理情况", selects={"method": "电话"})
    expect(page.get_by_test_id("timeline")).to_contain_text("登记已告知受理情况")
    JOURNEY["clue"] = page.url


def enter_2027_calendar(page: Page) -> None:
    """Deadlines of a clue opened in late November run into 2027: the admin confirms it first."""
    sign_in(page, "admin")
    nav_to(page, "系统管理", "工作日历")
    page.get_by_label("录入或修改年份").fill("2027")
    page.get_by_role("button", name="打开").click()
    page.get_by_label("放假日期（休息日）").fill(
        "2027-01-01 元旦\n2027-02-06 至 2027-02-12 春节\n2027-04-05 清明节\n"
        "2027-05-01 至 2027-05-05 劳动节\n2027-06-09 端午节\n"
        "2027-09-15 中秋节\n2027-10-01 至 2027-10-07 国庆节"
    )
    page.get_by_label("调休上班日期（周六或周日上班）").fill("2027-02-20 春节\n2027-10-09 国庆节")
    page.get_by_role("button", name="保存并确认").click()
    expect(page.get_by_text("2027 年工作日历已保存并确认。")).to_be_visible()
    sign_out(page)


def record(page: Page, summary: str, fields: dict[str, str], selects=None) -> None:
    """Open a handling section's form by its summary, fill it, save."""
    page.locator("main summary", has_text=re.compile(f"^{summary}$")).click()
    form = page.locator("main details[open] form")
    for label, value in (selects or {}).items():
        form.get_by_label(label, exact=True).select_option(label=value)
    for label, value in fields.items():
        form.get_by_label(label, exact=True).fill(value)
    form.get_by_role("button", name="保存").click()


def state(page: Page, label: str) -> None:
    expect(page.get_by_test_id("clue-state")).to_have_text(label)


def test_b_handler_and_leader_take_the_clue_to_write_off(page):
    if "clue" not in JOURNEY:
        pytest.fail("journey a did not register a clue")
    clue = JOURNEY["clue"]
    questions: list[str] = []
    page.on("dialog", lambda d: (questions.append(d.message), d.accept()))
    enter_2027_calendar(page)

    sign_in(page, "leader")
    page.goto(clue)
    act(page, "指定承办人", selects={"handler_id": "孙承办（承办人）"})
    state(page, "拟办")
    sign_out(page)

    sign_in(page, "handler")
    page.goto(clue)
    act(page, "提出拟办意见", {"reason": "反映具体，拟初步核实"}, selects={"route": "初步核实"})
    state(page, "处置方式待审批")
    sign_out(page)

    sign_in(page, "leader")
    page.goto(clue)
    act(page, "批准：初步核实")
    state(page, "初步核实")
    sign_out(page)

    sign_in(page, "handler")
    page.goto(clue)
    page.get_by_label("核查方案").fill("调取手术记录，约谈患者家属及科室人员")
    page.get_by_role("button", name="保存核查方案").click()
    record(page, "登记当事人（人员）", {"姓名": "刘某某"}, selects={"岗位": "医师"})
    expect(page.get_by_test_id("subjects")).to_contain_text("刘某某")
    act(
        page,
        "形成核查结论",
        {"reason": "经核实，刘某某收受患者家属红包两千元属实"},
        selects={"findings": "查实"},
    )
    state(page, "已出核查结论")
    act(page, "移送司法机关", {"organ": "清河县公安局", "reason": "涉嫌违法，依规移送"})
    state(page, "已移送司法机关")
    expect(page.get_by_test_id("referrals")).to_contain_text("清河县公安局")
    record(
        page,
        "登记处理决定",
        {"决定日期": TODAY},
        selects={"处理方式": "诫勉谈话"},
    )
    expect(page.get_by_test_id("sanctions")).to_contain_text("刘某某")
    act(page, "报送办理结果", {"reason": "已查实并移送公安机关，给予诫勉处理"})
    state(page, "办理结果待审核")
    sign_out(page)

    sign_in(page, "leader")
    page.goto(clue)
    act(page, "审核通过办理结果", {"reason": "同意"})
    state(page, "待反馈")
    sign_out(page)

    sign_in(page, "handler")
    page.goto(clue)
    act(
        page,
        "登记已反馈举报人",
        {"public_reply": "您反映的问题已查实并依规处理。"},
        selects={"method": "电话"},
    )
    state(page, "已反馈，待申请销号")  # no longer 待反馈 once the reporter was told
    # Asking for 销号 now names what the file still lacks, and the step is not offered.
    page.locator("main summary", has_text="申请销号（暂不能办理）").click()
    blocked = page.get_by_test_id("blocked-action")
    expect(blocked).to_contain_text("档案不完整，不能销号")
    expect(blocked).to_contain_text("处理决定执行日期：刘某某")
    expect(blocked).to_contain_text("移送回执：清河县公安局")
    expect(page.get_by_test_id("missing")).to_contain_text("移送回执")
    expect(page.locator("main summary", has_text=re.compile("^申请销号$"))).to_have_count(0)

    sanctions = page.get_by_test_id("sanctions")
    sanctions.get_by_label("执行日期", exact=True).fill(TODAY)
    sanctions.get_by_role("button", name="登记执行").click()
    referrals = page.get_by_test_id("referrals")
    referrals.get_by_label("回执日期", exact=True).fill(TODAY)
    referrals.get_by_role("button", name="登记回执").click()
    expect(page.get_by_test_id("missing")).to_have_count(0)
    act(page, "申请销号", {"reason": "档案齐全"})
    state(page, "销号待审批")
    sign_out(page)

    sign_in(page, "leader")
    page.goto(clue)
    act(page, "批准销号", {"reason": "同意销号"})
    state(page, "已销号")
    assert "销号后线索办结归档，确定批准？" in questions
    timeline = page.get_by_test_id("timeline")
    for step in (
        "登记接收",
        "受理登记",
        "登记已告知受理情况",
        "指定承办人",
        "提出拟办意见",
        "批准：初步核实",
        "形成核查结论",
        "移送司法机关",
        "报送办理结果",
        "审核通过办理结果",
        "登记已反馈举报人",
        "申请销号",
        "批准销号",
    ):
        expect(timeline).to_contain_text(step)
    for record_text in ("刘某某", "清河县公安局", "诫勉"):
        expect(timeline).to_contain_text(record_text)


def _arrange_due_reminder(database_url: str) -> tuple[int, datetime]:
    """Generate this period's obligations and pick the demo hospital's zl3 one still owed;
    the reminder sweep runs on its due day, in working hours."""
    engine = make_engine(database_url)
    try:
        with session_scope(sessionmaker(bind=engine)) as session:
            generate_obligations(session, datetime.now(SH).date())
            ob = session.scalars(
                select(Obligation)
                .join(OrgUnit, OrgUnit.id == Obligation.unit_id)
                .where(
                    OrgUnit.code == "C01-D01-H01",
                    Obligation.form_code == "zl3",
                    Obligation.due_on.is_not(None),
                    Obligation.state == "not_started",
                )
                .order_by(Obligation.due_on)
            ).first()
            assert ob is not None and ob.due_on is not None
            return ob.id, datetime.combine(ob.due_on, time(10, 0), SH)
    finally:
        engine.dispose()


def _run_reminders(database_url: str, now: datetime) -> None:
    engine = make_engine(database_url)
    factory = sessionmaker(bind=engine)
    try:
        with session_scope(factory) as session:
            assert sweep_obligations(session, now) > 0
        settings = Settings(env="testing", database_url=database_url)
        # The dispatcher runs on the real clock (deliveries are queued "now"); in-app only:
        # the journey is about the inbox, e-mail has its own tests.
        channels = {Channel.INAPP: InAppChannel()}
        sent = 0
        while result := dispatch_pending(factory, settings, channels=channels, batch=500):
            if not (result.sent or result.dead or result.retrying):
                break
            sent += result.sent
        assert sent > 0
    finally:
        engine.dispose()


def test_c_reporter_is_reminded_submits_and_the_office_accepts(page, live_database):
    obligation_id, reminder_time = _arrange_due_reminder(live_database)
    _run_reminders(live_database, reminder_time)

    sign_in(page, "reporter")
    inbox = page.get_by_test_id("inbox-link")
    expect(inbox.locator(".unread-count")).to_be_visible()
    inbox.click()
    row = page.get_by_role("row").filter(has_text=re.compile(rf"/obligations/{obligation_id}\b"))
    expect(row).to_contain_text("报送提醒")
    expect(row).to_contain_text("未读")
    row.get_by_role("button", name="查看").click()
    page.wait_for_url(re.compile(rf"/reporting/obligations/{obligation_id}$"))
    page.get_by_role("button", name=re.compile("开始填报")).click()
    page.wait_for_url(re.compile(r"/reporting/submissions/\d+"))
    table = page.get_by_test_id("report-table")
    for cell in table.locator("input.num").all():
        if not cell.input_value():
            cell.fill("0")
    page.get_by_label("单位负责人").fill("张院长")
    page.get_by_label("填表人").fill("周填报")
    page.get_by_label("联系方式").fill("0772-6815001")
    page.get_by_role("button", name="保存草稿").click()
    expect(page.get_by_text("已保存。")).to_be_visible()
    page.once("dialog", lambda dialog: dialog.accept())  # 报送 asks, showing the totals
    page.get_by_role("button", name="报送", exact=True).click()
    expect(page.get_by_text(re.compile("^已报送，"))).to_be_visible()
    submission_url = page.url
    sign_out(page)

    sign_in(page, "leader")
    page.goto("/reporting/review")
    expect(page.get_by_role("main")).to_contain_text("清河县人民医院")
    page.goto(submission_url)
    page.get_by_role("button", name="审核接收").click()
    expect(page.get_by_text(re.compile("已完成“审核接收”"))).to_be_visible()
    sign_out(page)

    sign_in(page, "reporter")
    page.goto(submission_url)
    expect(page.get_by_test_id("submission-state")).to_contain_text("已接收")
