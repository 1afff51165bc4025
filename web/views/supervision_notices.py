"""督查通报: supervision results published to the bodies below (supervision.notices)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from config.errors import DomainError
from directory.permissions import Capability, can
from notifications.notice_messages import tell_below
from supervision.lookback import previous_quarter
from supervision.notices import FIELDS, draft, get_notice, notices_for, publish
from web.db import db_session
from web.unit_of_work import unit_of_work
from workflow.engine import local_today

bp = Blueprint("supervision_notices", __name__, url_prefix="/supervision/notices")


def _page(values: dict[str, str], errors: dict[str, str], status: int) -> ResponseReturnValue:
    sess = db_session()
    return (
        render_template(
            "supervision/notices.html",
            notices=notices_for(sess, current_user),
            form={"fields": FIELDS},
            values=values,
            errors=errors,
            may_publish=can(current_user, Capability.SUPERVISE),
        ),
        status,
    )


@bp.route("/")
def index() -> ResponseReturnValue:
    values: dict[str, str] = {}
    if can(current_user, Capability.SUPERVISE):
        period = request.args.get("period", "")[:8] or previous_quarter(local_today())[0]
        made = draft(db_session(), current_user, period, local_today())
        values = {"period": made.period, "title": made.title, "body": made.body}
    return _page(values, {}, 200)


def _again(err: DomainError, **_: object) -> ResponseReturnValue:
    values = request.form.to_dict()
    values.pop("csrf_token", None)
    return _page(values, err.details if isinstance(err.details, dict) else {}, err.status)


@bp.route("/", methods=["POST"])
@unit_of_work(_again, passthrough=())
def publish_view() -> ResponseReturnValue:
    values = request.form.to_dict()
    values.pop("csrf_token", None)
    sess = db_session()
    notice = publish(sess, current_user, values)
    tell_below(sess, notice)
    flash("督查情况通报已发布，下级单位领导已收到提醒。", "success")
    return redirect(url_for("supervision_notices.show", notice_id=notice.id))


@bp.route("/<int:notice_id>")
def show(notice_id: int) -> ResponseReturnValue:
    notice = get_notice(db_session(), current_user, notice_id)
    return render_template("supervision/notice.html", notice=notice)
