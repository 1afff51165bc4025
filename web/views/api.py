"""The JSON API: clues (read, fire steps), with token or session authentication.

Errors are structured: ``{"error": {"code", "message", "details"}}`` (``web/errors.py``).
Writes with a session cookie need the CSRF token in ``X-CSRFToken``; token requests don't.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, request
from flask_login import current_user

from cases import route_deadline
from cases.lifecycle import CLUE_LIFECYCLE
from cases.models import Clue
from cases.queries.clue_list import clue_page_after
from cases.service import available, deadlines, fire, get_clue, timeline
from cases.states import ClueState
from config.database import MAX_ID
from config.errors import ValidationError
from web.db import db_session
from web.extensions import csrf_unless_token
from web.openapi import SPEC
from web.unit_of_work import unit_of_work
from workflow.engine import calendar_for, local_today

bp = Blueprint("api", __name__, url_prefix="/api")
MAX_LIMIT = 200


bp.before_request(csrf_unless_token)


def clue_json(clue: Clue) -> dict[str, Any]:
    return {
        "id": clue.id,
        "reference": clue.reference,
        "ledger_no": clue.ledger_no,
        "state": clue.state,
        "state_label": clue.state_label,
        "version": clue.version,
        "channel": clue.channel,
        "category": clue.category,
        "summary": clue.summary,
        "unit_id": clue.unit_id,
        "handler_id": clue.handler_id,
        "received_at": clue.received_at.isoformat(),
        "next_due_on": clue.next_due_on.isoformat() if clue.next_due_on else None,
    }


def _int_arg(name: str, default: int | None = None) -> int | None:
    raw = request.args.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ValidationError(
            f"参数 {name} 必须是整数。", details={name: "not an integer"}
        ) from None
    if not -MAX_ID <= value <= MAX_ID:  # compared with INTEGER columns
        raise ValidationError(f"参数 {name} 超出范围。", details={name: "out of range"})
    return value


@bp.get("/clues")
def list_clues():
    sess = db_session()
    limit = min(max(_int_arg("limit", 50) or 50, 1), MAX_LIMIT)
    cursor = _int_arg("cursor")
    state = request.args.get("state") or None
    if state is not None and state not in {str(s) for s in ClueState}:  # and NUL bytes (PG)
        raise ValidationError("参数 state 不是有效的线索状态。", details={"state": "unknown"})
    rows = clue_page_after(sess, current_user, state=state, before=cursor, limit=limit)
    items = [clue_json(c) for c in rows[:limit]]
    next_cursor = rows[limit - 1].id if len(rows) > limit else None
    return jsonify({"items": items, "next_cursor": next_cursor})


@bp.get("/clues/<int:clue_id>")
def show_clue(clue_id: int):
    sess = db_session()
    clue = get_clue(sess, current_user, clue_id)
    body = clue_json(clue)
    body["deadlines"] = [
        {
            "name": d.name,
            "label": d.label,
            "source": d.source,
            "extended": d.extended,
            "due": d.due.isoformat() if d.due else None,
            "pending_year": d.pending_year if d.due is None else None,
            "met_on": d.met_on.isoformat() if d.met_on else None,
            "status": str(d.status) if d.status else None,
        }
        for d in deadlines(sess, clue)
    ]
    actions = available(sess, current_user, clue)
    defaults = route_deadline.default_dues(actions, local_today(), calendar_for(sess))
    narrowed = {"extend.clock": route_deadline.extensible(clue.clocks or {})}
    body["actions"] = [
        {
            "trigger": t.trigger,
            "label": t.label,
            "approval": t.approval,
            "fields": [
                {
                    "name": f.name,
                    "label": f.label,
                    "kind": str(f.kind),
                    "required": f.required,
                    "choices": [c for c, _ in narrowed.get(f"{t.trigger}.{f.name}", f.choices)],
                    "hint": (f.not_past and defaults.get(t.trigger, {}).get("_hint")) or f.hint,
                    "default": defaults.get(t.trigger, {}).get(f.name) or None,
                    "not_past": f.not_past,
                }
                for f in t.fields
            ],
        }
        for t in actions
    ]
    return jsonify(body)


@bp.get("/clues/<int:clue_id>/timeline")
def clue_timeline(clue_id: int):
    sess = db_session()
    clue = get_clue(sess, current_user, clue_id)
    return jsonify(
        [
            {
                "at": log.at.isoformat(),
                "trigger": log.trigger,
                "from": log.from_state,
                "to": log.to_state,
                "actor_id": log.actor_id,
                "reason": log.reason,
            }
            for log in timeline(sess, current_user, clue)
        ]
    )


@bp.post("/clues/<int:clue_id>/transitions")
@unit_of_work()
def fire_transition(clue_id: int):
    sess = db_session()
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("trigger"), str):
        raise ValidationError("请求体须为 JSON 对象，并包含 trigger。")
    data = body.get("data") or {}
    version = body.get("version")
    if not isinstance(data, dict) or (version is not None and not isinstance(version, int)):
        raise ValidationError("data 须为对象，version 须为整数。")
    clue = get_clue(sess, current_user, clue_id)
    if body["trigger"] not in CLUE_LIFECYCLE.by_trigger:
        raise ValidationError(f"未知的操作“{body['trigger']}”。")
    # A refusal propagates to web/errors.py (structured JSON; unknown years recorded there).
    fire(sess, current_user, clue, body["trigger"], data, expected_version=version)
    return jsonify(clue_json(clue))


@bp.get("/openapi.json")
def openapi():
    return jsonify(SPEC)
