"""Clue pages: the list, a simple intake form, and a clue's page with its timeline,
deadlines, exactly the actions the user may take now, and following it (关注)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from cases.lifecycle import CLUE_LIFECYCLE
from cases.queries.clue_list import open_clues
from cases.queries.clue_page import intake_bodies
from cases.reference import CHANNEL_LABELS
from cases.service import NewClue, create_clue, fire, get_clue
from cases.subscriptions import subscribe, unsubscribe
from config.errors import DomainError, ValidationError
from directory.jurisdiction import get_visible_unit
from directory.permissions import Capability, can
from web.db import db_session
from web.unit_of_work import unit_of_work
from web.views.clue_page import render_clue

bp = Blueprint("clues", __name__, url_prefix="/clues")

CHANNELS = CHANNEL_LABELS


@bp.route("/")
def index():
    clues = open_clues(db_session(), current_user)
    return render_template("clues/index.html", clues=clues, channels=CHANNELS)


def _new_refused(_err: DomainError):
    """The form again with what was typed (whatever the reason, even a unit out of reach)."""
    units = intake_bodies(db_session(), current_user)
    form = request.form
    return render_template("clues/new.html", channels=CHANNELS, units=units, form=form), 422


@bp.route("/new", methods=["GET", "POST"])
@unit_of_work(_new_refused, passthrough=(), context="登记线索")
def new():
    sess = db_session()
    form = request.form
    if request.method == "POST":
        unit = get_visible_unit(sess, current_user, _int(form.get("unit_id")))
        clue = create_clue(
            sess,
            current_user,
            unit,
            NewClue(
                channel=form.get("channel", "hotline"),
                summary=form.get("summary", ""),
                content=form.get("content", ""),
                reporter_named=form.get("reporter_named") == "y",
                petition=form.get("petition") == "y",
            ),
        )
        flash(f"线索已登记（{clue.reference}）。", "success")
        return redirect(url_for("clues.show", clue_id=clue.id))
    units = intake_bodies(sess, current_user)
    return render_template("clues/new.html", channels=CHANNELS, units=units, form={})


def _int(raw: str | None) -> int:
    try:
        return int(raw or 0)
    except ValueError:
        raise ValidationError("提交的数据有误。") from None


@bp.route("/<int:clue_id>")
def show(clue_id: int):
    if can(current_user, Capability.MAJOR_READ):  # a 驻委纪检组 member: the read-only page
        return redirect(url_for("major.show", clue_id=clue_id))
    sess = db_session()
    clue = get_clue(sess, current_user, clue_id)
    return render_clue(sess, clue)


def _fire_refused(err: DomainError, clue_id: int, trigger: str):
    """The page again with the step's form open, what was typed and each field's message."""
    sess = db_session()
    clue = get_clue(sess, current_user, clue_id)
    values = request.form.to_dict()
    values.pop("version", None)
    errors = err.details if isinstance(err.details, dict) else {}
    return render_clue(sess, clue, failed=trigger, values=values, errors=errors, status=err.status)


def _fire_context(clue_id: int, trigger: str) -> str:
    clue = get_clue(db_session(), current_user, clue_id)
    return f"线索 {clue.reference}：{trigger}"


@bp.route("/<int:clue_id>/fire/<trigger>", methods=["POST"])
@unit_of_work(_fire_refused, passthrough=(), context=_fire_context)
def fire_view(clue_id: int, trigger: str):
    sess = db_session()
    clue = get_clue(sess, current_user, clue_id)
    values = request.form.to_dict()
    raw_version = values.pop("version", "0")
    # A version that is not a small number was not sent by our page: a stale-version answer.
    version = int(raw_version) if raw_version.isdigit() and len(raw_version) < 10 else -1
    fire(sess, current_user, clue, trigger, values, expected_version=version)
    label = CLUE_LIFECYCLE.by_trigger[trigger].label
    flash(f"已完成“{label}”，当前状态：{clue.state_label}。", "success")
    return redirect(url_for("clues.show", clue_id=clue.id))


# Following: NotFound (outside the jurisdiction) and PermissionDenied (a reporter) go to the
# error pages: there is no form to give back.
@bp.route("/<int:clue_id>/follow", methods=["POST"])
@unit_of_work()
def follow(clue_id: int):
    added = subscribe(db_session(), current_user, clue_id)
    if added:
        flash("已关注该线索：到期、逾期提醒和办理动态将同时发送给您。", "success")
    else:
        flash("您已关注该线索。", "info")
    return redirect(url_for("clues.show", clue_id=clue_id), 303)


@bp.route("/<int:clue_id>/unfollow", methods=["POST"])
@unit_of_work()
def unfollow(clue_id: int):
    removed = unsubscribe(db_session(), current_user, clue_id)
    if removed:
        flash("已取消关注该线索，将不再收到它的提醒。", "success")
    else:
        flash("您未关注该线索。", "info")
    return redirect(url_for("clues.show", clue_id=clue_id), 303)
