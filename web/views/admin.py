"""Administration of users and the org directory."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Optional

from config.errors import DomainError
from config.reference import CATEGORY_LABELS, GRADE_LABELS, OWNERSHIP_LABELS
from directory.importer import import_directory
from directory.jurisdiction import get_visible_unit
from directory.models import UNIT_KIND_LABELS, UnitKind, User
from directory.permissions import Capability, require
from directory.queries.units import visible_units, visible_users
from directory.roles import ROLE_LABELS, Role
from directory.service import InstitutionAttrs, create_unit, create_user, update_unit, update_user
from directory.totp import reset_totp, totp_enabled
from web.db import db_session
from web.forms import options
from web.unit_of_work import back_to, unit_of_work

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _visible_units():
    return visible_units(db_session(), current_user)


def _unit_choices():
    return options((u.id, "　" * u.depth + u.name) for u in _visible_units())


class UserForm(FlaskForm):
    username = StringField("用户名", validators=[DataRequired("请输入用户名。")])
    display_name = StringField("姓名", validators=[DataRequired("请输入姓名。")])
    role = SelectField(
        "角色", choices=options((r.value, label) for r, label in ROLE_LABELS.items())
    )
    unit_id = SelectField("所属单位", coerce=int)
    email = EmailField("电子邮箱", validators=[Optional()])
    phone = StringField("手机号码", validators=[Optional()])
    active = BooleanField("启用", default=True)
    password = PasswordField("密码（至少 10 位，含字母和数字）")


@bp.route("/users")
def users():
    require(current_user, Capability.DIRECTORY_MANAGE)
    return render_template("admin/users.html", users=visible_users(db_session(), current_user))


def _user_form(user_id: int | None):
    """The user form (bound to what was posted) and the user it edits, if any."""
    require(current_user, Capability.DIRECTORY_MANAGE)
    sess = db_session()
    user = None
    if user_id is not None:
        user = sess.get(User, user_id)
        if user is None:
            abort(404)
        get_visible_unit(sess, current_user, user.unit_id)
    form = UserForm(obj=user)
    form.unit_id.choices = _unit_choices()
    if user is not None:
        del form.username
    return form, user


def _user_refused(err: DomainError, user_id: int | None = None):
    form, user = _user_form(user_id)
    return _user_page(form, user), err.status


@bp.route("/users/new", methods=["GET", "POST"])
@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@unit_of_work(_user_refused, passthrough=())
def user_form(user_id: int | None = None):
    sess = db_session()
    form, user = _user_form(user_id)
    if form.validate_on_submit():
        if user is None:
            if not form.password.data:
                raise_msg = "请设置初始密码。"
                form.password.errors = [raise_msg]
                return _user_page(form, user), 422
            create_user(
                sess,
                current_user,
                unit_id=form.unit_id.data,
                username=form.username.data,
                display_name=form.display_name.data,
                password=form.password.data,
                role=Role(form.role.data),
                email=form.email.data or "",
                phone=form.phone.data or "",
            )
        else:
            update_user(
                sess,
                current_user,
                user,
                display_name=form.display_name.data,
                role=Role(form.role.data),
                unit_id=form.unit_id.data,
                active=form.active.data,
                email=form.email.data or "",
                phone=form.phone.data or "",
                new_password=form.password.data or "",
            )
        flash("用户已保存。", "success")
        return redirect(url_for("admin.users"))
    status = 422 if form.errors else 200
    return _user_page(form, user), status


def _user_page(form, user):
    has_totp = user is not None and totp_enabled(db_session(), user)
    return render_template("admin/user_form.html", form=form, user=user, has_totp=has_totp)


@bp.route("/users/<int:user_id>/reset-totp", methods=["POST"])
@unit_of_work(back_to("admin.user_form", "user_id"), passthrough=(404,))
def reset_user_totp(user_id: int):
    """Clear a user's lost second factor; the service checks role and jurisdiction and logs it."""
    sess = db_session()
    target = sess.get(User, user_id)
    if target is None:
        abort(404)
    form = FlaskForm()
    if not form.validate_on_submit():
        abort(400)
    reset_totp(sess, current_user, target)
    flash(f"已重置 {target.display_name} 的两步验证，该用户下次登录时需重新设置。", "success")
    return redirect(url_for("admin.user_form", user_id=user_id))


KIND_CHOICES = options(
    (k.value, label) for k, label in UNIT_KIND_LABELS.items() if k != UnitKind.PROVINCE
)


