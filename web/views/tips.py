"""The tip list with filters, a tip's page, revealing the reporter (logged), attachments,
and the office's answers to a portal reporter."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from sqlalchemy import select

from cases.models import Clue
from config.errors import DomainError
from config.filenames import client_filename
from directory.models import User
from tips.attachments import path_of
from tips.channels import CHANNEL_FIELDS, CHANNELS
from tips.models import PortalMessage, TipAttachment
from tips.portal import office_reply
from tips.service import can_reveal, get_tip, reveal_identity, reveal_log, tips_query
from web.db import db_session
from web.tipsweb import settings, vault

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
    return datetime.combine(day, time(), ZoneInfo(settings().timezone))


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
    clue = sess.get(Clue, tip.clue_id) if tip.clue_id else None
    messages = sess.scalars(
        select(PortalMessage).where(PortalMessage.tip_id == tip.id).order_by(PortalMessage.id)
    ).all()
    logs = reveal_log(sess, current_user, tip) if tip.identity_token else []
    names = dict(
        sess.execute(
            select(User.id, User.display_name).where(User.id.in_({r.user_id for r in logs}))
        ).all()
    )
    return render_template(
        "tips/show.html",
        tip=tip,
        clue=clue,
        channels=CHANNELS,
        fields=CHANNEL_FIELDS.get(tip.channel, ()),
        may_reveal=can_reveal(sess, current_user, tip),
        identity=identity,
        reveals=logs if can_reveal(sess, current_user, tip) else [],
        messages=messages,
        names=names,
    ), status


@bp.route("/<int:tip_id>")
def show(tip_id: int):
    sess = db_session()
    return _render_tip(sess, get_tip(sess, current_user, tip_id))


@bp.route("/<int:tip_id>/reveal", methods=["POST"])
def reveal(tip_id: int):
    """Shown once on this response (never put in the session or a redirect)."""
    sess = db_session()
    tip = get_tip(sess, current_user, tip_id)
    identity = reveal_identity(
        sess, current_user, tip, vault().keyring, request.form.get("purpose", "")
    )
    sess.commit()
    response, status = _render_tip(sess, tip, identity)
    return response, status, {"Cache-Control": "no-store"}


@bp.route("/<int:tip_id>/attachments/<int:attachment_id>")
def attachment(tip_id: int, attachment_id: int):
    sess = db_session()
    tip = get_tip(sess, current_user, tip_id)
    record = sess.get(TipAttachment, attachment_id)
    if record is None or record.tip_id != tip.id:
        abort(404)
    return send_file(
        path_of(record, vault().upload_dir),
        mimetype=record.content_type,
        as_attachment=True,
        download_name=client_filename(record.filename, "附件"),  # rows stored before the rule
    )


@bp.route("/<int:tip_id>/reply", methods=["POST"])
def reply(tip_id: int):
    sess = db_session()
    tip = get_tip(sess, current_user, tip_id)
    # Answered from the clue page or the tip page: go back where the clerk was.
    back = (
        url_for("clues.show", clue_id=tip.clue_id)
        if request.args.get("back") == "clue" and tip.clue_id
        else url_for("tips.show", tip_id=tip_id)
    )
    try:
        office_reply(sess, current_user, tip, request.form.get("body", ""))
    except DomainError as err:
        sess.rollback()
        flash(err.message, "error")
        return redirect(back)
    sess.commit()
    flash("已回复举报人（举报人凭查询码可见）。", "success")
    return redirect(back)
