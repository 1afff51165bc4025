"""Rectification pages (整改台账): the ledger with its counts and export, a new item, an
item's page with exactly the steps the user may take."""

from __future__ import annotations

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
from flask.typing import ResponseReturnValue
from flask_login import current_user

from config.errors import DomainError
from config.filenames import content_disposition, download_name
from config.localtime import cn_date
from directory.permissions import Capability, require
from directory.queries.units import visible_units
from rectification.ledger import FILTER_STATES, LedgerFilter, ledger_page, ledger_xlsx
from rectification.lifecycle import RECTIFICATION_LIFECYCLE
from rectification.models import SOURCE_LABELS
from rectification.responsible import person_choices
from rectification.service import (
    CREATE_FIELDS,
    available,
    create_item,
    fire,
    get_item,
    history,
    responsible_choices,
)
from web.db import db_session
from web.unit_of_work import unit_of_work
from workflow.engine import local_today

bp = Blueprint("rectification", __name__, url_prefix="/rectification")
PREFILL_KEYS = (
    "source_kind",
    "source_ref",
    "clue_ref",
    "problem",
    "found_on",
    "responsible_unit_id",
    "inspection_id",
)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _filter() -> LedgerFilter:
    raw_unit = request.args.get("unit_id", "")
    state = request.args.get("state") or None
    source = request.args.get("source") or None
    return LedgerFilter(
        state=state if state in FILTER_STATES else None,
        unit_id=int(raw_unit) if raw_unit.isdigit() and len(raw_unit) < 10 else None,
        source=source if source in SOURCE_LABELS else None,
    )


def _args(f: LedgerFilter) -> dict[str, object]:
    return {k: v for k, v in vars(f).items() if v is not None}


@bp.route("/")
def index() -> ResponseReturnValue:
    sess = db_session()
    require(current_user, Capability.RECTIFY_READ)
    f = _filter()
    page = ledger_page(sess, current_user, f, local_today())
    choices = visible_units(sess, current_user)
    return render_template(
        "rectification/index.html",
        page=page,
        f=f,
        args=_args(f),
        base_args={k: v for k, v in _args(f).items() if k != "state"},
        today=local_today(),
        states=FILTER_STATES,
        sources=SOURCE_LABELS,
        units=choices,
    )


@bp.route("/export.xlsx")
def export() -> ResponseReturnValue:
    sess = db_session()
    require(current_user, Capability.RECTIFY_READ)
    body = stream_with_context(ledger_xlsx(sess, current_user, _filter(), local_today()))
    return Response(
        body,
        mimetype=XLSX,
        headers={
            "Content-Disposition": content_disposition(
                download_name(current_user.unit.name, "整改台账", cn_date(local_today()))
            )
        },
    )


def _posted() -> dict[str, str]:
    values = request.form.to_dict()
    values.pop("csrf_token", None)
    return values


def _new_page(values: dict[str, str], errors: dict[str, str], status: int):
    sess = db_session()
    form = {"fields": CREATE_FIELDS}
    units = responsible_choices(sess, current_user)
    opts = {"responsible_unit_id": units}
    people = person_choices(sess, [unit_id for unit_id, _ in units])
    return (
        render_template(
            "rectification/new.html",
            form=form,
            values=values,
            errors=errors,
            opts=opts,
            people=people,
            fields_before=[f.name for f in CREATE_FIELDS if f.name != "responsible_user_id"],
        ),
        status,
    )


def _new_again(err: DomainError, **_: object) -> ResponseReturnValue:
    errors = err.details if isinstance(err.details, dict) else {}
    return _new_page(_posted(), errors, err.status)


@bp.route("/new", methods=["GET", "POST"])
@unit_of_work(_new_again)
def new() -> ResponseReturnValue:
    require(current_user, Capability.RECTIFY_MANAGE)
    if request.method == "POST":
        item = create_item(db_session(), current_user, _posted())
        flash(f"已下达整改事项 {item.number}。", "success")
        return redirect(url_for("rectification.show", rectification_id=item.id))
    # 发起整改 from a clue's findings or an inspection's findings: the form comes prefilled.
    keys = PREFILL_KEYS
    values = {k: request.args[k][:2000] for k in keys if k in request.args}
    values.setdefault("found_on", local_today().isoformat())
    return _new_page(values, {}, 200)


@bp.route("/<int:rectification_id>")
def show(rectification_id: int) -> ResponseReturnValue:
    return _render_item(rectification_id)


def _render_item(
    rectification_id: int, failed: str = "", values=None, errors=None, status: int = 200
):
    sess = db_session()
    item = get_item(sess, current_user, rectification_id)
    return (
        render_template(
            "rectification/show.html",
            item=item,
            actions=available(sess, current_user, item),
            log=history(sess, current_user, item),
            lifecycle=RECTIFICATION_LIFECYCLE,
            failed=failed,
            values=values or {},
            errors=errors or {},
            today=local_today(),
        ),
        status,
    )


def _fire_again(err: DomainError, rectification_id: int, trigger: str) -> ResponseReturnValue:
    values = _posted()
    values.pop("version", None)
    errors = err.details if isinstance(err.details, dict) else {}
    return _render_item(rectification_id, trigger, values, errors, err.status)


@bp.route("/<int:rectification_id>/fire/<trigger>", methods=["POST"])
@unit_of_work(_fire_again, passthrough=())
def fire_view(rectification_id: int, trigger: str) -> ResponseReturnValue:
    sess = db_session()
    item = get_item(sess, current_user, rectification_id)
    values = _posted()
    raw_version = values.pop("version", "0")
    version = int(raw_version) if raw_version.isdigit() and len(raw_version) < 10 else -1
    fire(sess, current_user, item, trigger, values, expected_version=version)
    label = RECTIFICATION_LIFECYCLE.by_trigger[trigger].label
    flash(f"已完成“{label}”，当前状态：{item.state_label}。", "success")
    return redirect(url_for("rectification.show", rectification_id=item.id))
