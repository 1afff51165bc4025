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

from collections.abc import Iterable
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from flask import Blueprint, request
from flask_login import current_user

from cases.audit import open_sections
from cases.handling_models import (
    RedPacketSurrender,
)
from cases.record_actions import RECORD_ACTIONS
from cases.record_answers import ANSWERS, moment
from cases.record_views import RECORD_LISTS
from cases.redpacket import RegisterFilter, list_surrenders, register_surrender
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
# A clue record's answer is derived from its actions' fields (``cases.record_answers``).


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
        "created_at": moment(row.created_at),
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


@bp.get("/clues/<int:clue_id>/records")
def clue_records(clue_id: int):
    sess = db_session()
    clue = get_clue(sess, current_user, clue_id)
    return {
        "clue_id": clue.id,
        "state": clue.state,
        "editable": sorted(open_sections(sess, current_user, clue)),
        "facts": ANSWERS["Facts"].json(clue, clue),
        **{
            lst.key: [ANSWERS[lst.answer].json(clue, r) for r in lst.load(sess, clue)]
            for lst in RECORD_LISTS
        },
    }


@bp.post(f"/clues/<int:clue_id>/records/<any({', '.join(RECORD_ACTIONS)}):action>")
@unit_of_work()  # a refusal: nothing half-written, web/errors.py renders the structured error
def write_record(clue_id: int, action: str):
    sess = db_session()
    clue = get_clue(sess, current_user, clue_id)
    record_action = RECORD_ACTIONS[action]
    data = checked_body(record_action.fields)
    result = record_action(sess, current_user, clue, data)
    return ANSWERS[record_action.answer].json(clue, result), 201 if record_action.creates else 200


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
