"""Administration of letter templates: an office's own DOCX per kind, checked on upload,
previewed filled with an example, or retired (the shipped default applies again)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField

from config.errors import DomainError
from directory.permissions import Capability, require
from directory.queries.units import document_bodies
from documents.letter_kinds import KINDS
from documents.office_templates import deactivate, preview, templates_of, upload
from web.db import db_session
from web.files import file_store, send_bytes
from web.forms import options
from web.unit_of_work import back_to, unit_of_work

bp = Blueprint("letter_templates", __name__, url_prefix="/admin/documents/templates")
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class UploadForm(FlaskForm):
    body_id = SelectField("使用单位", coerce=int)
    kind = SelectField("文书", choices=options((k.code, k.name) for k in KINDS.values()))
    file = FileField(
        "Word 模板（.docx，不超过 2 MB）", validators=[FileRequired("请选择模板文件。")]
    )


def _form() -> UploadForm:
    bodies = document_bodies(db_session(), current_user)
    form = UploadForm()
    form.body_id.choices = options((b.id, "　" * b.depth + b.name) for b in bodies)
    return form


def _page(form: UploadForm, status: int = 200):
    rows = templates_of(db_session(), current_user)
    page = render_template("admin/letter_templates.html", form=form, rows=rows, kinds=KINDS)
    return page, status


def _refused(err: DomainError):
    return _page(_form(), err.status)


@bp.route("/", methods=["GET", "POST"])
@unit_of_work(_refused)
def index():
    require(current_user, Capability.DIRECTORY_MANAGE)
    form = _form()
    if form.validate_on_submit():
        data = form.file.data
        content = data.read()
        data.close()  # a large upload is spooled to a temporary file: close it now
        row = upload(
            db_session(),
            current_user,
            form.body_id.data,
            form.kind.data,
            data.filename or "",
            content,
            file_store(),
        )
        name = KINDS[row.kind].name
        flash(f"模板“{row.filename}”已启用：该单位今后制发《{name}》时使用。", "success")
        return redirect(url_for("letter_templates.index"))
    return _page(form, 422 if form.errors else 200)


@bp.route("/preview")
@unit_of_work()
def show_preview():
    args = request.args
    template_id = args.get("template_id", type=int)
    body_id, kind = args.get("body_id", 0, type=int), args.get("kind", "")
    data, text = preview(db_session(), current_user, file_store(), body_id, kind, template_id)
    if args.get("download"):
        return send_bytes(data, DOCX_TYPE, f"{KINDS[kind].name}（示例）.docx")
    return render_template(
        "admin/letter_template_preview.html", kind=KINDS[kind], text=text, args=args
    )


@bp.route("/<int:template_id>/retire", methods=["POST"])
@unit_of_work(back_to("letter_templates.index"))
def retire(template_id: int):
    row = deactivate(db_session(), current_user, template_id)
    flash(f"模板“{row.filename}”已停用，恢复使用系统默认模板。", "success")
    return redirect(url_for("letter_templates.index"))
