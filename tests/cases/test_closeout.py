"""Handling to close-out at service level: inquiry, verification, sanctions, judicial
referral, feedback and 销号, every step in the timeline; incomplete files are refused."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cases.audit import history, open_sections
from cases.closeout import _file_looks_complete, missing_items
from cases.handling_models import ClueSubject, FeedbackRecord, Referral, Sanction
from cases.ledger_export import LEDGER_COLUMNS, ledger_rows
from cases.ledger_query import LedgerFilter
from cases.outcomes import (
    referrals,
)
from cases.record_actions import perform
from cases.records import (
    children,
)
from cases.service import fire, timeline
from cases.states import ClueState
from cases.stats import kickback_stats, sanction_counts
from config.errors import InvalidTransition, PermissionDenied, ValidationError
from directory.jurisdiction import visible_unit_ids
from tests.cases.factories import clue_in_state, new_clue
from tests.conftest import unit, user

SH = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def _june():
    with time_machine.travel(datetime(2026, 6, 1, 10, 0, tzinfo=SH), tick=False):
        yield


def step(db, who, clue, trigger, data=None):
    return fire(db, user(db, who), clue, trigger, data or {})


def to_verifying(db, **fields):
    clue = new_clue(db, **fields)
    step(db, "clerk", clue, "register")
    step(db, "leader", clue, "assign", {"handler_id": user(db, "handler").id})
    step(db, "handler", clue, "propose", {"route": "talk_inquiry", "reason": "先函询"})
    step(db, "leader", clue, "approve_talk_inquiry")
    return clue


def test_a_kickback_clue_from_inquiry_to_write_off(db):
    handler = user(db, "handler")
    clue = to_verifying(db)
    talk = perform(
        db, handler, clue, "talk", {"talked_on": "2026-06-01", "person": "张某", "content": "谈话"}
    )
    letter = perform(db, handler, clue, "inquiry", {"recipient": "张某", "sent_on": "2026-06-01"})
    assert letter.reply_due == date(2026, 6, 23)  # 15 working days; 19 June is Dragon Boat
    perform(
        db,
        handler,
        clue,
        "inquiry_reply",
        {"letter_id": letter.id, "reply_received_on": "2026-06-10", "reply_summary": "否认"},
    )
    step(db, "handler", clue, "inquiry_to_verify", {"reason": "说明不清"})
    perform(db, handler, clue, "plan", {"plan": "调取处方和供货记录"})
    perform(
        db,
        handler,
        clue,
        "facts",
        {"category": "check_11", "amount_involved": "3.5", "funds_recovered": "3.5"},
    )
    doctor = perform(
        db,
        handler,
        clue,
        "subject",
        {
            "kind": "person",
            "name": "张某",
            "post": "doctor",
            "institution_id": unit(db, "C01-D01-H01").id,
        },
    )
    hospital = perform(db, handler, clue, "subject", {"kind": "institution", "name": "某医院"})
    step(db, "handler", clue, "record_findings", {"findings": "substantiated", "reason": "查实"})
    assert clue.findings_on == date(2026, 6, 1) and clue.findings_text == "查实"
    step(db, "handler", clue, "refer", {"organ": "清河县公安局", "reason": "涉嫌受贿"})
    admonish = perform(
        db,
        handler,
        clue,
        "sanction",
        {"subject_id": doctor.id, "kind": "admonishment", "decided_on": "2026-06-01"},
    )
    perform(
        db,
        handler,
        clue,
        "sanction",
        {
            "subject_id": hospital.id,
            "kind": "fine",
            "decided_on": "2026-06-01",
            "executed_on": "2026-06-01",
            "amount": "2",
        },
    )
    perform(db, handler, clue, "negative_list", {"supplier": "某医药公司", "reason": "行贿"})
    step(db, "handler", clue, "submit_result", {"reason": "已处理并移送"})
    step(db, "leader", clue, "approve_result")

    # Not complete yet: the refusal names exactly what is missing.
    with pytest.raises(InvalidTransition) as refused:
        step(db, "handler", clue, "request_write_off")
    assert refused.value.message == (
        "档案不完整，不能销号。尚缺：处理决定执行日期：张某（诫勉谈话）；"
        "移送回执：清河县公安局；反馈举报人（或注明无需反馈的理由）。"
    )
    assert clue.state == ClueState.FEEDBACK

    perform(
        db,
        handler,
        clue,
        "sanction_executed",
        {"sanction_id": admonish.id, "executed_on": "2026-06-01"},
    )
    (referral,) = referrals(db, clue)
    assert referral.target == "judicial" and referral.receipt_due == date(2026, 6, 15)
    perform(
        db,
        handler,
        clue,
        "referral_receipt",
        {
            "referral_id": referral.id,
            "received_on": "2026-06-01",
            "outcome": "已立案",
            "outcome_on": "2026-06-01",
        },
    )
    perform(
        db, handler, clue, "feedback", {"mode": "anonymous", "public_wording": "已依法依规处理。"}
    )
    assert missing_items(db, clue) == []
    step(db, "handler", clue, "request_write_off")
    step(db, "leader", clue, "approve_write_off")
    step(db, "inspector", clue, "look_back", {"reason": "回头看：整改到位"})
    assert clue.state == ClueState.WRITTEN_OFF

    steps = [log.trigger for log in timeline(db, user(db, "leader"), clue)]
    assert steps[-4:] == ["approve_result", "request_write_off", "approve_write_off", "look_back"]
    assert "inquiry_to_verify" in steps and "refer" in steps
    assert timeline(db, user(db, "leader"), clue)[-1].reason == "回头看：整改到位"
    kinds = {e.kind for e in history(db, user(db, "leader"), clue) if not e.is_step}
    assert {
        "talk.add",
        "inquiry.add",
        "inquiry.reply",
        "verification.plan",
        "facts.update",
        "subject.add",
        "sanction.add",
        "sanction.executed",
        "referral.receipt",
        "feedback.add",
        "negative_list.add",
    } <= kinds
    assert talk.id

    units = visible_unit_ids(db, user(db, "leader"))
    stats = kickback_stats(db, units, date(2026, 1, 1), date(2026, 12, 31))
    assert (stats.cases, stats.persons, stats.amount) == (1, 1, Decimal("3.5"))
    counts = sanction_counts(db, units, date(2026, 1, 1), date(2026, 12, 31))
    assert counts["admonishment"].persons == 1
    assert counts["judicial_referral"].persons == 1
    assert counts["fine"].amount == Decimal("2")
    assert counts["license_revoked"].persons == 0
    other = sanction_counts(db, units, date(2025, 1, 1), date(2025, 12, 31))
    assert other["admonishment"].persons == 0

    # The ledger sheet gathers the same file in one row (its batch queries, both databases).
    [row] = [
        dict(zip(LEDGER_COLUMNS, r, strict=True))
        for r in ledger_rows(db, user(db, "leader"), LedgerFilter())
        if r[1] == clue.reference
    ]
    assert row["反映对象（单位/人员）"] == "张某、某医院"
    assert row["处理结果"] == "张某：诫勉谈话；某医院：罚款；移送清河县公安局"
    assert row["承办人"] == user(db, "handler").display_name
    assert row["办结/销号日期"] == "2026-06-01"


def test_write_off_refused_for_a_verified_clue_without_subject_or_feedback(db):
    clue = clue_in_state(db, ClueState.FEEDBACK, reporter_named=False)
    clue.route, clue.findings = "verifying", "partly"
    db.flush()
    with pytest.raises(InvalidTransition) as refused:
        step(db, "handler", clue, "request_write_off")
    assert "核查结论的书面说明" in refused.value.message
    assert "当事人（核查结论为部分查实）" in refused.value.message
    assert "反馈举报人" in refused.value.message
    assert "request_write_off" not in {t.trigger for t in _available(db, clue)}


def _available(db, clue):
    from cases.service import available

    return available(db, user(db, "handler"), clue)


def test_approval_also_checks_completeness(db):
    clue = clue_in_state(db, ClueState.PENDING_WRITE_OFF)
    with pytest.raises(InvalidTransition, match="反馈举报人"):
        step(db, "leader", clue, "approve_write_off")


def test_feedback_not_applicable_needs_a_reason_and_named_reporters_use_the_step(db):
    clue = clue_in_state(db, ClueState.FEEDBACK)
    handler = user(db, "handler")
    with pytest.raises(ValidationError, match="无需反馈的理由"):
        perform(db, handler, clue, "feedback", {"mode": "not_applicable"})
    named = clue_in_state(db, ClueState.FEEDBACK, reporter_named=True)
    with pytest.raises(ValidationError, match="登记已反馈举报人"):
        perform(db, handler, named, "feedback", {"mode": "not_applicable", "na_reason": "x"})


def test_sanctions_fit_the_subject_and_records_follow_state_and_role(db):
    clue = clue_in_state(db, ClueState.DISPOSING)
    handler = user(db, "handler")
    person = perform(
        db, handler, clue, "subject", {"kind": "person", "name": "李某", "post": "nurse"}
    )
    with pytest.raises(ValidationError, match="不适用于人员"):
        perform(
            db,
            handler,
            clue,
            "sanction",
            {"subject_id": person.id, "kind": "fine", "decided_on": "2026-06-01"},
        )
    with pytest.raises(PermissionDenied):
        perform(
            db,
            user(db, "inspector"),
            clue,
            "subject",
            {"kind": "person", "name": "x", "post": "other"},
        )
    with pytest.raises(InvalidTransition, match="不能修改“反馈”"):
        perform(db, handler, clue, "feedback", {"mode": "not_applicable", "na_reason": "x"})
    assert "sanctions" in open_sections(db, handler, clue)
    assert "feedback" not in open_sections(db, handler, clue)
    assert open_sections(db, user(db, "inspector"), clue) == frozenset()
    with pytest.raises(ValidationError, match="移送日期"):
        perform(db, handler, clue, "referral", {"target": "tax", "organ": "税务局"})


def test_handing_down_creates_a_linked_child_whose_result_the_parent_sees(db):
    clue = to_verifying(db)
    handler = user(db, "handler")
    with pytest.raises(ValidationError, match="下级单位"):
        perform(
            db,
            handler,
            clue,
            "hand_down",
            {"target_unit_id": unit(db, "C01-D02").id, "due": "2026-06-30", "note": "核查"},
        )
    child = perform(
        db,
        handler,
        clue,
        "hand_down",
        {"target_unit_id": unit(db, "C01-D01-H01").id, "due": "2026-06-30", "note": "请核查"},
    )
    assert child.parent_id == clue.id and child.superior_due == date(2026, 6, 30)
    assert child.superior_ref == clue.reference
    child.findings, child.findings_text = "unfounded", "经核查不属实"
    db.flush()
    (seen,) = children(db, clue)
    assert seen.findings_text == "经核查不属实"


# The one-query check that lets 销号 through must agree with the itemised list, whatever
# the file holds: whitespace-only texts, several feedback records, executed or open
# sanctions, receipted or open referrals. Each ingredient is drawn mostly complete, so
# complete files and files with a single gap are both common.
_FEEDBACK = st.lists(
    st.tuples(
        st.sampled_from(["named", "anonymous", "not_applicable", "not_applicable", "other"]),
        st.sampled_from([None, "phone", "phone"]),
        st.sampled_from([None, date(2026, 5, 1), date(2026, 5, 1)]),
        st.sampled_from(["", "  \n", "已答复", "已答复"]),
        st.sampled_from(["", "\u3000", "匿名无法反馈", "匿名无法反馈"]),
    ),
    max_size=3,
)
_MOSTLY_TRUE = st.sampled_from([True, True, True, False])


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    route=st.sampled_from([None, "verifying", "talk_inquiry"]),
    findings=st.sampled_from([None, "substantiated", "partly", "unfounded"]),
    findings_text=st.sampled_from(["", " ", "查实收受红包", "查实收受红包"]),
    persons=st.sampled_from([0, 1, 1, 2]),
    sanctions=st.lists(_MOSTLY_TRUE, max_size=2),
    referrals=st.lists(_MOSTLY_TRUE, max_size=2),
    feedback=_FEEDBACK,
)
def test_the_fast_completeness_check_agrees_with_the_itemised_list(
    db, route, findings, findings_text, persons, sanctions, referrals, feedback
):
    clue = new_clue(db)
    clue.route, clue.findings, clue.findings_text = route, findings, findings_text
    subjects = [
        ClueSubject(clue_id=clue.id, kind="person", name=f"当事人{i}", post="doctor")
        for i in range(max(persons, 1 if sanctions else 0))
    ]
    db.add_all(subjects)
    db.flush()
    for executed in sanctions:
        db.add(
            Sanction(
                clue_id=clue.id,
                subject_id=subjects[0].id,
                kind="reminder_talk",
                decided_on=date(2026, 5, 1),
                executed_on=date(2026, 5, 2) if executed else None,
            )
        )
    for received in referrals:
        db.add(
            Referral(
                clue_id=clue.id,
                target="judicial",
                organ="某区公安分局",
                sent_on=date(2026, 5, 1),
                received_on=date(2026, 5, 3) if received else None,
            )
        )
    for mode, method, given_on, wording, reason in feedback:
        db.add(
            FeedbackRecord(
                clue_id=clue.id,
                mode=mode,
                method=method,
                given_on=given_on,
                public_wording=wording,
                na_reason=reason,
            )
        )
    db.flush()
    assert _file_looks_complete(db, clue) == (missing_items(db, clue) == [])
    db.rollback()
