"""The public portal (no sign-in): report a tip, get a receipt code, later see the public
status and exchange messages with the office. Works without JavaScript; CSRF-protected;
rate-limited per client (``tips.portal.allow``, DB-backed)."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from campaigns.service import public_notices
from cases.intake import intake
from cases.portal import portal_progress
from config.errors import DomainError
from config.reference import POSTS
from documents.bulletins import public as public_bulletins
from documents.bulletins import public_one as public_bulletin
from tips.portal import (
    LOOKUP_LIMIT,
    SUBMIT_LIMIT,
    allow,
    client_bucket,
    find_by_code,
    format_code,
    new_receipt_code,
    public_messages,
    public_status,
    receipt_hash,
    reporter_message,
)
from tips.portal_contacts import portal_contacts
from tips.routing import chosen_unit, portal_directory, receiving_body
from tips.service import Identity, NewTip
from web.db import db_session
from web.errors import public_message
from web.tipsweb import accused_from, identity_from, settings, uploads, vault
from web.unit_of_work import commit_now, unit_of_work
from workflow.engine import local_today

bp = Blueprint("portal", __name__, url_prefix="/portal")
NO_STORE = {"Cache-Control": "no-store"}
INVALID_CODE = "查询码无效。请核对 16 位数字后重新输入。"
THROTTLED = "查询过于频繁，请稍后再试。"


def _allowed(kind: str, limit) -> bool:
    """Count this request; the hit is committed at once so a failed attempt still counts."""
    sess = db_session()
    cfg = settings()
    ok = allow(sess, client_bucket(cfg.secret_key, kind, request.remote_addr or "?"), limit)
    commit_now()
    return ok


@bp.route("/")
def index():
    return _form({})


def _form(form, error=None, invalid=None):
    return render_template(
        "portal/index.html",
        posts=POSTS,
        form=form,
        notices=_notices(),
        contacts=portal_contacts(db_session()),
        bulletins=public_bulletins(db_session()),
        directory=portal_directory(db_session()),
        error=error,
        invalid=invalid,
    )


@bp.route("/bulletins/<int:bulletin_id>")
def bulletin(bulletin_id: int):
    """A published 通报, as issued (its cases were anonymised before it was issued)."""
    b = public_bulletin(db_session(), bulletin_id)
    return render_template("portal/bulletin.html", b=b)


def _notices():
    """Published notices of campaigns still running (专项行动公告), newest first."""
    return public_notices(db_session(), local_today())


def _report_refused(err: DomainError):
    """The form again with everything typed, the message and the inputs it names."""
    status = 500 if err.status >= 500 else 422
    return _form(request.form, public_message(err), invalid=invalid_inputs(err.details)), status


@bp.route("/report", methods=["POST"])
@unit_of_work(_report_refused, passthrough=(), context="网络举报", flash_error=False)
def report():
    if not _allowed("submit", SUBMIT_LIMIT):
        return render_template("portal/message.html", message="提交过于频繁，请一小时后再试。"), 429
    sess = db_session()
    form = request.form
    code = new_receipt_code()
    cfg = settings()
    # Filed with the body that supervises the unit named (tips.routing), so it lands
    # in a queue somebody works.
    typed = form.get("accused_unit_name", "")
    named = chosen_unit(sess, form.get("accused_unit_id", ""), typed)
    tip, _clue = intake(
        sess,
        None,
        receiving_body(sess, cfg, named),
        NewTip(
            channel="portal",
            content=form.get("content", ""),
            accused_unit_id=named.id if named else None,
            accused_unit_name=typed or (named.name if named else ""),
            accused=accused_from(form),
            named=form.get("named") == "y",
            # 匿名: a name or phone typed before switching is not kept (the page clears
            # them too); an e-mail stays, for the reporter's own receipt of replies.
            identity=identity_from(form)
            if form.get("named") == "y"
            else Identity(email=form.get("reporter_email", "").strip()),
            attachments=uploads(),
            receipt_hash=receipt_hash(cfg.secret_key, code),
        ),
        vault(),
    )
    return (
        render_template("portal/receipt.html", code=format_code(code), rejected=tip.rejected_files),
        200,
        NO_STORE,
    )


# The service names a field by its key; the form's input for it.
_INPUT_OF = {
    "content": "content",
    "accused_unit_name": "accused_unit_name",
    "accused": "accused_name",
    "identity.name": "reporter_name",
    "identity.phone": "reporter_phone",
    "identity.email": "reporter_email",
}


def invalid_inputs(details: object) -> set[str]:
    """The ids of the inputs a domain error's details name (marked ``aria-invalid``)."""
    keys = details if isinstance(details, dict) else {}
    found = set()
    for key in keys:
        for prefix, input_id in _INPUT_OF.items():
            if key == prefix or key.startswith(prefix + "."):
                found.add(input_id)
    return found


def _message_refused(err: DomainError):
    """The status page again with the message why the reporter's note was refused."""
    sess = db_session()
    code = request.form.get("code", "")
    tip = find_by_code(sess, settings().secret_key, code)
    if tip is None:
        return None
    return _status_page(sess, tip, code, error=public_message(err))


@bp.route("/status", methods=["GET", "POST"])
@unit_of_work(_message_refused, passthrough=(), flash_error=False)
def status():
    if request.method == "GET":
        return render_template("portal/status.html", tip=None)
    if not _allowed("lookup", LOOKUP_LIMIT):
        return render_template("portal/status.html", tip=None, error=THROTTLED), 429
    sess = db_session()
    code = request.form.get("code", "")
    tip = find_by_code(sess, settings().secret_key, code)
    if tip is None:
        return render_template("portal/status.html", tip=None, error=INVALID_CODE), 200, NO_STORE
    if request.form.get("body") is not None:
        reporter_message(sess, tip, request.form.get("body", ""))
        return _status_page(sess, tip, code, notice="留言已发送。")
    return _status_page(sess, tip, code)


def _status_page(sess, tip, code, *, error=None, notice=None):
    progress = portal_progress(sess, tip)
    return (
        render_template(
            "portal/status.html",
            tip=tip,
            code=code,
            public_status=public_status(tip, progress),
            replies=progress.replies if progress else (),
            messages=public_messages(sess, tip),
            error=error,
            notice=notice,
        ),
        200,
        NO_STORE,
    )
