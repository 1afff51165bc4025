"""Clue pages: the list, a simple intake form, and a clue's page with its timeline,
deadlines, exactly the actions the user may take now, and following it (关注)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from campaigns.inspections import clue_source
from cases import route_deadline
from cases.assignees import assignable_handlers
from cases.lifecycle import CLUE_LIFECYCLE
from cases.models import Clue
from cases.queries.approval import approval_request
from cases.queries.timeline import clue_timeline
from cases.reference import CHANNEL_LABELS
from cases.service import NewClue, available, create_clue, deadlines, fire, get_clue, timeline
from cases.states import CLOSED_STATES
from cases.subscriptions import can_follow, subscribe, subscribers_of, unsubscribe
from config.errors import CalendarUnknown, DomainError
from directory.jurisdiction import get_visible_unit, unit_filter, visible_unit_ids
from directory.models import OrgUnit, UnitKind, User
from tips.portal import public_messages
from web.db import db_session
from web.errors import remember_unknown_year
from web.views.handling import handling_context
from workflow.engine import calendar_for, local_today
from workflow.lifecycle import FieldKind

bp = Blueprint("clues", __name__, url_prefix="/clues")

CHANNELS = CHANNEL_LABELS


@bp.route("/")
def index():
    sess = db_session()
    stmt = (
        select(Clue)
        .where(Clue.unit_id.in_(visible_unit_ids(sess, current_user)))
        .where(Clue.state.not_in([str(s) for s in CLOSED_STATES]))
        .order_by(Clue.next_due_on.is_(None), Clue.next_due_on, Clue.id.desc())
        .limit(200)
    )
    clues = sess.scalars(stmt).all()
    return render_template("clues/index.html", clues=clues, channels=CHANNELS)


@bp.route("/new", methods=["GET", "POST"])
def new():
    sess = db_session()
    form = request.form
    if request.method == "POST":
        try:
            unit = get_visible_unit(sess, current_user, int(form.get("unit_id") or 0))
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
        except (DomainError, ValueError) as err:
            sess.rollback()
            if isinstance(err, DomainError):
                remember_unknown_year(err, "登记线索")
            flash(getattr(err, "message", "提交的数据有误。"), "error")
            return render_template(
                "clues/new.html", channels=CHANNELS, units=_bodies(sess), form=form
            ), 422
        sess.commit()
        flash(f"线索已登记（{clue.reference}）。", "success")
        return redirect(url_for("clues.show", clue_id=clue.id))
    return render_template("clues/new.html", channels=CHANNELS, units=_bodies(sess), form={})


def _bodies(sess):
    return sess.scalars(
        select(OrgUnit)
        .where(unit_filter(sess, current_user), OrgUnit.kind != UnitKind.OFFICE)
        .order_by(OrgUnit.path)
    ).all()


@bp.route("/<int:clue_id>")
def show(clue_id: int):
    sess = db_session()
    clue = get_clue(sess, current_user, clue_id)
    return render_clue(sess, clue)


def render_clue(
    sess, clue, *, failed=None, values=None, errors=None, status=200, rfailed=None, rvalues=None
):
    try:
        clock_views = deadlines(sess, clue)
        calendar_error = None
    except CalendarUnknown as err:
        clock_views, calendar_error = [], err.message
    actions = available(sess, current_user, clue)
    dues = _defaults(sess, actions)
    # The viewer sees the clue, so they are among its subscribers exactly when they follow it.
    followers = subscribers_of(sess, current_user, clue.id)
    blocked = _blocked(clue, actions)
    logs = timeline(sess, current_user, clue)
    extra = handling_context(sess, clue)
    actor_ids = {e.actor_id for e in extra["history"] if e.actor_id}
    names = dict(
        sess.execute(select(User.id, User.display_name).where(User.id.in_(actor_ids))).all()
    )
    return render_template(
        "clues/show.html",
        clue=clue,
        lifecycle=CLUE_LIFECYCLE,
        actions=actions,
        blocked=blocked,
        choices=_choices(sess, clue, actions),
        defaults=dues,
        approval=approval_request(sess, clue, actions, dues),
        narrowed={"extend.clock": route_deadline.extensible(clue.clocks or {})},
        today=local_today().isoformat(),
        timeline=logs,
        entries=clue_timeline(sess, current_user, clue),
        deadlines=clock_views,
        calendar_error=calendar_error,
        channels=CHANNELS,
        failed=failed,
        values=values or {},
        errors=errors or {},
        rfailed=rfailed,
        rvalues=rvalues or {},
        names=names,
        source=clue_source(sess, clue.id),
        can_follow=can_follow(current_user),
        following=any(u.id == current_user.id for u in followers),
        follower_count=len(followers),
        **extra,
        portal_messages=public_messages(sess, clue.tip) if clue.tip is not None else [],
    ), status


# Guards worth explaining: the user can act on what they name (complete the file, give
# feedback), so the step is shown greyed out with the reason instead of silently hidden.
EXPLAINED_GUARDS = ("feedback_done", "file_complete")


def _blocked(clue, actions) -> list[tuple[str, str]]:
    """(label, reason) of the steps this role could take here but for a fixable gap."""
    allowed = {t.trigger for t in actions}
    result = []
    for t in CLUE_LIFECYCLE.triggers_from(clue.state):
        if t.trigger in allowed or str(current_user.role) not in t.roles:
            continue
        reasons = [
            why
            for g in t.guards
            if g in EXPLAINED_GUARDS and (why := CLUE_LIFECYCLE.guards[g](clue))
        ]
        if reasons and all(g in EXPLAINED_GUARDS for g in t.guards):
            result.append((t.label, " ".join(reasons)))
    return result


def _defaults(sess, actions):
    """The date each approval form offers for the route's deadline (办理期限)."""
    return route_deadline.default_dues(actions, local_today(), calendar_for(sess))


