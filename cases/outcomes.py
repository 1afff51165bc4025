"""Services for the outcome of a clue: sanctions per subject, referrals and transfers,
feedback to the reporter, and the supplier negative list.

Same contract as ``cases.records``: each is the ``apply`` of one action in
``cases.record_actions``, which has checked jurisdiction, editor and state and cleaned the
fields; a service takes typed values, keeps the rules that span fields, flushes, logs a
``ClueEvent`` per change and never commits.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cases.audit import record_event
from cases.handling_models import (
    ClueSubject,
    FeedbackRecord,
    NegativeListEntry,
    Referral,
    Sanction,
)
from cases.models import Clue
from cases.pending_deadlines import (
    REFERRAL,
    REFERRAL_OUTCOME,
    due_text,
    side_clock_clear,
    side_clock_due,
)
from cases.reference import (
    INSTITUTION_SANCTIONS,
    KICKBACK_CATEGORIES,
    PERSON_SANCTIONS,
    REFERRAL_TARGETS,
    SANCTION_KINDS,
)
from config.errors import NotFound, ValidationError
from directory.jurisdiction import visible_unit_ids
from directory.models import User
from workflow.engine import local_today
from workflow.fields import Problems


def add_sanction(session: Session, actor: User, clue: Clue, v: Mapping[str, Any]) -> Sanction:
    """A measure on one subject: persons get first-form or organisational measures,
    institutions administrative penalties (《医疗机构管理条例》, 《医师法》)."""
    r = Problems()
    kind, decided, executed = v["kind"], v["decided_on"], v["executed_on"]
    amount, note = v["amount"], v["note"]
    subject = session.get(ClueSubject, v["subject_id"])
    if subject is None or subject.clue_id != clue.id:
        r.error("subject_id", "请选择本线索的当事人。")
    else:
        allowed = PERSON_SANCTIONS if subject.kind == "person" else INSTITUTION_SANCTIONS
        if kind not in allowed:
            who = "人员" if subject.kind == "person" else "机构"
            r.error("kind", f"“{SANCTION_KINDS[kind]}”不适用于{who}。")
    if executed and executed < decided:
        r.error("executed_on", "执行日期不能早于决定日期。")
    r.done()
    assert subject is not None
    sanction = Sanction(
        clue_id=clue.id,
        subject_id=subject.id,
        kind=kind,
        decided_on=decided,
        executed_on=executed,
        amount=amount,
        note=note,
    )
    session.add(sanction)
    session.flush()
    record_event(
        session,
        actor,
        clue,
        "sanction.add",
        f"{subject.name}：{SANCTION_KINDS[kind]}（决定 {decided}"
        f"{'，执行 ' + str(executed) if executed else '，待执行'}）",
        {"sanction_id": sanction.id, "kind": kind},
    )
    return sanction


def record_sanction_executed(
    session: Session, actor: User, clue: Clue, v: Mapping[str, Any]
) -> Sanction:
    """Record the date a decided measure was carried out (销号 needs every one executed)."""
    sanction = _own(session, Sanction, clue, v["sanction_id"])
    executed = v["executed_on"]
    if executed < sanction.decided_on:
        Problems.refuse("executed_on", "执行日期不能早于决定日期。")
    sanction.executed_on = executed
    session.flush()
    record_event(
        session,
        actor,
        clue,
        "sanction.executed",
        f"{sanction.subject.name}：{sanction.kind_label}已于 {executed} 执行",
        {"sanction_id": sanction.id},
    )
    return sanction


def sanctions(session: Session, clue: Clue) -> list[Sanction]:
    stmt = select(Sanction).where(Sanction.clue_id == clue.id).order_by(Sanction.id)
    return list(session.scalars(stmt))


def open_referral(
    session: Session, actor: User | None, clue: Clue, target: str, organ: str, sent_on: date
) -> Referral:
    """A referral row with its receipt due date (``referral_receipt`` in cases.timelimits)."""
    referral = Referral(clue_id=clue.id, target=target, organ=organ, sent_on=sent_on)
    session.add(referral)
    session.flush()
    # None while the year is unconfirmed: listed as pending, computed when it is confirmed.
    referral.receipt_due = side_clock_due(
        session, REFERRAL, "referral_receipt", referral.id, clue, sent_on
    )
    session.flush()
    return referral


def add_referral(session: Session, actor: User, clue: Clue, v: Mapping[str, Any]) -> Referral:
    """Refer or transfer to judicial organs, market regulation, medical insurance, tax or
    discipline inspection; tracked sent → receipted → outcome."""
    target, organ, sent_on = v["target"], v["organ"], v["sent_on"]
    referral = open_referral(session, actor, clue, target, organ, sent_on)
    record_event(
        session,
        actor,
        clue,
        "referral.add",
        f"移送{organ}（{REFERRAL_TARGETS[target]}），回执期限 "
        f"{due_text(session, REFERRAL, referral.id, referral.receipt_due)}",
        {"referral_id": referral.id},
    )
    return referral


def record_referral_receipt(
    session: Session, actor: User, clue: Clue, v: Mapping[str, Any]
) -> Referral:
    """The receiving organ's receipt (回执) and, when known, the outcome it reported."""
    referral = _own(session, Referral, clue, v["referral_id"])
    r = Problems()
    received, outcome, outcome_on = v["received_on"], v["outcome"], v["outcome_on"]
    if received < referral.sent_on:
        r.error("received_on", "回执日期不能早于移送日期。")
    if outcome and not outcome_on:
        r.error("outcome_on", "请填写“结果日期”。")
    r.done()
    referral.received_on = received
    if outcome:
        referral.outcome, referral.outcome_on = outcome, outcome_on
    else:  # receipted, outcome still to come: it is chased too (referral_reminders)
        referral.outcome_due = side_clock_due(
            session, REFERRAL_OUTCOME, "referral_outcome", referral.id, clue, received
        )
    session.flush()
    record_event(
        session,
        actor,
        clue,
        "referral.receipt",
        f"{referral.organ}已于 {received} 签收" + (f"；结果：{outcome}" if outcome else ""),
        {"referral_id": referral.id},
    )
    return referral


