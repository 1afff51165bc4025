"""JSON API for tips: create (a tip and its received clue), read one, list with filters.

Session auth for now; a POST needs the CSRF token in the ``X-CSRFToken`` header like any
form. Errors are the structured ones of ``web/errors.py``. The reporter's identity is
never returned here (reveals happen on the tip page, logged).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, request
from flask_login import current_user

from cases.intake import intake
from config.errors import ValidationError
from directory.jurisdiction import get_visible_unit
from tips.models import Tip
from tips.service import AccusedPerson, Identity, NewTip, get_tip, tips_query
from web.db import db_session
from web.extensions import csrf_unless_token
from web.tipsweb import vault
from web.unit_of_work import unit_of_work
from web.views.tips import _day

bp = Blueprint("tips_api", __name__, url_prefix="/api/tips")
bp.before_request(csrf_unless_token)


def tip_json(tip: Tip) -> dict[str, Any]:
    return {
        "id": tip.id,
        "channel": tip.channel,
        "unit_id": tip.unit_id,
        "summary": tip.summary,
        "content": tip.content,
        "meta": tip.meta,
        "accused_unit_id": tip.accused_unit_id,
        "accused_unit_text": tip.accused_unit_text,
        "accused": [{"name": a.name, "post": a.post} for a in tip.accused],
        "named": tip.named,
        "has_identity": tip.identity_token is not None,
        "status": tip.status,
        "clue_id": tip.clue_id,
        "received_at": tip.received_at.isoformat(),
        "attachments": [
            {"id": a.id, "filename": a.filename, "content_type": a.content_type, "size": a.size}
            for a in tip.attachments
        ],
        "rejected_files": tip.rejected_files,
    }


@bp.route("", methods=["POST"])
@unit_of_work()  # a refusal: nothing half-written, web/errors.py renders the structured error
def create():
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ValidationError("请求体须为 JSON 对象。")
    sess = db_session()
    try:
        unit_id = int(body.get("unit_id") or current_user.unit_id)
        raw_identity = body.get("identity") or {}
        new = NewTip(
            channel=str(body.get("channel", "")),
            content=str(body.get("content", "")),
            summary=str(body.get("summary", "")),
            meta=dict(body.get("meta") or {}),
            accused_unit_name=str(body.get("accused_unit_name", "")),
            accused=[
                AccusedPerson(str(p.get("name", "")), str(p.get("post", "other")))
                for p in body.get("accused") or []
            ],
            named=bool(body.get("named")),
            identity=Identity(**{k: str(v) for k, v in raw_identity.items()}),
        )
    except (TypeError, ValueError, AttributeError) as err:
        raise ValidationError("请求数据格式不正确。") from err
    unit = get_visible_unit(sess, current_user, unit_id)
    category = str(body.get("category") or "other")
    tip, clue = intake(sess, current_user, unit, new, vault(), category=category)
    return {"tip": tip_json(tip), "clue_id": clue.id}, 201


@bp.route("/<int:tip_id>")
def show(tip_id: int):
    return {"tip": tip_json(get_tip(db_session(), current_user, tip_id))}


@bp.route("")
def index():
    sess = db_session()
    args = request.args
    stmt = tips_query(
        sess,
        current_user,
        channel=args.get("channel") or None,
        since=_day(args.get("since")),
        until=_day(args.get("until"), end=True),
        registered={"true": True, "false": False}.get(args.get("registered", "")),
    )
    try:
        limit = min(max(int(args.get("limit", "100")), 1), 500)
    except ValueError as err:
        raise ValidationError("limit 须为整数。") from err
    tips = sess.scalars(stmt.limit(limit)).all()
    return {"tips": [tip_json(t) for t in tips], "count": len(tips)}