def _choices(sess, clue, actions):
    """Options for user/unit/clue fields, all inside the actor's jurisdiction."""
    kinds = {f.kind for t in actions for f in t.fields}
    result: dict[FieldKind, list[tuple[int, str]]] = {}
    if FieldKind.USER in kinds:
        users = assignable_handlers(sess, clue)  # the rule ``assign`` itself applies
        result[FieldKind.USER] = [(u.id, f"{u.display_name}（{u.role_label}）") for u in users]
    if FieldKind.UNIT in kinds:
        result[FieldKind.UNIT] = [(u.id, u.name) for u in _bodies(sess) if u.id != clue.unit_id]
    if FieldKind.SUBJECT in kinds:
        others = sess.scalars(
            select(Clue)
            .where(
                Clue.unit_id == clue.unit_id,
                Clue.id != clue.id,
                Clue.state.not_in([str(s) for s in CLOSED_STATES]),
            )
            .order_by(Clue.id.desc())
            .limit(100)
        ).all()
        result[FieldKind.SUBJECT] = [(c.id, f"{c.reference} {c.summary[:30]}") for c in others]
    return result


@bp.route("/<int:clue_id>/fire/<trigger>", methods=["POST"])
def fire_view(clue_id: int, trigger: str):
    sess = db_session()
    clue = get_clue(sess, current_user, clue_id)
    values = request.form.to_dict()
    raw_version = values.pop("version", "0")
    # A version that is not a small number was not sent by our page: a stale-version answer.
    version = int(raw_version) if raw_version.isdigit() and len(raw_version) < 10 else -1
    try:
        fire(sess, current_user, clue, trigger, values, expected_version=version)
    except DomainError as err:
        sess.rollback()
        remember_unknown_year(err, f"线索 {clue.reference}：{trigger}")
        clue = get_clue(sess, current_user, clue_id)
        flash(err.message, "error")
        errors = err.details if isinstance(err.details, dict) else {}
        return render_clue(
            sess, clue, failed=trigger, values=values, errors=errors, status=err.status
        )
    sess.commit()
    label = CLUE_LIFECYCLE.by_trigger[trigger].label
    flash(f"已完成“{label}”，当前状态：{clue.state_label}。", "success")
    return redirect(url_for("clues.show", clue_id=clue.id))


@bp.route("/<int:clue_id>/follow", methods=["POST"])
def follow(clue_id: int):
    # NotFound (outside the jurisdiction) and PermissionDenied (a reporter) go to the error
    # pages: there is no form to give back.
    sess = db_session()
    added = subscribe(sess, current_user, clue_id)
    sess.commit()
    if added:
        flash("已关注该线索：到期、逾期提醒和办理动态将同时发送给您。", "success")
    else:
        flash("您已关注该线索。", "info")
    return redirect(url_for("clues.show", clue_id=clue_id), 303)


@bp.route("/<int:clue_id>/unfollow", methods=["POST"])
def unfollow(clue_id: int):
    sess = db_session()
    removed = unsubscribe(sess, current_user, clue_id)
    sess.commit()
    if removed:
        flash("已取消关注该线索，将不再收到它的提醒。", "success")
    else:
        flash("您未关注该线索。", "info")
    return redirect(url_for("clues.show", clue_id=clue_id), 303)
