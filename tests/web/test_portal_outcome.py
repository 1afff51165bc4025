"""The portal after acceptance: the public status moves on to 已办结 once the result is
approved, the office's public reply (and its date) is shown to the holder of the receipt
code, and nothing internal (reasons, findings, notes, handler) or of another tip leaks."""

from __future__ import annotations

import re
from datetime import datetime
from html import unescape
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlalchemy import select

from cases.models import Clue
from cases.record_actions import perform
from cases.service import fire
from tests.conftest import user
from tests.web.test_portal import code_of, lookup, report
from tips.models import Tip

START = datetime(2026, 6, 15, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
PUBLIC_REPLY = "您反映的问题经核实未发现违规，感谢您的监督。"
INTERNAL = {
    "propose": "内部拟办：先调取处方记录",
    "findings": "内部核查：处方量正常，举报人系离职员工",
    "conclude": "内部了结理由：证据不足",
    "result": "内部办理结果：未发现收受回扣",
    "approve": "内部审核意见：同意了结",
}


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def _county_intake(app):
    app.config["QINGFENG"] = app.config["QINGFENG"].with_overrides(intake_unit="C01-D01")


def filed(client, db, **fields) -> tuple[str, Clue]:
    """File a portal tip; its receipt code and its (received) clue."""
    code = code_of(report(client, **fields))
    db.expire_all()
    tip = db.scalar(select(Tip).order_by(Tip.id.desc()).limit(1))
    return code, db.get(Clue, tip.clue_id)


def step(db, who, clue, trigger, data=None):
    fire(db, user(db, who), clue, trigger, data or {})


def to_approved_result(db, clue) -> None:
    """Register, verify (查否), conclude and approve the result: the clue awaits feedback."""
    step(db, "clerk", clue, "register", {"reason": "同意受理"})
    step(db, "clerk", clue, "assign", {"handler_id": user(db, "handler").id})
    step(db, "handler", clue, "propose", {"route": "verifying", "reason": INTERNAL["propose"]})
    step(db, "leader", clue, "approve_verifying")
    step(
        db,
        "handler",
        clue,
        "record_findings",
        {"findings": "unfounded", "reason": INTERNAL["findings"]},
    )
    step(db, "handler", clue, "conclude_findings", {"reason": INTERNAL["conclude"]})
    step(db, "handler", clue, "submit_result", {"reason": INTERNAL["result"]})
    step(db, "leader", clue, "approve_result", {"reason": INTERNAL["approve"]})


def page_of(client, code) -> tuple[str, str]:
    """The status page's text and the public status shown on it."""
    text = lookup(client, code).get_data(as_text=True)
    match = re.search(r'data-testid="public-status">([^<]*)<', text)
    assert match, text
    return text, unescape(match.group(1))


def assert_nothing_internal(db, text: str) -> None:
    for note in INTERNAL.values():
        assert note not in text
    handler = user(db, "handler")
    assert handler.display_name not in text
    assert "查否" not in text and "初步核实" not in text  # findings and route labels


def test_named_reporter_sees_the_outcome_and_the_portal_reply(client, db):
    code, clue = filed(client, db, named="y", reporter_name="陈晓梅", reporter_phone="13712345678")
    step(db, "clerk", clue, "register", {"reason": "同意受理"})
    assert page_of(client, code)[1] == "已受理，正在办理"

    step(db, "clerk", clue, "assign", {"handler_id": user(db, "handler").id})
    step(db, "handler", clue, "propose", {"route": "verifying", "reason": INTERNAL["propose"]})
    step(db, "leader", clue, "approve_verifying")
    step(
        db,
        "handler",
        clue,
        "record_findings",
        {"findings": "unfounded", "reason": INTERNAL["findings"]},
    )
    text, status = page_of(client, code)
    assert status == "已受理，正在办理"  # findings are not yet an approved result
    step(db, "handler", clue, "conclude_findings", {"reason": INTERNAL["conclude"]})
    step(db, "handler", clue, "submit_result", {"reason": INTERNAL["result"]})
    step(db, "leader", clue, "approve_result", {"reason": INTERNAL["approve"]})
    text, status = page_of(client, code)
    assert status == "已办结" and 'data-testid="public-replies"' not in text

    step(db, "handler", clue, "give_feedback", {"method": "portal", "public_reply": PUBLIC_REPLY})
    text, status = page_of(client, code)
    assert status == "已办结" and PUBLIC_REPLY in text and "2026年6月15日" in text
    assert_nothing_internal(db, text)

    step(db, "handler", clue, "request_write_off", {"reason": "档案齐全"})
    step(db, "leader", clue, "approve_write_off", {"reason": "同意销号"})
    assert clue.state == "written_off"
    text, status = page_of(client, code)
    assert status == "已办结" and PUBLIC_REPLY in text
    assert_nothing_internal(db, text)
    assert "陈晓梅" not in text and "13712345678" not in text


def test_anonymous_reply_is_shown_only_for_its_own_code(client, db):
    code, clue = filed(client, db, content="县妇幼保健院检验科收取试剂回扣")
    other_code, _other = filed(client, db, content="乡镇卫生院医生索要红包")
    to_approved_result(db, clue)
    perform(
        db,
        user(db, "handler"),
        clue,
        "feedback",
        {"mode": "anonymous", "public_wording": PUBLIC_REPLY, "internal_note": "内部备注：勿外传"},
    )

    text, status = page_of(client, code)
    assert status == "已办结" and PUBLIC_REPLY in text
    assert "内部备注" not in text
    assert_nothing_internal(db, text)

    unrelated, status = page_of(client, other_code)
    assert status == "已收到，正在审核"
    assert PUBLIC_REPLY not in unrelated and 'data-testid="public-replies"' not in unrelated
    assert "试剂回扣" not in unrelated and "已办结" not in unrelated


def test_reply_given_by_phone_is_not_published(client, db):
    code, clue = filed(client, db, named="y", reporter_name="王某", reporter_phone="13700000000")
    to_approved_result(db, clue)
    step(db, "handler", clue, "give_feedback", {"method": "phone", "public_reply": PUBLIC_REPLY})
    text, status = page_of(client, code)
    assert status == "已办结" and PUBLIC_REPLY not in text


def test_merged_tip_follows_the_clue_it_was_merged_into(client, db):
    code, clue = filed(client, db, content="县人民医院骨科医生收受红包")
    dup_code, dup = filed(client, db, content="骨科某医生手术前暗示送红包")
    lookup(client, code, body="原举报人的补充留言")
    step(db, "clerk", clue, "register")
    step(db, "clerk", dup, "merge", {"target_clue_id": clue.id, "reason": "内部：同一问题"})
    assert page_of(client, dup_code)[1] == "已受理（与反映同一问题的举报合并办理）"

    step(db, "clerk", clue, "assign", {"handler_id": user(db, "handler").id})
    step(db, "handler", clue, "propose", {"route": "verifying", "reason": INTERNAL["propose"]})
    step(db, "leader", clue, "approve_verifying")
    step(db, "handler", clue, "record_findings", {"findings": "unfounded", "reason": "核查"})
    step(db, "handler", clue, "conclude_findings", {"reason": INTERNAL["conclude"]})
    step(db, "handler", clue, "submit_result", {"reason": INTERNAL["result"]})
    step(db, "leader", clue, "approve_result")
    perform(
        db,
        user(db, "handler"),
        clue,
        "feedback",
        {"mode": "anonymous", "public_wording": PUBLIC_REPLY},
    )

    text, status = page_of(client, dup_code)
    assert status == "已办结（与反映同一问题的举报合并办理）" and PUBLIC_REPLY in text
    # Nothing of the other tip: neither its content nor its reporter's messages.
    assert "县人民医院骨科医生收受红包" not in text and "原举报人的补充留言" not in text
    assert "内部：同一问题" not in text
    assert_nothing_internal(db, text)
