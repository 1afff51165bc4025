"""The ledger (台账) page and its streamed XLSX export; the red-packet register pages."""

from __future__ import annotations

from datetime import date

from flask import (
    Blueprint,
    Response,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_login import current_user

from cases.ledger_export import ledger_xlsx
from cases.ledger_query import LedgerFilter, ledger_page
from cases.queries.due_badges import due_badges
from cases.redpacket import (
    RegisterFilter,
    institutions,
    list_surrenders,
    register_surrender,
    register_xlsx,
)
from cases.reference import CHANNEL_LABELS, VIOLATION_CATEGORIES
from cases.states import STATE_LABELS
from config.errors import PermissionDenied
from config.filenames import content_disposition, download_name
from config.localtime import cn_date
from directory.permissions import Capability, can
from directory.queries.units import visible_bodies, visible_holders
from web.db import db_session
from web.unit_of_work import back_to, unit_of_work
from workflow.engine import local_today

bp = Blueprint("ledger", __name__)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _int(name):
    value = request.args.get(name, "")
    # Ids are INTEGER columns: anything else matches nothing rather than overflowing.
    return int(value) if value.isdigit() and len(value) < 10 else None


def _date(name):
    try:
        return date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return None


def _filter() -> LedgerFilter:
    args = request.args
    return LedgerFilter(
        unit_id=_int("unit_id"),
        state=args.get("state") or None,
        channel=args.get("channel") or None,
        category=args.get("category") or None,
        handler_id=_int("handler_id"),
        due=args.get("due") if args.get("due") in ("soon", "overdue", "pending") else None,
        received_from=_date("from"),
        received_to=_date("to"),
        q=args.get("q", "")[:100],
    )


def _require_ledger_role():
    if not can(current_user, Capability.CLUES_READ):
        raise PermissionDenied("您的角色无权查看线索台账。")


@bp.route("/ledger")
def index():
    _require_ledger_role()
    sess = db_session()
    f = _filter()
    page = ledger_page(sess, current_user, f, cursor=request.args.get("after") or None)
    units = visible_bodies(sess, current_user, limit=300)
    handlers = visible_holders(sess, current_user, Capability.CLUES_HANDLE)
    args = {k: v for k, v in request.args.items() if k != "after" and v}
    return render_template(
        "ledger/index.html",
        page=page,
        f=f,
        args=args,
        units=units,
        handlers=handlers,
        states=STATE_LABELS,
        channels=CHANNEL_LABELS,
        categories=VIOLATION_CATEGORIES,
        badges=due_badges(sess, page.rows, local_today()),
    )


@bp.route("/ledger/export.xlsx")
def export():
    _require_ledger_role()
    sess = db_session()
    body = stream_with_context(ledger_xlsx(sess, current_user, _filter()))
    return Response(
        body,
        mimetype=XLSX,
        headers={"Content-Disposition": "attachment; filename=ledger.xlsx"},
    )


def _register_filter() -> RegisterFilter:
    return RegisterFilter(unit_id=_int("unit_id"), start=_date("from"), end=_date("to"))


@bp.route("/redpackets", methods=["GET", "POST"])
@unit_of_work(back_to("ledger.redpackets", code=303), passthrough=(404,))
def redpackets():
    sess = db_session()
    if request.method == "POST":
        register_surrender(sess, current_user, request.form.to_dict())
        flash("已登记红包上缴。", "success")
        return redirect(url_for("ledger.redpackets"))
    f = _register_filter()
    return render_template(
        "redpackets/index.html",
        rows=list_surrenders(sess, current_user, f),
        institutions=institutions(sess, current_user),
        f=f,
        args={k: v for k, v in request.args.items() if v},
        can_register=can(current_user, Capability.REDPACKETS_REGISTER),
    )


@bp.route("/redpackets/export.xlsx")
def redpackets_export():
    sess = db_session()
    body = stream_with_context(register_xlsx(sess, current_user, _register_filter()))
    return Response(
        body,
        mimetype=XLSX,
        headers={
            "Content-Disposition": content_disposition(
                download_name(current_user.unit.name, "红包上缴登记", cn_date(local_today()))
            )
        },
    )
