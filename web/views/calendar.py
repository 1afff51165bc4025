"""Administrators keep the working-day calendar: years on record, alerts, entering a year."""

from __future__ import annotations

from datetime import date, datetime

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import Length, Optional

from config.errors import DomainError
from config.localtime import LOCAL_TZ
from directory.permissions import Capability, require
from web.db import db_session
from web.unit_of_work import back_to, unit_of_work
from workflow.calendar_models import CalendarYear, DayKind
from workflow.calendar_service import (
    MAX_YEAR,
    MIN_YEAR,
    calendar_alerts,
    format_day_lines,
    read_notice,
    set_year_from_notice,
    set_year_from_text,
    unconfirm_year,
    year_days,
    year_summaries,
)
from workflow.pending import pending_counts

bp = Blueprint("calendar", __name__, url_prefix="/admin/calendar")


class YearForm(FlaskForm):
    holidays = TextAreaField("放假日期（休息日）", validators=[Optional()])
    workdays = TextAreaField("调休上班日期（周六或周日上班）", validators=[Optional()])
    note = StringField(
        "依据（如：国办发明电〔2026〕×号）",
        validators=[Optional(), Length(max=500, message="依据最多 500 字。")],
    )


class NoticeForm(FlaskForm):
    text = TextAreaField(
        "通知全文",
        validators=[Length(max=20000, message="通知全文最多 20000 字。")],
    )


class UnconfirmForm(FlaskForm):
    pass


def local_today() -> date:
    return datetime.now(LOCAL_TZ).date()


@bp.route("/")
def index():
    require(current_user, Capability.CALENDAR_MANAGE)
    wanted = request.args.get("year", "").strip()
    if wanted:
        if wanted.isdigit() and MIN_YEAR <= int(wanted) <= MAX_YEAR:
            return redirect(url_for("calendar.edit", year=int(wanted)))
        flash(f"请输入 {MIN_YEAR}—{MAX_YEAR} 之间的年份。", "error")
    sess = db_session()
    alerts = calendar_alerts(sess, local_today())
    years = year_summaries(sess, current_user, [a.year for a in alerts])
    return render_template("calendar/index.html", alerts=alerts, years=years)


def _edit_refused(err: DomainError, year: int):
    row = db_session().get(CalendarYear, year)
    form = YearForm()
    return render_template(
        "calendar/edit.html", form=form, year=year, row=row, details=_details(err)
    ), err.status


@bp.route("/<int:year>", methods=["GET", "POST"])
@unit_of_work(_edit_refused)
def edit(year: int):
    require(current_user, Capability.CALENDAR_MANAGE)
    if not MIN_YEAR <= year <= MAX_YEAR:
        return redirect(url_for("calendar.index"))
    sess = db_session()
    row = sess.get(CalendarYear, year)
    form = YearForm()
    if request.method == "GET":
        days = year_days(sess, year)
        form.holidays.data = format_day_lines(days, DayKind.HOLIDAY)
        form.workdays.data = format_day_lines(days, DayKind.WORKDAY)
        form.note.data = row.note if row is not None and row.source == "admin" else ""
    details: list[str] = []
    if form.validate_on_submit():
        set_year_from_text(
            sess,
            current_user,
            year,
            form.holidays.data or "",
            form.workdays.data or "",
            form.note.data or "",
        )
        flash(f"{year} 年工作日历已保存并确认。", "success")
        return redirect(url_for("calendar.index"))
    status = 422 if form.errors else 200
    return render_template(
        "calendar/edit.html",
        form=form,
        year=year,
        row=row,
        details=details,
        unconfirm_form=UnconfirmForm(),
    ), status


@bp.route("/<int:year>/unconfirm", methods=["POST"])
@unit_of_work(back_to("calendar.index"))
def unconfirm(year: int):
    require(current_user, Capability.CALENDAR_MANAGE)
    form = UnconfirmForm()
    if form.validate_on_submit():
        unconfirm_year(db_session(), current_user, year)
        flash(
            f"已撤销 {year} 年工作日历的确认：落在该年的期限将暂停计算，直至重新确认。", "warning"
        )
    return redirect(url_for("calendar.index"))


def _details(err: DomainError) -> list[str]:
    """The lines of the pasted text that could not be read."""
    return [str(d) for d in list(err.details or [])]  # type: ignore[call-overload]


def _notice_page(form, year: int) -> dict:
    sess = db_session()
    waiting = sum(c.count for c in pending_counts(sess) if c.year == year)
    return dict(form=form, year=year, row=sess.get(CalendarYear, year), waiting=waiting)


def _notice_refused(err: DomainError, year: int):
    page = _notice_page(NoticeForm(), year)
    return render_template(
        "calendar/notice.html", **page, details=_details(err), parsed=None
    ), err.status


@bp.route("/<int:year>/notice", methods=["GET", "POST"])
@unit_of_work(_notice_refused)
def notice(year: int):
    """Paste the State Council notice, see the days it sets, confirm: all of it or nothing."""
    require(current_user, Capability.CALENDAR_MANAGE)
    if not MIN_YEAR <= year <= MAX_YEAR:
        return redirect(url_for("calendar.index"))
    sess = db_session()
    form = NoticeForm()
    page = _notice_page(form, year)
    waiting = page["waiting"]
    if not form.validate_on_submit():
        status = 422 if form.errors else 200
        return render_template("calendar/notice.html", **page, details=[], parsed=None), status
    text = form.text.data or ""
    if request.form.get("action") != "confirm":
        parsed = read_notice(text, year)
        return render_template("calendar/notice.html", **page, details=[], parsed=parsed)
    before = waiting
    set_year_from_notice(sess, current_user, year, text)
    left = sum(c.count for c in pending_counts(sess) if c.year == year)
    flash(
        f"{year} 年工作日历已按通知保存并确认；{before - left} 项待定的期限已自动计算，"
        "提醒将按期发送。",
        "success",
    )
    return redirect(url_for("calendar.index"))
