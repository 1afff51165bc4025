"""The intake desk: a fast hotline form and forms for the other channels; then the decision
page that proposes likely duplicates and lets the clerk merge, register, reject or forward."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from cases.intake import DECISIONS, decide, intake, negative_list_hits, propose_duplicates
from cases.models import Clue
from cases.queries.clue_page import intake_bodies
from cases.reference import VIOLATION_CATEGORIES
from cases.states import ClueState
from config.errors import DomainError, ValidationError
from config.reference import POSTS
from directory.jurisdiction import get_visible_unit
from directory.permissions import Capability, can
from tips.channels import CHANNEL_FIELDS, CHANNELS
from tips.service import NewTip, get_tip
from web.db import db_session
from web.tipsweb import accused_from, identity_from, uploads, vault
from web.unit_of_work import unit_of_work

bp = Blueprint("intake", __name__, url_prefix="/intake")

# The desk offers the channels a clerk records by hand; mailbox and portal arrive by themselves.
DESK_CHANNELS = (
    "hotline",
    "letter",
    "visit",
    "superior",
    "department",
    "inspection_tour",
    "discipline_review",
    "lower_unit",
    "special_check",
    "self_check",
    "survey",
)


def _require_intake() -> None:
    if not can(current_user, Capability.INTAKE):
        abort(403)


def _bodies(sess):
    return intake_bodies(sess, current_user)


def _render_desk(sess, channel, form, status=200):
    return render_template(
        "intake/desk.html",
        channel=channel,
        channels={c: CHANNELS[c] for c in DESK_CHANNELS},
        fields=CHANNEL_FIELDS.get(channel, ()),
        posts=POSTS,
        categories=VIOLATION_CATEGORIES,
        units=_bodies(sess),
        form=form,
    ), status


def _new_tip(form, channel: str) -> NewTip:
    meta = {spec.name: form.get(f"meta_{spec.name}", "") for spec in CHANNEL_FIELDS[channel]}
    return NewTip(
        channel=channel,
        content=form.get("content", ""),
        summary=form.get("summary", ""),
        meta=meta,
        accused_unit_name=form.get("accused_unit_name", ""),
        accused=accused_from(form),
        named=form.get("named") == "y",
        identity=identity_from(form),
        attachments=uploads(),
    )


def _desk_refused(_err: DomainError):
    """The desk again with everything typed (whatever the reason), 422."""
    channel = request.values.get("channel", "hotline")
    channel = channel if channel in DESK_CHANNELS else "hotline"
    return _render_desk(db_session(), channel, request.form, 422)


@bp.route("/", methods=["GET", "POST"])
@unit_of_work(_desk_refused, passthrough=(), context="登记举报")
def desk():
    _require_intake()
    sess = db_session()
    channel = request.values.get("channel", "hotline")
    if channel not in DESK_CHANNELS:
        channel = "hotline"
    if request.method == "GET":
        return _render_desk(sess, channel, {})
    form = request.form
    try:  # a number or a list the page never sends
        unit_id = int(form.get("unit_id") or current_user.unit_id)
        new_tip = _new_tip(form, channel)
    except ValueError:
        raise ValidationError("提交的数据有误。") from None
    unit = get_visible_unit(sess, current_user, unit_id)
    tip, clue = intake(
        sess,
        current_user,
        unit,
        new_tip,
        vault(),
        category=form.get("category") or "other",
    )
    flash(f"已登记{CHANNELS[channel]}举报，生成线索 {clue.reference}。", "success")
    for rejected in tip.rejected_files:
        flash(rejected["reason"], "error")
    return redirect(url_for("intake.decision", tip_id=tip.id))


@bp.route("/tips/<int:tip_id>/decision")
def decision(tip_id: int):
    _require_intake()
    sess = db_session()
    tip = get_tip(sess, current_user, tip_id)
    return _render_decision(sess, tip)


def _render_decision(sess, tip, status=200, values=None):
    clue = sess.get(Clue, tip.clue_id) if tip.clue_id else None
    open_decision = clue is not None and clue.state == ClueState.RECEIVED
    candidates = propose_duplicates(sess, current_user, tip) if open_decision else []
    targets = [u for u in _bodies(sess) if u.id != tip.unit_id]
    return render_template(
        "intake/decision.html",
        tip=tip,
        clue=clue,
        open_decision=open_decision,
        candidates=candidates,
        negative_hits=negative_list_hits(sess, current_user, tip),
        targets=targets,
        channels=CHANNELS,
        values=values or {},
    ), status


def _decision_refused(err: DomainError, tip_id: int):
    """The decision page again with what was chosen and typed."""
    sess = db_session()
    tip = get_tip(sess, current_user, tip_id)
    data = {k: v for k, v in request.form.items() if k not in ("csrf_token", "decision")}
    return _render_decision(sess, tip, err.status, data)


@bp.route("/tips/<int:tip_id>/decision", methods=["POST"])
@unit_of_work(_decision_refused, passthrough=(), context="受理举报")
def decide_view(tip_id: int):
    _require_intake()
    sess = db_session()
    tip = get_tip(sess, current_user, tip_id)
    choice = request.form.get("decision", "")
    if choice not in DECISIONS:
        abort(400)
    data = {k: v for k, v in request.form.items() if k not in ("csrf_token", "decision")}
    clue = decide(sess, current_user, tip, choice, data)
    if choice == "merge":
        target = sess.get(Clue, clue.merged_into_id)
        assert target is not None
        flash(
            f"已作为重复件合并到 {target.reference}，该线索现计重复举报 {target.repeat_count} 次。",
            "success",
        )
    else:
        flash(f"已完成：{clue.state_label}（{clue.reference}）。", "success")
    if choice != "register" and tip.named:
        flash("实名举报：请在期限内将处理情况告知举报人（线索页“登记已告知受理情况”）。", "info")
    return redirect(url_for("intake.decision", tip_id=tip.id))
