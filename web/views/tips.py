"""The tip list with filters, a tip's page, revealing the reporter (logged), attachments,
and the office's answers to a portal reporter."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from cases.attachments import purged_message
from cases.queries.tip_page import tip_page
from config.errors import DomainError, NotFound
from config.filenames import client_filename
from config.localtime import LOCAL_TZ
from tips import custody
from tips.channels import CHANNEL_FIELDS, CHANNELS
from tips.models import TipAttachment
from tips.portal import office_reply
from tips.service import can_reveal, get_tip, reveal_identity, tips_query
from web.db import db_session
from web.files import file_store, send_bytes
from web.tipsweb import settings, vault
from web.unit_of_work import back_to, unit_of_work

bp = Blueprint("tips", __name__, url_prefix="/tips")


def _day(value: str | None, *, end: bool = False) -> datetime | None:
    if not value:
        return None
    try:
        day = datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        return None
    if end:
        day += timedelta(days=1)
    return datetime.combine(day, time(), LOCAL_TZ)


@bp.route("/")
def index():
    sess = db_session()
    args = request.args
    registered = {"yes": True, "no": False}.get(args.get("registered", ""))
    stmt = tips_query(
        sess,
        current_user,
        channel=args.get("channel") or None,
        since=_day(args.get("since")),
        until=_day(args.get("until"), end=True),
        registered=registered,
    )
    tips = sess.scalars(stmt.limit(300)).all()
    return render_template("tips/index.html", tips=tips, channels=CHANNELS, args=args)


def _render_tip(sess, tip, identity=None, status=200):
    page = tip_page(sess, current_user, tip, two_person=settings().reveal_two_person)
    return render_template(
        "tips/show.html",
        tip=tip,
        clue=page.clue,
        channels=CHANNELS,
        fields=CHANNEL_FIELDS.get(tip.channel, ()),
        may_reveal=page.may_reveal,
        two_person=page.two_person,
        approval=page.approval,
        reveal_requests=page.requests,
        request_labels=custody.STATUS_LABELS,
        identity=identity,
        reveals=page.reveals,
        messages=page.messages,
        names=page.names,
    ), status


@bp.route("/<int:tip_id>")
def show(tip_id: int):
    sess = db_session()
    return _render_tip(sess, get_tip(sess, current_user, tip_id))


def _never_reveals(err: DomainError, tip_id: int, **_kw) -> bool:
    """A refusal for a role that never sees the reporter is the 403 page; one for a role
    that may (the two-person rule: no approval yet) is a message on the tip's page."""
    sess = db_session()
    return err.status == 404 or not can_reveal(
        sess, current_user, get_tip(sess, current_user, tip_id)
    )


@bp.route("/<int:tip_id>/reveal", methods=["POST"])
@unit_of_work(back_to("tips.show", "tip_id"), passthrough=_never_reveals)
def reveal(tip_id: int):
    """Shown once on this response (never put in the session or a redirect)."""
    sess = db_session()
    tip = get_tip(sess, current_user, tip_id)
    identity = reveal_identity(
        sess,
        current_user,
        tip,
        vault().keyring,
        request.form.get("purpose", ""),
        two_person=settings().reveal_two_person,
    )
    response, status = _render_tip(sess, tip, identity)
    return response, status, {"Cache-Control": "no-store"}


@bp.route("/<int:tip_id>/attachments/<int:attachment_id>")
def attachment(tip_id: int, attachment_id: int):
    sess = db_session()
    tip = get_tip(sess, current_user, tip_id)
    record = sess.get(TipAttachment, attachment_id)
    if record is None or record.tip_id != tip.id:
        abort(404)
    if record.purged_at is not None:
        raise NotFound(purged_message(record.purged_at))
    data = file_store().get(sess, record.stored_name)
    return send_bytes(
        data, record.content_type, client_filename(record.filename, "附件")
    )  # rows stored before the rule


@bp.route("/<int:tip_id>/attachments/<int:attachment_id>/original", methods=["POST"])
@unit_of_work(back_to("tips.show", "tip_id"), passthrough=_never_reveals)
def original(tip_id: int, attachment_id: int):
    """The photo as received (EXIF, GPS…): may name the reporter, so it is a logged reveal.
    The reveal is committed (logged) before the file leaves: the response is sent after."""
    sess = db_session()
    tip = get_tip(sess, current_user, tip_id)
    record = custody.original_attachment(
        sess, current_user, tip, attachment_id, settings().reveal_two_person
    )
    if record.purged_at is not None or record.original_name is None:
        raise NotFound(purged_message(record.purged_at or record.created_at))
    data = file_store().get(sess, record.original_name)
    return send_bytes(data, record.content_type, "原始文件-" + record.filename)


@bp.route("/<int:tip_id>/reveal-requests", methods=["POST"])
@unit_of_work(back_to("tips.show", "tip_id"))
def request_reveal(tip_id: int):
    sess = db_session()
    tip = get_tip(sess, current_user, tip_id)
    custody.request_reveal(sess, current_user, tip, request.form.get("purpose", ""))
    flash("已提交查看申请，须由另一名领导批准后方可查看。", "success")
    return redirect(url_for("tips.show", tip_id=tip_id))


@bp.route("/<int:tip_id>/reveal-requests/<int:request_id>", methods=["POST"])
@unit_of_work(back_to("tips.show", "tip_id"))
def decide_reveal(tip_id: int, request_id: int):
    sess = db_session()
    tip = get_tip(sess, current_user, tip_id)
    approve = request.form.get("decision") == "approve"
    found = custody.decide_reveal(sess, current_user, request_id, approve=approve)
    if found.tip_id != tip.id:
        raise NotFound("未找到该查看申请。")
    flash("已批准查看申请。" if approve else "已拒绝查看申请。", "success")
    return redirect(url_for("tips.show", tip_id=tip_id))


def _reply_back(_err: DomainError | None = None, *, tip_id: int):
    """Answered from the clue page or the tip page: go back where the clerk was."""
    tip = get_tip(db_session(), current_user, tip_id)
    if request.args.get("back") == "clue" and tip.clue_id:
        return redirect(url_for("clues.show", clue_id=tip.clue_id))
    return redirect(url_for("tips.show", tip_id=tip_id))


@bp.route("/<int:tip_id>/reply", methods=["POST"])
@unit_of_work(_reply_back, passthrough=(404,))
def reply(tip_id: int):
    sess = db_session()
    tip = get_tip(sess, current_user, tip_id)
    office_reply(sess, current_user, tip, request.form.get("body", ""))
    flash("已回复举报人（举报人凭查询码可见）。", "success")
    return _reply_back(tip_id=tip_id)