def record_referral_outcome(
    session: Session, actor: User, clue: Clue, v: Mapping[str, Any]
) -> Referral:
    """The outcome the receiving organ reported, after its receipt; ends the chasing."""
    referral = _own(session, Referral, clue, v["referral_id"])
    r = Problems()
    if referral.received_on is None:
        r.error("referral_id", "该移送尚未登记回执，请先登记回执。")
    elif referral.outcome_on is not None:
        r.error("referral_id", "该移送已登记处理结果。")
    elif v["outcome_on"] < referral.received_on:
        r.error("outcome_on", "结果日期不能早于回执日期。")
    r.done()
    referral.outcome, referral.outcome_on = v["outcome"], v["outcome_on"]
    referral.outcome_due = None
    side_clock_clear(session, REFERRAL_OUTCOME, referral.id)
    session.flush()
    record_event(
        session,
        actor,
        clue,
        "referral.outcome",
        f"{referral.organ}反馈处理结果（{referral.outcome_on}）：{referral.outcome}",
        {"referral_id": referral.id},
    )
    return referral


def referrals(session: Session, clue: Clue) -> list[Referral]:
    stmt = select(Referral).where(Referral.clue_id == clue.id).order_by(Referral.id)
    return list(session.scalars(stmt))


def add_feedback_record(
    session: Session,
    clue: Clue,
    *,
    mode: str,
    method: str | None = None,
    given_on: date | None = None,
    public_wording: str = "",
    internal_note: str = "",
    na_reason: str = "",
) -> FeedbackRecord:
    record = FeedbackRecord(
        clue_id=clue.id,
        mode=mode,
        method=method,
        given_on=given_on,
        public_wording=public_wording,
        internal_note=internal_note,
        na_reason=na_reason,
    )
    session.add(record)
    session.flush()
    return record


def record_feedback(
    session: Session, actor: User, clue: Clue, v: Mapping[str, Any]
) -> FeedbackRecord:
    """Feedback for an anonymous reporter (public wording for the portal, apart from the
    internal note), or not applicable with a reason. Named reporters: the ``give_feedback``
    step, which also stops the 15-working-day clock."""
    r = Problems()
    mode, public, internal = v["mode"], v["public_wording"], v["internal_note"]
    reason = v["na_reason"]
    if clue.reporter_named:
        r.error("mode", "实名举报须使用“登记已反馈举报人”操作向举报人反馈。")
    if mode == "anonymous" and not public:
        r.error("public_wording", "请填写“对外答复内容”。")
    if mode == "not_applicable" and not reason:
        r.error("na_reason", "请填写“无需反馈的理由”。")
    r.done()
    record = add_feedback_record(
        session,
        clue,
        mode=mode,
        method="portal" if mode == "anonymous" else None,
        given_on=local_today() if mode == "anonymous" else None,
        public_wording=public if mode == "anonymous" else "",
        internal_note=internal,
        na_reason=reason if mode == "not_applicable" else "",
    )
    summary = "网上平台公开答复" if mode == "anonymous" else f"无需反馈：{reason}"
    record_event(session, actor, clue, "feedback.add", summary, {"feedback_id": record.id})
    return record


def feedback_records(session: Session, clue: Clue) -> list[FeedbackRecord]:
    stmt = select(FeedbackRecord).where(FeedbackRecord.clue_id == clue.id)
    return list(session.scalars(stmt.order_by(FeedbackRecord.id)))


def add_to_negative_list(
    session: Session, actor: User, clue: Clue, v: Mapping[str, Any]
) -> NegativeListEntry:
    """Put the supplier of a kickback case on the body's negative list (负面名单)."""
    if clue.category not in KICKBACK_CATEGORIES:
        raise ValidationError("只有回扣类线索可以将供应商列入负面名单。")
    supplier, reason = v["supplier"], v["reason"]
    entry = NegativeListEntry(
        unit_id=clue.unit_id,
        supplier=supplier,
        reason=reason,
        clue_id=clue.id,
        listed_on=local_today(),
        created_by_id=actor.id,
    )
    session.add(entry)
    session.flush()
    record_event(session, actor, clue, "negative_list.add", f"供应商“{supplier}”列入负面名单")
    return entry


def negative_list(session: Session, actor: User) -> list[NegativeListEntry]:
    """The negative-list entries of the bodies the actor may see."""
    stmt = (
        select(NegativeListEntry)
        .where(NegativeListEntry.unit_id.in_(visible_unit_ids(session, actor)))
        .order_by(NegativeListEntry.listed_on.desc(), NegativeListEntry.id.desc())
    )
    return list(session.scalars(stmt))


def _own(session: Session, model: Any, clue: Clue, record_id: int) -> Any:
    row = session.get(model, record_id)
    if row is None or row.clue_id != clue.id:
        raise NotFound("未找到该记录。")
    return row
