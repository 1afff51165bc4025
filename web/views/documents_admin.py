"""Administration of document types (文种) and their 文号 prefixes, and voiding numbers."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import DataRequired, Length

from config.database import utcnow
from config.errors import DomainError
from config.localtime import local_date
from directory.jurisdiction import get_visible_unit
from directory.models import OrgUnit
from directory.permissions import Capability, require
from directory.queries.units import document_bodies
from documents.numbers import TypeInput, save_type, void_number
from documents.register import TYPE_CODES, get_type, recent_numbers, visible_types
from web.db import db_session
from web.forms import options
from web.unit_of_work import back_to, unit_of_work

bp = Blueprint("documents_admin", __name__, url_prefix="/admin/documents")


def _text(label: str, limit: int) -> list:
    too_long = f"{label}不能超过{limit}字。"
    return [DataRequired(f"请填写{label}。"), Length(max=limit, message=too_long)]


class TypeForm(FlaskForm):
    body_id = SelectField("发文单位", coerce=int)
    code = SelectField("文种", choices=options(TYPE_CODES.items()))
    name = StringField("文种名称", validators=_text("文种名称", 100))
    prefix = StringField("文号前缀（机关代字）", validators=_text("文号前缀", 32))
    active = BooleanField("启用", default=True)


class VoidForm(FlaskForm):
    reason = StringField("作废原因", validators=_text("作废原因", 200))


def _bodies() -> list[OrgUnit]:
    return list(document_bodies(db_session(), current_user))


@bp.route("/types")
def types():
    rows = visible_types(db_session(), current_user)
    year = local_date(utcnow()).year
    return render_template("admin/document_types.html", rows=rows, codes=TYPE_CODES, year=year)


def _type_form(type_id: int | None):
    require(current_user, Capability.DIRECTORY_MANAGE)
    sess = db_session()
    row = get_type(sess, current_user, type_id) if type_id is not None else None
    form = TypeForm(obj=row)
    form.body_id.choices = options((b.id, "　" * b.depth + b.name) for b in _bodies())
    numbers = recent_numbers(sess, row) if row is not None else []
    return form, row, numbers


def _page(form, row, numbers):
    return render_template(
        "admin/document_type_form.html", form=form, row=row, numbers=numbers, void=VoidForm()
    )


def _type_refused(err: DomainError, type_id: int | None = None):
    return _page(*_type_form(type_id)), err.status


@bp.route("/types/new", methods=["GET", "POST"])
@bp.route("/types/<int:type_id>", methods=["GET", "POST"])
@unit_of_work(_type_refused, passthrough=(403, 404))
def type_form(type_id: int | None = None):
    sess = db_session()
    form, row, numbers = _type_form(type_id)
    if form.validate_on_submit():
        body_id = row.body_id if row is not None else form.body_id.data
        code = row.code if row is not None else form.code.data
        body = get_visible_unit(sess, current_user, body_id)
        data = TypeInput(code, form.name.data, form.prefix.data, bool(form.active.data))
        save_type(sess, current_user, body, data)
        flash("文种已保存。", "success")
        return redirect(url_for("documents_admin.types"))
    status = 422 if form.errors else 200
    return _page(form, row, numbers), status


@bp.route("/numbers/<int:number_id>/void", methods=["POST"])
@unit_of_work(back_to("documents_admin.types"), passthrough=(403, 404))
def void(number_id: int):
    # CSRF is checked app-wide; the service checks permission, jurisdiction, then the reason.
    row = void_number(db_session(), current_user, number_id, request.form.get("reason", ""))
    flash(f"文号{row.text}已作废，不再使用。", "success")
    return redirect(url_for("documents_admin.type_form", type_id=row.type_id))
