"""JSON API for obligations and submissions: list, read, save a draft, submit; and for
the body above, accept or return (with a reason) what was submitted.

Errors are structured (``{"error": {"code", "message", "details"}}``, see ``web.errors``);
a refused save lists every cell with its rule. POSTs carry the CSRF token in the
``X-CSRFToken`` header, like any other request made with the user's session cookie.
"""

from __future__ import annotations

from flask import Blueprint, request
from flask_login import current_user

from config.errors import ValidationError
from reporting.filing import note_opened
from reporting.models import Obligation, Submission, SubmissionState
from reporting.queries.obligations import listed_obligations
from reporting.sending import send_typed
from reporting.submissions import (
    fire,
    get_obligation,
    get_submission,
    latest_submission,
    save_draft,
    send_trigger,
    start_draft,
)
from web.db import db_session
from web.extensions import csrf_unless_token
from web.unit_of_work import unit_of_work

bp = Blueprint("reporting_api", __name__, url_prefix="/api")
bp.before_request(csrf_unless_token)


def _obligation(ob: Obligation, latest: Submission | None) -> dict:
    return {
        "id": ob.id,
        "unit": {"id": ob.unit_id, "name": ob.unit.name},
        "form": ob.form_code,
        "period": {"start": ob.period_start.isoformat(), "end": ob.period_end.isoformat()},
        "period_label": ob.period_label,
        "due_on": ob.due_on.isoformat() if ob.due_on else None,
        "calendar_unknown": ob.calendar_unknown,
        "unknown_year": ob.unknown_year,
        "state": ob.state,
        "late": ob.late,
        "submission_id": latest.id if latest else None,
    }


def _submission(sub: Submission) -> dict:
    return {
        "id": sub.id,
        "obligation_id": sub.obligation_id,
        "form": sub.form_code,
        "number": sub.number,
        "previous_id": sub.previous_id,
        "state": sub.state,
        "version": sub.version,
        "late": sub.late,
        "values": sub.values,
        "return_reason": sub.return_reason,
        "submitted_at": sub.submitted_at.isoformat() if sub.submitted_at else None,
        "accepted_at": sub.accepted_at.isoformat() if sub.accepted_at else None,
        "opened_at": sub.opened_at.isoformat() if sub.opened_at else None,
    }


@bp.get("/obligations")
def list_obligations():
    """The actor's own unit's obligations; ``?scope=below`` for the units they may read."""
    sess = db_session()
    below = request.args.get("scope") == "below"
    rows = listed_obligations(sess, current_user, below=below, form=request.args.get("form"))
    return {"obligations": [_obligation(ob, latest_submission(sess, ob)) for ob in rows]}


@bp.get("/obligations/<int:obligation_id>")
def read_obligation(obligation_id: int):
    sess = db_session()
    ob = get_obligation(sess, current_user, obligation_id)
    return _obligation(ob, latest_submission(sess, ob))


@bp.post("/obligations/<int:obligation_id>/draft")
@unit_of_work()
def create_draft(obligation_id: int):
    sess = db_session()
    sub = start_draft(sess, current_user, get_obligation(sess, current_user, obligation_id))
    return _submission(sub), 201


@bp.get("/submissions/<int:submission_id>")
@unit_of_work()
def read_submission(submission_id: int):
    """One submission; a reviewer's first reading counts as opening it (no more 撤回)."""
    sess = db_session()
    sub = get_submission(sess, current_user, submission_id)
    note_opened(sess, current_user, sub)
    return _submission(sub)


@bp.put("/submissions/<int:submission_id>")
@unit_of_work()
def save_submission(submission_id: int):
    """Save a draft: ``{"values": {"row|col": value}, "version": n}``."""
    sess = db_session()
    sub = get_submission(sess, current_user, submission_id)
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("values"), dict):
        raise ValidationError('请求体应为 {"values": {"行|列": 数值}}。')
    signatures = {k: str(body[k]) for k in ("leader_name", "filler_name", "contact") if k in body}
    version = body.get("version")
    save_draft(
        sess,
        current_user,
        sub,
        body["values"],
        signatures=signatures,
        expected_version=int(version) if isinstance(version, int) else None,
    )
    return _submission(sub)


