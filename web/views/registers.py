"""登记册 pages: each register's list, its entry form, import and export; 建议书 replies.

The services (``reporting.registers.service``) check the capability and the unit again.
"""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from config.errors import DomainError
from config.filenames import content_disposition, download_name
from config.localtime import cn_date
from directory.jurisdiction import body_of
from directory.permissions import Capability, require
from directory.queries.units import institutions_below
from reporting.registers.kinds import KINDS
from reporting.registers.service import (
    add_entry,
    answer,
    export_xlsx,
    import_file,
    kind_of,
    list_entries,
)
from web.db import db_session
from web.unit_of_work import unit_of_work
from workflow.engine import local_today

bp = Blueprint("registers", __name__, url_prefix="/registers")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.get("/")
def index():
    require(current_user, Capability.REGISTERS)
    return redirect(url_for("registers.show", code="warning"))


def _targets(sess):
    body = body_of(sess, current_user.unit)
    return institutions_below(sess, body)


def _page(code: str, values: MultiDict[str, str] | None = None, status: int = 200):
    sess = db_session()
    kind = kind_of(code)
    entries = list_entries(sess, current_user, code)
    return render_template(
        "registers/register.html",
        kind=kind,
        kinds=KINDS,
        entries=entries,
        targets=_targets(sess) if kind.target else [],
        values=values or MultiDict({"occurred_on": local_today().isoformat()}),
        own_unit_id=body_of(sess, current_user.unit).id,
    ), status


@bp.get("/<code>")
def show(code: str):
    return _page(code)


def _status(err: DomainError) -> int:
    return err.status if err.status in (403, 404) else 422


def _again(err: DomainError, code: str, **_: object):
    """The register again with the refused entry's values and the message."""
    return _page(code, request.form, _status(err))


@bp.post("/<code>")
@unit_of_work(_again, passthrough=())
def add(code: str):
    add_entry(db_session(), current_user, code, request.form.to_dict())
    flash("已登记。", "success")
    return redirect(url_for("registers.show", code=code))


@bp.post("/<code>/<int:entry_id>/answer")
@unit_of_work(lambda err, code, **_: _page(code, status=_status(err)), passthrough=())
def reply(code: str, entry_id: int):
    answer(db_session(), current_user, entry_id, request.form.get("answered_on", ""))
    flash("已登记执行完成回复。", "success")
    return redirect(url_for("registers.show", code=code))


@bp.post("/<code>/import")
@unit_of_work(lambda err, code, **_: _page(code, status=_status(err)), passthrough=())
def import_entries(code: str):
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        flash("请选择要导入的 .csv 或 .xlsx 文件。", "error")
        return _page(code, status=422)
    n = import_file(db_session(), current_user, code, upload.filename, upload.read(2_000_001))
    flash(f"已导入 {n} 条。", "success")
    return redirect(url_for("registers.show", code=code))


@bp.get("/<code>/export.xlsx")
def export(code: str):
    sess = db_session()
    kind = kind_of(code)
    data = export_xlsx(kind, list_entries(sess, current_user, code))
    return Response(
        data,
        mimetype=XLSX,
        headers={
            "Content-Disposition": content_disposition(
                download_name(current_user.unit.name, f"{kind.label}登记册", cn_date(local_today()))
            )
        },
    )
