"""The duplicate check while the clerk types: the desk form's panel and the API.

POST /intake/similar (form fields of the desk, CSRF token in the form) and
POST /api/intake/similar (JSON; a session cookie needs X-CSRFToken, a token does not).
Both answer JSON: ``{"items": [...]}``; text of tips outside the clerk's jurisdiction is
never returned.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, request, url_for
from flask_login import current_user

from cases.intake_check import similar_tips
from config.errors import ValidationError
from config.localtime import local_date
from directory.jurisdiction import get_visible_unit
from web.db import db_session
from web.views.api import csrf_unless_token

bp = Blueprint("intake_check", __name__)
api_bp = Blueprint("intake_check_api", __name__, url_prefix="/api/intake")
api_bp.before_request(csrf_unless_token)


def _answer(unit_id: Any, content: Any, names: list[Any], institution: Any) -> dict:
    try:
        unit_ref = int(unit_id) if unit_id not in (None, "") else current_user.unit_id
    except (TypeError, ValueError):
        raise ValidationError("受理单位无效。", details={"unit_id": "invalid"}) from None
    sess = db_session()
    unit = get_visible_unit(sess, current_user, unit_ref)
    items = similar_tips(
        sess,
        current_user,
        unit,
        str(content or ""),
        accused_names=[str(n) for n in names if n],
        accused_unit_name=str(institution or "")[:200],
    )
    return {
        "items": [
            {
                "score": s.score,
                "body": s.body_name,
                "received_on": f"{local_date(s.received_at):%Y年%m月%d日}",
                "reference": s.reference,
                "visible": s.visible,
                "summary": s.summary,
                "reasons": s.reasons,
                "url": url_for("clues.show", clue_id=s.clue_id) if s.clue_id else None,
            }
            for s in items
        ]
    }


@bp.route("/intake/similar", methods=["POST"])
def desk_similar():
    form = request.form
    return _answer(
        form.get("unit_id"),
        form.get("content"),
        form.getlist("accused_name"),
        form.get("accused_unit_name"),
    )


@api_bp.route("/similar", methods=["POST"])
def api_similar():
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ValidationError("请求体须为 JSON 对象。")
    names = body.get("accused_names") or []
    if not isinstance(names, list):
        raise ValidationError("accused_names 须为列表。", details={"accused_names": "list"})
    return _answer(body.get("unit_id"), body.get("content"), names, body.get("accused_unit_name"))
