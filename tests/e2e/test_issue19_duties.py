"""Issue 19's remaining journeys in Chromium: the leader flags a clue 重大 and the county's
驻局纪检组 member reads it (read-only); the handler reports a 部门移交's result back and sees
the referral's outcome due; the leader starts a rectification from a clue's findings with
the 责任人 picker narrowed to the hospital's accounts; the city leader publishes a 督查通报.
Screenshots go to $QINGFENG_SHOTS when it is set (the walk-through), nowhere otherwise."""

from __future__ import annotations

import os
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from cases.outcomes import add_referral, record_referral_receipt
from cases.service import NewClue, create_clue, fire
from config.database import make_engine, session_scope
from directory.models import OrgUnit, User
from tests.e2e.conftest import nav_to, sign_in

MAJOR = "反映县医院院长插手药品采购收受回扣（e2e 重大）"
REFERRED = "县医保局移交：卫生院串换药品（e2e 要求报告结果）"
FOUND = "反映卫生院收费窗口多收费（e2e 发起整改）"
SHOTS = os.environ.get("QINGFENG_SHOTS")


def shot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def _walk(session, users, clue, steps):
    for who, trigger, data in steps:
        fire(session, users[who], clue, trigger, data, expected_version=clue.version)


def _arrange(url: str) -> dict[str, int]:
    engine = make_engine(url)
    ids: dict[str, int] = {}
    with session_scope(sessionmaker(bind=engine)) as session:
        users = {u.username: u for u in session.scalars(select(User))}
        county = session.scalar(select(OrgUnit).where(OrgUnit.code == "C01-D01"))
        hospital = session.scalar(select(OrgUnit).where(OrgUnit.code == "C01-D01-H01"))
        assign = ("leader", "assign", {"handler_id": str(users["handler"].id)})
        verify = [
            ("clerk", "register", {}),
            assign,
            ("handler", "propose", {"route": "verifying", "reason": "拟初步核实"}),
            ("leader", "approve_verifying", {}),
        ]
        major = create_clue(session, users["clerk"], county, NewClue("hotline", MAJOR))
        _walk(session, users, major, verify)
        found = create_clue(
            session, users["clerk"], county,
            NewClue("hotline", FOUND, accused_unit_id=hospital.id),
        )  # fmt: skip
        _walk(session, users, found, verify)
        fire(session, users["handler"], found, "record_findings",
             {"findings": "substantiated", "reason": "查实收费窗口多收检查费 12 笔"},
             expected_version=found.version)  # fmt: skip
        due = date.today() + timedelta(days=12)
        referred = create_clue(
            session, users["clerk"], county,
            NewClue("department", REFERRED, report_requested=True, report_due=due),
        )  # fmt: skip
        _walk(session, users, referred, [
            ("clerk", "register", {}), assign,
            ("handler", "propose", {"route": "concluded", "reason": "拟予以了结并报告移交单位"}),
            ("leader", "approve_concluded", {}),
            ("handler", "submit_result", {"reason": "已责令退回违规费用"}),
            ("leader", "approve_result", {}),
        ])  # fmt: skip
        sent = date.today() - timedelta(days=6)
        referral = add_referral(
            session,
            users["handler"],
            referred,
            {"target": "insurance", "organ": "县医疗保障局", "sent_on": sent},
        )
        record_referral_receipt(session, users["handler"], referred, {
            "referral_id": referral.id, "received_on": sent + timedelta(days=2),
            "outcome": "", "outcome_on": None})  # fmt: skip
        ids = {"major": major.id, "found": found.id, "referred": referred.id}
    engine.dispose()
    return ids


def test_issue19_duties_in_the_browser(make_page, live_database):
    ids = _arrange(live_database)
    page = make_page(viewport={"width": 1440, "height": 900})
    page.on("dialog", lambda d: d.accept())
    sign_in(page, "leader")
    page.goto(f"/clues/{ids['major']}")
    page.locator("summary", has_text="标记为重大线索").click()
    page.get_by_label("重大情况说明").fill("涉及院长，可能涉嫌违纪违法，同时报告驻局纪检组")
    page.get_by_role("button", name="确认标记为重大线索").click()
    assert page.get_by_test_id("major-badge").is_visible()
    shot(page, "01-leader-flags-major")

    group = make_page(viewport={"width": 1280, "height": 800})
    sign_in(group, "jijianzu")
    nav_to(group, "问题线索", "重大线索")
    assert MAJOR in group.get_by_test_id("major-list").inner_text()
    shot(group, "02-group-major-list")
    group.get_by_test_id("major-list").get_by_role("link").first.click()
    assert "只读" in group.content() and group.get_by_role("button").count() <= 1  # 退出 only
    shot(group, "03-group-major-readonly")
    group.goto(f"/clues/{ids['found']}")  # a clue not flagged: not theirs to read
    assert "未找到" in group.content()

    handler = make_page(viewport={"width": 1280, "height": 900})
    handler.on("dialog", lambda d: d.accept())
    sign_in(handler, "handler")
    handler.goto(f"/clues/{ids['referred']}")
    assert "尚未报告" in handler.get_by_test_id("report-back").inner_text()
    assert handler.get_by_test_id("outcome-due").is_visible()
    shot(handler, "04-handler-report-back-due")
    handler.locator("summary", has_text="向移交单位报告办理结果").click()
    handler.get_by_label("报告方式").select_option("letter")
    handler.get_by_label("报告内容摘要").fill("已书面报告县医保局：责令退回违规费用")
    handler.get_by_role("button", name="确认向移交单位报告办理结果").click()
    assert "向移交单位报告" in handler.get_by_test_id("report-back").inner_text()
    shot(handler, "05-handler-reported-back")

    page.goto(f"/clues/{ids['found']}")
    page.get_by_test_id("start-rectification").click()
    assert "多收检查费" in page.get_by_label("发现的问题").input_value()
    picker = page.get_by_test_id("person-picker")
    visible = picker.locator("option:not([hidden])").all_inner_texts()
    assert any("周填报" in v for v in visible) and not any("孙承办" in v for v in visible)
    picker.select_option(label="周填报（清河县人民医院）")
    page.get_by_label("整改措施").fill("清退多收费用，规范收费流程")
    page.get_by_label("整改期限").fill((date.today() + timedelta(days=20)).isoformat())
    shot(page, "06-leader-start-rectification")
    page.get_by_role("button", name="下达").click()
    assert "周填报（清河县人民医院）" in page.get_by_test_id("responsible-person").inner_text()
    shot(page, "07-rectification-item")

    city = make_page(viewport={"width": 1440, "height": 900})
    city.on("dialog", lambda d: d.accept())
    sign_in(city, "leader_dc")
    city.goto("/supervision/notices/")
    city.locator("summary", has_text="发布督查情况通报").click()
    shot(city, "08-city-notice-draft")
    city.get_by_role("button", name="发布").click()
    assert city.get_by_test_id("notice").is_visible()
    shot(city, "09-city-notice-published")
    page.goto("/supervision/notices/")
    assert "督查情况的通报" in page.get_by_test_id("notices").inner_text()
