"""Supervising the bodies below: the board (督办看板) and its drill-down lists, the 督办
list with 挂牌督办, and 回头看 draws with their outcomes."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from config.errors import DomainError
from directory.models import OrgUnit
from directory.permissions import Capability, can
from supervision.board import FIGURES, board, drill
from supervision.lookback import DEFAULT_RATE_PERCENT, draw, draws_of, previous_quarter
from supervision.lookback import record_outcome as record
from supervision.models import OUTCOME_LABELS, Outcome
from supervision.service import MARK_FIELDS, lift, mark_by_reference, supervised_list
from web.db import db_session
from web.unit_of_work import back_to, unit_of_work
from workflow.engine import local_today

bp = Blueprint("supervision", __name__, url_prefix="/supervision")


@bp.route("/board")
def board_view() -> ResponseReturnValue:
    sess = db_session()
    return render_template(
        "supervision/board.html", board=board(sess, current_user, local_today()), figures=FIGURES
    )


@bp.route("/board/<int:unit_id>/<figure>")
def drill_view(unit_id: int, figure: str) -> ResponseReturnValue:
    sess = db_session()
    rows = drill(sess, current_user, unit_id, figure, local_today())
    unit = sess.get(OrgUnit, unit_id)
    return render_template(
        "supervision/drill.html", rows=rows, unit=unit, label=FIGURES[figure], figure=figure
    )


@bp.route("/supervised")
def supervised() -> ResponseReturnValue:
    return _supervised_page({}, {}, 200)


def _marked_values() -> dict[str, str]:
    values = request.form.to_dict()
    values.pop("csrf_token", None)
    return values


def _mark_again(err: DomainError, **_: object) -> ResponseReturnValue:
    errors = err.details if isinstance(err.details, dict) else {}
    return _supervised_page(_marked_values(), errors, err.status)


@bp.route("/supervised/mark", methods=["POST"])
@unit_of_work(_mark_again, passthrough=())
def mark_view() -> ResponseReturnValue:
    values = _marked_values()
    row = mark_by_reference(db_session(), current_user, values.get("reference", ""), values)
    flash(f"已对线索 {row.clue.reference} 挂牌督办。", "success")
    return redirect(url_for("supervision.supervised"), 303)


def _supervised_page(values: dict[str, str], errors: dict[str, str], status: int):
    sess = db_session()
    unit_id = request.args.get("unit_id", "")
    rows = supervised_list(
        sess,
        current_user,
        local_today(),
        int(unit_id) if unit_id.isdigit() and len(unit_id) < 10 else None,
    )
    return (
        render_template(
            "supervision/supervised.html",
            rows=rows,
            form={"fields": MARK_FIELDS},
            values=values,
            errors=errors,
            may_mark=can(current_user, Capability.SUPERVISE),
        ),
        status,
    )


@bp.route("/supervised/<int:supervised_id>/lift", methods=["POST"])
@unit_of_work()
def lift_view(supervised_id: int) -> ResponseReturnValue:
    lift(db_session(), current_user, supervised_id)
    flash("已撤销挂牌督办。", "success")
    return redirect(url_for("supervision.supervised"), 303)


@bp.route("/lookback")
def lookback() -> ResponseReturnValue:
    return _lookback_page(200)


@bp.route("/lookback/draw", methods=["POST"])
@unit_of_work(lambda err, **_: _lookback_page(err.status), passthrough=())
def draw_view() -> ResponseReturnValue:
    sess = db_session()
    raw = request.form.get("rate_percent", "")
    rate = int(raw) if raw.isdigit() and len(raw) < 4 else -1
    made = draw(sess, current_user, current_user.unit, request.form.get("period", ""), rate)
    flash(
        f"已抽取 {made.period} 回头看样本 {len(made.samples)} 件（随机种子 {made.seed}）。",
        "success",
    )
    return redirect(url_for("supervision.lookback"), 303)


def _lookback_page(status: int):
    sess = db_session()
    return (
        render_template(
            "supervision/lookback.html",
            draws=draws_of(sess, current_user),
            period=previous_quarter(local_today())[0],
            rate=DEFAULT_RATE_PERCENT,
            outcomes={k: v for k, v in OUTCOME_LABELS.items() if k != Outcome.PENDING},
            may_draw=can(current_user, Capability.SUPERVISE),
        ),
        status,
    )


@bp.route("/lookback/samples/<int:sample_id>", methods=["POST"])
@unit_of_work(back_to("supervision.lookback", code=303))
def sample_outcome(sample_id: int) -> ResponseReturnValue:
    form = request.form
    record(db_session(), current_user, sample_id, form.get("outcome", ""), form.get("note", ""))
    flash("已记录回头看结论。", "success")
    return redirect(url_for("supervision.lookback"), 303)
