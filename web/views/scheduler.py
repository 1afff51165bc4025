"""Administrators: the scheduler's jobs, its lease, deliveries that failed, and the dry run
of today's reminders."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm

from config.database import utcnow
from config.errors import CalendarUnknown, ValidationError
from directory.permissions import Capability, require
from notifications.digest import business_date
from notifications.dry_run import parse_day, reminder_dry_run
from notifications.models import STATUS_LABELS, DeliveryStatus
from notifications.scheduler import LEASE_NAME, collect_jobs
from notifications.service import retry_delivery
from notifications.status import scheduler_status
from web.db import db_session
from web.unit_of_work import back_to, unit_of_work

bp = Blueprint("scheduler", __name__, url_prefix="/admin/scheduler")


class EmptyForm(FlaskForm):
    """CSRF only: for the retry buttons."""


@bp.route("")
def index():
    require(current_user, Capability.SYSTEM_MANAGE)
    status = scheduler_status(db_session(), current_user, collect_jobs(), lease_name=LEASE_NAME)
    return render_template(
        "inbox/scheduler.html",
        status=status,
        now=utcnow(),
        form=EmptyForm(),
        labels=STATUS_LABELS,
        statuses=list(DeliveryStatus),
    )


@bp.route("/dry-run")
def dry_run():
    """Who the reminder sweeps would remind on a day (``?date=``, default today in the office's
    time zone). A GET that reads only: the view never commits, and the service writes nothing."""
    require(current_user, Capability.SYSTEM_MANAGE)
    today = business_date(utcnow())
    raw = request.args.get("date", "")
    result, error, status, day = None, None, 200, today
    try:
        day = parse_day(raw, today)
        result = reminder_dry_run(db_session(), current_user, day)
    except ValidationError as err:
        error, status = err.message, 422
    except CalendarUnknown as err:
        # The page itself works; the alert says which year to confirm (nothing is recorded).
        error = err.message
    return render_template(
        "inbox/scheduler_dry_run.html",
        result=result,
        error=error,
        day=day,
        raw=raw if error else day.isoformat(),
    ), status


@bp.route("/deliveries/<int:delivery_id>/retry", methods=["POST"])
@unit_of_work(back_to("scheduler.index"))
def retry(delivery_id: int):
    require(current_user, Capability.SYSTEM_MANAGE)
    if not EmptyForm().validate_on_submit():
        flash("表单已过期，请刷新后重试。", "error")
        return redirect(url_for("scheduler.index"))
    sess = db_session()
    retry_delivery(sess, current_user, delivery_id)
    flash("已重新排入发送队列，将在一分钟内发送。", "success")
    return redirect(url_for("scheduler.index"))
