"""JSON API for a clue's handling records (当事人, 违规事实, 谈话函询, 交办, 处理处置, 移送,
反馈) and the red-packet register (红包上缴登记).

Reads answer what the clue page and the register page show: never the reporter's
identity, and feedback without its internal note (the page keeps that to itself too).
Writes go through the same declarations as the page forms (``cases.record_actions``,
``cases.redpacket``), which check jurisdiction, editor and state and clean every field.
The body's JSON types are checked here first against the fields' own JSON Schema (the
one the OpenAPI description shows), so an id or an amount no column can hold is a 422,
not a database error. Token requests need
no CSRF token; cookie-session writes send it in ``X-CSRFToken`` (``api.csrf_unless_token``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from flask import Blueprint, request
from flask_login import current_user

from cases import outcomes, records
from cases.audit import open_sections
from cases.handling_models import (
    ClueSubject,
    FeedbackRecord,
    InquiryLetter,
    NegativeListEntry,
    RedPacketSurrender,
    Referral,
    Sanction,
    TalkRecord,
)
from cases.models import Clue
from cases.record_actions import RECORD_ACTIONS
from cases.redpacket import RegisterFilter, list_surrenders, register_surrender
from cases.reference import category_label
from cases.service import get_clue
from config.errors import ValidationError
from web.db import db_session
from web.extensions import csrf_unless_token
from web.openapi_handling import REDPACKET_FIELDS
from web.openapi_parts import MAX_ID
from web.unit_of_work import unit_of_work
from workflow.fields import AMOUNT_LIMIT, FieldSpec

bp = Blueprint("handling_api", __name__, url_prefix="/api")
bp.before_request(csrf_unless_token)


# -- answers -------------------------------------------------------------------------------------


def _day(d: date | None) -> str | None:
    return d.isoformat() if d else None


def _moment(dt: datetime) -> str:
    # Stored in UTC; SQLite hands it back without the offset.
    return (dt if dt.tzinfo else dt.replace(tzinfo=UTC)).isoformat()


def _wan(amount: Decimal | None) -> str | None:
    """An amount as a decimal string: exact, and the same on SQLite and PostgreSQL."""
    return None if amount is None else format(amount.normalize(), "f")


def facts_json(clue: Clue) -> dict[str, Any]:
    return {
        "category": clue.category,
        "category_label": category_label(clue.category),
        "amount_involved": _wan(clue.amount_involved),
        "funds_recovered": _wan(clue.funds_recovered),
        "findings": clue.findings,
        "findings_text": clue.findings_text or "",
        "verification_plan": clue.verification_plan or "",
    }


def subject_json(s: ClueSubject) -> dict[str, Any]:
    where = s.institution
    return {
        "id": s.id,
        "kind": s.kind,
        "name": s.name,
        "post": s.post,
        "post_label": s.post_label,
        "institution": {"id": where.id, "name": where.name} if where else None,
        "institution_name": s.institution_name or "",
        "note": s.note or "",
        "label": s.label,
        "created_at": _moment(s.created_at),
    }


def talk_json(t: TalkRecord) -> dict[str, Any]:
    return {
        "id": t.id,
        "talked_on": t.talked_on.isoformat(),
        "person": t.person,
        "talkers": t.talkers or "",
        "content": t.content or "",
        "created_at": _moment(t.created_at),
    }


def inquiry_json(letter: InquiryLetter) -> dict[str, Any]:
    return {
        "id": letter.id,
        "recipient": letter.recipient,
        "sent_on": letter.sent_on.isoformat(),
        "reply_due": _day(letter.reply_due),
        "reply_received_on": _day(letter.reply_received_on),
        "reply_summary": letter.reply_summary or "",
    }


def handed_down_json(child: Clue) -> dict[str, Any]:
    """A clue handed down from this one, as the page lists it (no content: it may quote
    the tip)."""
    return {
        "id": child.id,
        "reference": child.reference,
        "unit": {"id": child.unit.id, "name": child.unit.name},
        "state": child.state,
        "state_label": child.state_label,
        "superior_due": _day(child.superior_due),
        "findings": child.findings,
        "findings_text": child.findings_text or "",
    }


def sanction_json(s: Sanction) -> dict[str, Any]:
    return {
        "id": s.id,
        "subject_id": s.subject_id,
        "subject_name": s.subject.name,
        "kind": s.kind,
        "kind_label": s.kind_label,
        "decided_on": s.decided_on.isoformat(),
        "executed_on": _day(s.executed_on),
        "amount": _wan(s.amount),
        "note": s.note or "",
    }


def referral_json(r: Referral) -> dict[str, Any]:
    return {
        "id": r.id,
        "target": r.target,
        "target_label": r.target_label,
        "organ": r.organ,
        "sent_on": r.sent_on.isoformat(),
        "receipt_due": _day(r.receipt_due),
        "received_on": _day(r.received_on),
        "outcome": r.outcome or "",
        "outcome_on": _day(r.outcome_on),
        "outcome_due": _day(r.outcome_due),  # chased once receipted (referral_outcome)
    }


def feedback_json(f: FeedbackRecord) -> dict[str, Any]:
    return {
        "id": f.id,
        "mode": f.mode,
        "mode_label": f.mode_label,
        "method": f.method,
        "method_label": f.method_label,
        "given_on": _day(f.given_on),
        "public_wording": f.public_wording or "",
        "na_reason": f.na_reason or "",
        "created_at": _moment(f.created_at),
    }


def negative_json(e: NegativeListEntry) -> dict[str, Any]:
    return {"id": e.id, "supplier": e.supplier, "reason": e.reason, "listed_on": _day(e.listed_on)}


def redpacket_json(row: RedPacketSurrender) -> dict[str, Any]:
    return {
        "id": row.id,
        "unit": {"id": row.unit.id, "name": row.unit.name},
        "staff_name": row.staff_name,
        "department": row.department or "",
        "patient_name": row.patient_name or "",
        "amount_yuan": f"{row.amount_yuan:.2f}",
        "received_on": row.received_on.isoformat(),
        "surrendered_on": row.surrendered_on.isoformat(),
        "receipt_no": row.receipt_no,
        "created_at": _moment(row.created_at),
    }


# -- request bodies ------------------------------------------------------------------------------


def _misfit(schema: dict[str, Any], value: Any) -> str | None:
    """Why ``value`` does not have the JSON type (or range) ``schema`` gives, or None."""
    types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
    if value is None:
        return None  # not given: whether it is required is the service's rule
    amount = "number" in types
    if isinstance(value, str) and "string" in types:
        return None if not amount or _amount_fits(value) else "金额超出范围。"
    if isinstance(value, bool):
        return "类型不正确。"
    if isinstance(value, int) and "integer" in types:
        return None if schema["minimum"] <= value <= schema["maximum"] else "超出范围。"
    if isinstance(value, int | float) and amount:
        return None if _amount_fits(value) else "金额超出范围。"
    return "类型不正确。"


def _amount_fits(value: str | int | float) -> bool:
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return True  # not a number at all: the service names the field
    return not number.is_finite() or abs(number) < AMOUNT_LIMIT


def checked_body(specs: Iterable[FieldSpec]) -> dict:
    """The JSON object of the request, each field of a known name and a fitting type."""
    fields = {spec.name: spec.json_schema() for spec in specs}
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ValidationError("请求体须为 JSON 对象。")
    problems = {
        name: "不是该操作的字段。" if name not in fields else _misfit(fields[name], value)
        for name, value in body.items()
    }
    problems = {name: why for name, why in problems.items() if why}
    if problems:
        listed = "；".join(f"{name}：{why}" for name, why in problems.items())
        raise ValidationError(f"请求数据有误：{listed}", details=problems)
    return body


# -- clue records --------------------------------------------------------------------------------

# The answer to each kind of record (``RecordAction.answer``), as the description shows it.
ANSWERS: dict[str, Callable[[Clue, Any], dict[str, Any]]] = {
    "Subject": lambda c, r: subject_json(r),
    "Facts": lambda c, r: facts_json(c),
    "Talk": lambda c, r: talk_json(r),
    "Inquiry": lambda c, r: inquiry_json(r),
    "HandedDown": lambda c, r: handed_down_json(r),
    "Sanction": lambda c, r: sanction_json(r),
    "Referral": lambda c, r: referral_json(r),
    "Feedback": lambda c, r: feedback_json(r),
    "NegativeListEntry": lambda c, r: negative_json(r),
}
assert {a.answer for a in RECORD_ACTIONS.values()} <= ANSWERS.keys(), "an answer is missing"


@bp.get("/clues/<int:clue_id>/records")
def clue_records(clue_id: int):
    sess = db_session()
    clue = get_clue(sess, current_user, clue_id)
    return {
        "clue_id": clue.id,
        "state": clue.state,
        "editable": sorted(open_sections(sess, current_user, clue)),
        "facts": facts_json(clue),
        "subjects": [subject_json(s) for s in records.subjects(sess, clue)],
        "talks": [talk_json(t) for t in records.talks(sess, clue)],
        "inquiries": [inquiry_json(i) for i in records.inquiries(sess, clue)],
        "handed_down": [handed_down_json(c) for c in records.children(sess, clue)],
        "sanctions": [sanction_json(s) for s in outcomes.sanctions(sess, clue)],
        "referrals": [referral_json(r) for r in outcomes.referrals(sess, clue)],
        "feedback": [feedback_json(f) for f in outcomes.feedback_records(sess, clue)],
    }


@bp.post(f"/clues/<int:clue_id>/records/<any({', '.join(RECORD_ACTIONS)}):action>")
@unit_of_work()  # a refusal: nothing half-written, web/errors.py renders the structured error
def write_record(clue_id: int, action: str):
    sess = db_session()
    clue = get_clue(sess, current_user, clue_id)
    record_action = RECORD_ACTIONS[action]
    data = checked_body(record_action.fields)
    result = record_action(sess, current_user, clue, data)
    return ANSWERS[record_action.answer](clue, result), 201 if record_action.creates else 200


# -- red-packet register -------------------------------------------------------------------------


def _query_int(name: str, low: int, high: int) -> int | None:
    raw = request.args.get(name, "")
    if raw == "":
        return None
    # ASCII digits only ("²".isdigit() is true), and short enough to compare as an int.
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 10 and low <= int(raw) <= high):
        raise ValidationError(f"参数 {name} 须为 {low}–{high} 的整数。", details={name: raw[:20]})
    return int(raw)


def _query_date(name: str) -> date | None:
    raw = request.args.get(name, "")
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        raise ValidationError(
            f"参数 {name} 不是有效日期（格式：2026-06-01）。", details={name: raw[:20]}
        ) from None


@bp.get("/redpackets")
def list_redpackets():
    """Reporters: their institution's register; office staff: their body's subtree."""
    f = RegisterFilter(
        unit_id=_query_int("unit_id", 0, MAX_ID) or None,
        start=_query_date("from"),
        end=_query_date("to"),
    )
    limit = _query_int("limit", 1, 500) or 500
    rows = list_surrenders(db_session(), current_user, f, limit=limit)
    return {"items": [redpacket_json(r) for r in rows], "count": len(rows)}


@bp.post("/redpackets")
@unit_of_work()
def register_redpacket():
    data = checked_body(REDPACKET_FIELDS)
    row = register_surrender(db_session(), current_user, data)
    return redpacket_json(row), 201
