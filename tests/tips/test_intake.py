"""Intake through the services: a tip becomes a received clue, the reporter stays secret,
duplicates are proposed and merged, bad input is refused without losing the rest."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlalchemy import select

from cases.intake import decide, intake, propose_duplicates
from cases.models import Clue
from cases.states import ClueState
from config.errors import PermissionDenied, ValidationError
from tests.conftest import unit, user
from tests.tips.helpers import PDF, make_vault, plaintext_hits
from tips.attachments import Upload
from tips.models import RevealLog, TipStatus
from tips.service import AccusedPerson, Identity, NewTip, reveal_identity

MIDYEAR = datetime(2026, 6, 15, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
NAME, PHONE = "王秀兰", "13912345678"


@pytest.fixture(autouse=True)
def _midyear():
    with time_machine.travel(MIDYEAR, tick=False):
        yield


def hotline(content: str, **overrides) -> NewTip:
    values = dict(
        channel="hotline",
        content=content,
        meta={"call_time": "2026-06-15T09:30", "clerk": "李登记", "duration_seconds": "240"},
        accused_unit_name="清河县人民医院",
        accused=[AccusedPerson("张建国", "doctor")],
        named=True,
        identity=Identity(name=NAME, phone=PHONE),
    )
    values.update(overrides)
    return NewTip(**values)


def test_hotline_tip_becomes_received_clue_and_is_registered(db, tmp_path):
    clerk = user(db, "clerk")
    tip, clue = intake(
        db, clerk, clerk.unit, hotline("外科张建国医生收受患者家属红包两千元"), make_vault(tmp_path)
    )
    assert clue.state == ClueState.RECEIVED and clue.tip_id == tip.id and tip.clue_id == clue.id
    assert clue.channel == "hotline" and clue.reporter_named
    assert tip.unit == unit(db, "C01-D01") and tip.accused_unit == unit(db, "C01-D01-H01")
    assert tip.meta["duration_seconds"] == 240 and tip.meta["callback_wanted"] is False
    decide(db, clerk, tip, "register")
    assert clue.state == ClueState.REGISTERED and clue.ledger_no
    assert tip.status == TipStatus.REGISTERED


def test_no_plaintext_of_named_reporter_anywhere_in_database(db, tmp_path):
    clerk = user(db, "clerk")
    vault = make_vault(tmp_path)
    tip, _ = intake(
        db,
        clerk,
        clerk.unit,
        hotline(
            "医生收红包", identity=Identity(NAME, PHONE, "wxl@example.cn", "", "幸福路88号3单元")
        ),
        vault,
    )
    assert plaintext_hits(db, NAME, PHONE, "wxl@example.cn", "幸福路88号") == []
    assert tip.identity_token and NAME not in tip.identity_token
    # The leader may see it, and the look is logged.
    leader = user(db, "leader")
    identity = reveal_identity(db, leader, tip, vault.keyring, "核实")
    assert (identity.name, identity.phone) == (NAME, PHONE)
    logs = db.scalars(select(RevealLog).where(RevealLog.tip_id == tip.id)).all()
    assert [(log.user_id, log.purpose) for log in logs] == [(leader.id, "核实")]
    for username in ("inspector", "admin", "reporter"):
        with pytest.raises(PermissionDenied):
            reveal_identity(db, user(db, username), tip, vault.keyring)
    assert len(db.scalars(select(RevealLog).where(RevealLog.tip_id == tip.id)).all()) == 1


def test_duplicate_is_proposed_and_merged_with_repeat_counted(db, tmp_path):
    clerk = user(db, "clerk")
    vault = make_vault(tmp_path)
    first, first_clue = intake(
        db, clerk, clerk.unit, hotline("清河县人民医院外科张建国医生收受患者家属红包两千元"), vault
    )
    decide(db, clerk, first, "register")
    other = hotline(
        "反映人民医院外科张建国收受红包2000元的问题",
        identity=Identity(name="另一人", phone="+86 139-1234-5678"),
    )
    second, second_clue = intake(db, clerk, clerk.unit, other, vault)
    candidates = propose_duplicates(db, clerk, second)
    assert [c.clue.id for c in candidates] == [first_clue.id]
    reasons = " ".join(candidates[0].reasons)
    assert "内容相似" in reasons and "同一举报人联系方式" in reasons and "张建国" in reasons
    decide(db, clerk, second, "merge", {"target_clue_id": first_clue.id})
    assert second_clue.state == ClueState.MERGED and second_clue.merged_into_id == first_clue.id
    assert first_clue.repeat_count == 1 and second.status == TipStatus.MERGED


def test_unrelated_tip_is_not_proposed(db, tmp_path):
    clerk = user(db, "clerk")
    vault = make_vault(tmp_path)
    intake(db, clerk, clerk.unit, hotline("外科张建国医生收受红包", accused=[]), vault)
    anonymous = NewTip(channel="letter", content="卫生院乱收挂号费，多收三元", named=False)
    tip, _ = intake(db, clerk, clerk.unit, anonymous, vault)
    assert propose_duplicates(db, clerk, tip) == []


def test_superior_referral_starts_its_clocks(db, tmp_path):
    clerk = user(db, "clerk")
    new = NewTip(
        channel="superior",
        content="市纪委监委转来：反映博爱医院诱导住院",
        meta={"reference": "东纪转〔2026〕12号", "deadline": "2026-07-30", "reply_requested": "y"},
    )
    tip, clue = intake(db, clerk, clerk.unit, new, make_vault(tmp_path))
    assert clue.handed_down and clue.superior_ref == "东纪转〔2026〕12号"
    assert str(clue.superior_due) == "2026-07-30" and "superior" in clue.clocks
    decide(db, clerk, tip, "register")
    assert clue.state == ClueState.REGISTERED


def test_bad_attachments_are_refused_and_the_rest_kept(db, tmp_path):
    clerk = user(db, "clerk")
    vault = make_vault(tmp_path, max_bytes=100)
    uploads = [
        Upload("证据.pdf", PDF),
        Upload("病毒.pdf", b"MZ\x90\x00 not a pdf"),
        Upload("大文件.pdf", PDF + b"x" * 200),
    ]
    tip, clue = intake(db, clerk, clerk.unit, hotline("医生收红包", attachments=uploads), vault)
    assert [a.filename for a in tip.attachments] == ["证据.pdf"]
    assert vault.files.get(db, tip.attachments[0].stored_name) == PDF
    reasons = {r["filename"]: r["reason"] for r in tip.rejected_files}
    assert "类型不被接受" in reasons["病毒.pdf"] and "超过大小上限" in reasons["大文件.pdf"]
    assert clue.id is not None


@pytest.mark.parametrize(
    ("new", "message"),
    [
        (NewTip(channel="letter", content="   "), "内容不能为空"),
        (NewTip(channel="letter", content="x", named=True), "实名举报须填写"),
        (NewTip(channel="hotline", content="x", meta={"clerk": "李"}), "来电时间"),
        (NewTip(channel="superior", content="x"), "交办文号"),
        (NewTip(channel="letter", content="x", identity=Identity(phone="12")), "电话号码"),
    ],
)
def test_bad_input_is_refused_and_nothing_written(db, tmp_path, new, message):
    clerk = user(db, "clerk")
    before = db.scalar(select(Clue.id).order_by(Clue.id.desc()).limit(1))
    with pytest.raises(ValidationError, match=message):
        intake(db, clerk, clerk.unit, new, make_vault(tmp_path))
    assert db.scalar(select(Clue.id).order_by(Clue.id.desc()).limit(1)) == before


def test_forward_and_not_accept_follow_the_tip(db, tmp_path):
    clerk = user(db, "clerk")
    vault = make_vault(tmp_path)
    tip, clue = intake(
        db, clerk, clerk.unit, NewTip(channel="letter", content="反映市医院问题"), vault
    )
    target = unit(db, "C01")
    decide(db, clerk, tip, "forward", {"target_unit_id": target.id, "reason": "属市级管辖"})
    assert clue.state == ClueState.FORWARDED and tip.status == TipStatus.FORWARDED
    other, other_clue = intake(
        db, clerk, clerk.unit, NewTip(channel="letter", content="无具体内容"), vault
    )
    with pytest.raises(ValidationError, match="不予受理理由"):
        decide(db, clerk, other, "not_accept", {})
    decide(db, clerk, other, "not_accept", {"reason": "反映内容不具体"})
    assert other_clue.state == ClueState.NOT_ACCEPTED and other.status == TipStatus.NOT_ACCEPTED