_SEND_KEYS = frozenset(
    {"values", "version", "leader_name", "filler_name", "contact", "zero_report"}
)


@bp.post("/submissions/<int:submission_id>/<any(submit, resubmit):trigger>")
@unit_of_work()
def submit_submission(submission_id: int, trigger: str):
    """报送 / 重新报送. A body with ``values`` saves them first with every check of a save
    (the same cell messages as ``PUT``), then sends; a refusal leaves nothing changed."""
    sess = db_session()
    sub = get_submission(sess, current_user, submission_id)
    body = request.get_json(silent=True) if request.get_data() else {}
    if not isinstance(body, dict) or set(body) - _SEND_KEYS:
        raise ValidationError(
            '请求体应为 {"values": {"行|列": 数值}, "version": 版本号, "zero_report": false}，'
            "或为空。"
        )
    values, version, zero = body.get("values"), body.get("version"), body.get("zero_report", False)
    if values is not None and not isinstance(values, dict):
        raise ValidationError("values 须为对象。", details={"values": "not an object"})
    if version is not None and (not isinstance(version, int) or isinstance(version, bool)):
        raise ValidationError("version 须为整数。", details={"version": "not an integer"})
    if not isinstance(zero, bool):
        raise ValidationError(
            "zero_report 须为 true 或 false。", details={"zero_report": "not a bool"}
        )
    signatures = {k: str(body[k]) for k in ("leader_name", "filler_name", "contact") if k in body}
    if trigger != send_trigger(sub):
        fire(sess, current_user, sub, trigger)  # refused with the state's own message
    send_typed(
        sess,
        current_user,
        sub,
        values,
        signatures=signatures,
        expected_version=version,
        zero_report=zero,
    )
    return _submission(sub)


@bp.post("/submissions/<int:submission_id>/withdraw")
@unit_of_work()
def withdraw_submission(submission_id: int):
    """撤回: ``{"version": n}`` (optional); refused once a reviewer has opened it."""
    sess = db_session()
    sub = get_submission(sess, current_user, submission_id)
    body = request.get_json(silent=True) if request.get_data() else {}
    if not isinstance(body, dict) or set(body) - {"version"}:
        raise ValidationError('请求体应为 {"version": 版本号}，或为空。')
    version = body.get("version")
    if version is not None and (not isinstance(version, int) or isinstance(version, bool)):
        raise ValidationError("version 须为整数。", details={"version": "not an integer"})
    trigger = "withdraw_resubmission" if sub.state == SubmissionState.RESUBMITTED else "withdraw"
    fire(sess, current_user, sub, trigger, expected_version=version)
    return _submission(sub)


@bp.post("/submissions/<int:submission_id>/accept")
@unit_of_work()
def accept_submission(submission_id: int):
    """审核接收: ``{"reason": "审核意见（选填）", "version": n}``; the form is then locked."""
    return _review(submission_id, "accept")


@bp.post("/submissions/<int:submission_id>/return")
@unit_of_work()
def return_submission(submission_id: int):
    """退回修改: ``{"reason": "退回理由", "version": n}``; the filler sees the reason."""
    return _review(submission_id, "send_back")


def _review(submission_id: int, trigger: str):
    """The review steps of the review page (``reporting.submissions.fire``): the service
    checks that the actor reviews for the body directly above the submitting unit."""
    sess = db_session()
    sub = get_submission(sess, current_user, submission_id)
    body = request.get_json(silent=True) if request.get_data() else {}
    if not isinstance(body, dict) or set(body) - {"reason", "version"}:
        raise ValidationError('请求体应为 {"reason": "理由", "version": 版本号}。')
    reason, version = body.get("reason"), body.get("version")
    if reason is not None and not isinstance(reason, str):
        raise ValidationError("reason 须为字符串。", details={"reason": "not a string"})
    if version is not None and (not isinstance(version, int) or isinstance(version, bool)):
        raise ValidationError("version 须为整数。", details={"version": "not an integer"})
    fire(sess, current_user, sub, trigger, {"reason": reason}, expected_version=version)
    return _submission(sub)
