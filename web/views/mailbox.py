"""The mailbox queue (mailbox tips waiting for a clerk) and the quarantine of unreadable mail."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from cases.intake import clue_for_tip
from config.errors import DomainError
from directory.permissions import Capability, can
from tips.charsets import READING_CHOICES
from tips.mail import readable_fields, reading
from tips.mailbox import convert, dismiss, get_quarantined, original_of, raw_message
from tips.models import QuarantineStatus
from tips.queries.mailbox import mailbox_tips, quarantine_list, quarantine_waiting
from tips.service import NewTip, get_tip
from web.db import db_session
from web.tipsweb import accused_from, identity_from, vault
from web.unit_of_work import back_to, unit_of_work

bp = Blueprint("mailbox", __name__, url_prefix="/intake/mailbox")


def _require_intake() -> None:
    if not can(current_user, Capability.INTAKE):
        abort(403)


@bp.route("/")
def queue():
    _require_intake()
    sess = db_session()
    tips = mailbox_tips(sess, current_user)
    waiting = quarantine_waiting(sess, current_user)
    return render_template("intake/mailbox.html", tips=tips, quarantine_waiting=waiting)


@bp.route("/tips/<int:tip_id>/open", methods=["POST"])
@unit_of_work(back_to("mailbox.queue"), passthrough=(404,), context="邮件举报生成线索")
def open_tip(tip_id: int):
    """Open the clue for a mailbox tip, then decide on it like any other tip."""
    _require_intake()
    sess = db_session()
    tip = get_tip(sess, current_user, tip_id)
    if tip.clue_id is None:
        clue_for_tip(sess, current_user, tip)
    return redirect(url_for("intake.decision", tip_id=tip.id))


@bp.route("/quarantine")
def quarantine():
    _require_intake()
    sess = db_session()
    status = request.args.get("status", QuarantineStatus.OPEN)
    rows = quarantine_list(sess, current_user, status)
    return render_template("intake/quarantine.html", rows=rows, status=status)


def _quarantine_refused(_err: DomainError, item_id: int):
    """The message again with what the clerk typed (the refusal is flashed)."""
    return _render_quarantined(item_id)


@bp.route("/quarantine/<int:item_id>", methods=["GET", "POST"])
@unit_of_work(_quarantine_refused, passthrough=(404,))
def quarantined(item_id: int):
    _require_intake()
    sess = db_session()
    row = get_quarantined(sess, current_user, item_id)
    if request.method == "POST":
        form = request.form
        if form.get("action") == "dismiss":
            dismiss(sess, current_user, row, form.get("reason", ""))
            message = "已作不予处理，原始邮件仍保留。"
        else:
            tip = convert(
                sess,
                current_user,
                row,
                NewTip(
                    channel="mailbox",
                    content=form.get("content", ""),
                    summary=form.get("summary", ""),
                    meta={
                        "message_id": f"quarantine-{row.id}",
                        "subject": form.get("summary", ""),
                    },
                    accused_unit_name=form.get("accused_unit_name", ""),
                    accused=accused_from(form),
                    identity=identity_from(form),
                    message_id=f"quarantine-{row.id}@qingfeng.invalid",
                ),
                vault(),
            )
            message = f"已转为举报 #{tip.id}，见邮箱待登记。"
        flash(message, "success")
        return redirect(url_for("mailbox.quarantine"))
    return _render_quarantined(item_id)


def _render_quarantined(item_id: int):
    sess = db_session()
    row = get_quarantined(sess, current_user, item_id)
    raw = raw_message(sess, current_user, row, vault())
    # The clerk may read the original in another charset when the detector got it wrong.
    charset = request.args.get("charset", "")
    if charset not in dict(READING_CHOICES):
        charset = ""
    return render_template(
        "intake/quarantined.html",
        row=row,
        text=reading(raw, charset or None),
        charset=charset,
        choices=READING_CHOICES,
        form=request.form if request.method == "POST" else readable_fields(raw),
    )


@bp.route("/quarantine/<int:item_id>/raw")
def download_raw(item_id: int):
    _require_intake()
    sess = db_session()
    row = get_quarantined(sess, current_user, item_id)
    data = raw_message(sess, current_user, row, vault())
    return Response(
        data,
        mimetype="message/rfc822",
        headers={"Content-Disposition": f"attachment; filename=quarantine-{row.id}.eml"},
    )


@bp.route("/tips/<int:tip_id>/original.eml")
def original(tip_id: int):
    """The mail a tip was made from, byte for byte (kept encrypted; intake roles only)."""
    _require_intake()
    sess = db_session()
    tip = get_tip(sess, current_user, tip_id)
    data = original_of(sess, current_user, tip, vault())
    if data is None:
        abort(404)
    return Response(
        data,
        mimetype="message/rfc822",
        headers={
            "Content-Disposition": f"attachment; filename=tip-{tip.id}.eml",
            "Cache-Control": "no-store",
        },
    )