class UnitForm(FlaskForm):
    code = StringField("单位编码", validators=[DataRequired("请输入单位编码。")])
    name = StringField("单位名称", validators=[DataRequired("请输入单位名称。")])
    kind = SelectField("单位类型", choices=KIND_CHOICES)
    parent_id = SelectField("上级单位", coerce=int)
    category = SelectField(
        "机构类别", choices=options(((k.value, v) for k, v in CATEGORY_LABELS.items()), blank="—")
    )
    grade = SelectField(
        "等级", choices=options(((k.value, v) for k, v in GRADE_LABELS.items()), blank="—")
    )
    ownership = SelectField(
        "所有制", choices=options(((k.value, v) for k, v in OWNERSHIP_LABELS.items()), blank="—")
    )
    insurance_designated = BooleanField("医保定点")
    contact_name = StringField("联系人", validators=[Optional()])
    contact_phone = StringField("联系电话", validators=[Optional()])
    contact_email = EmailField("联系邮箱", validators=[Optional()])
    active = BooleanField("启用", default=True)

    def institution(self, kind: str) -> InstitutionAttrs | None:
        if kind != UnitKind.INSTITUTION.value:
            return None
        if not (self.category.data and self.grade.data and self.ownership.data):
            return None
        from config.reference import Grade, InstitutionCategory, Ownership

        return InstitutionAttrs(
            InstitutionCategory(self.category.data),
            Grade(self.grade.data),
            Ownership(self.ownership.data),
            bool(self.insurance_designated.data),
        )


@bp.route("/units")
def units():
    require(current_user, Capability.UNITS_READ)
    return render_template("admin/units.html", units=_visible_units())


def _unit_form(unit_id: int | None):
    """The unit form (bound to what was posted) and the unit it edits, if any."""
    require(current_user, Capability.DIRECTORY_MANAGE)
    sess = db_session()
    unit = get_visible_unit(sess, current_user, unit_id) if unit_id is not None else None
    form = UnitForm(obj=unit)
    if unit is None:
        form.parent_id.choices = _unit_choices()
    else:  # code, kind and place in the tree are fixed once created
        del form.code, form.kind, form.parent_id
    return form, unit


def _unit_refused(err: DomainError, unit_id: int | None = None):
    form, unit = _unit_form(unit_id)
    return render_template("admin/unit_form.html", form=form, unit=unit), err.status


@bp.route("/units/new", methods=["GET", "POST"])
@bp.route("/units/<int:unit_id>", methods=["GET", "POST"])
@unit_of_work(_unit_refused, passthrough=())
def unit_form(unit_id: int | None = None):
    sess = db_session()
    form, unit = _unit_form(unit_id)
    kind = unit.kind if unit is not None else form.kind.data
    if form.validate_on_submit():
        if kind == UnitKind.INSTITUTION.value and form.institution(kind) is None:
            raise_error = "医疗机构必须填写机构类别、等级和所有制。"
            flash(raise_error, "error")
            return render_template("admin/unit_form.html", form=form, unit=unit), 422
        if unit is None:
            create_unit(
                sess,
                current_user,
                parent_id=form.parent_id.data,
                code=form.code.data,
                name=form.name.data,
                kind=UnitKind(form.kind.data),
                institution=form.institution(kind),
                contact_name=form.contact_name.data or "",
                contact_phone=form.contact_phone.data or "",
                contact_email=form.contact_email.data or "",
            )
        else:
            update_unit(
                sess,
                current_user,
                unit,
                name=form.name.data,
                active=form.active.data,
                institution=form.institution(kind),
                contact_name=form.contact_name.data or "",
                contact_phone=form.contact_phone.data or "",
                contact_email=form.contact_email.data or "",
            )
        flash("单位已保存。", "success")
        return redirect(url_for("admin.units"))
    status = 422 if form.errors else 200
    return render_template("admin/unit_form.html", form=form, unit=unit), status


class ImportForm(FlaskForm):
    file = FileField("名册文件（.csv UTF-8 或 .xlsx）", validators=[FileRequired("请选择文件。")])


def _import_refused(err: DomainError):
    details = list(err.details or [])  # type: ignore[call-overload]
    return render_template("admin/import.html", form=ImportForm(), details=details), 422


@bp.route("/import", methods=["GET", "POST"], endpoint="import_directory")
@unit_of_work(_import_refused)
def import_directory_view():
    require(current_user, Capability.DIRECTORY_MANAGE)
    form = ImportForm()
    details: list[str] = []
    if form.validate_on_submit():
        sess = db_session()
        upload = form.file.data
        created = import_directory(sess, current_user, upload.filename or "", upload.read())
        flash(f"导入成功：新增 {created} 个单位。", "success")
        return redirect(url_for("admin.units"))
    return render_template("admin/import.html", form=form, details=details)
