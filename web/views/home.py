"""The home page: who you are, where you sit, and the work waiting for your role."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, render_template
from flask_login import current_user

from cases.queries.home import clue_references, clues_in_states, my_clues, overdue_clues
from cases.queries.workbench import leader_workbench
from cases.states import ClueState
from directory.jurisdiction import body_of, visible_unit_ids
from directory.models import UnitKind
from directory.permissions import Capability, can
from directory.queries.units import unit_kind_counts
from directory.roles import ROLE_SCOPE, Role, Scope
from notifications.queries.admin_alerts import admin_alerts
from reporting.queries.home import reporter_obligations
from tips.channels import CHANNELS
from tips.queries.intake_queue import intake_queue
from web.db import db_session
from workflow.calendar_service import calendar_alerts
from workflow.engine import local_today
from workflow.pending import pending_counts, pending_rows

bp = Blueprint("home", __name__)

# Clues waiting on whoever holds the capability: (capability, panel title, clue states).
# (The leader's approvals are a list of the workbench, ``cases.queries.workbench``.)
WAITING: tuple[tuple[Capability, str, tuple[str, ...]], ...] = (
    (Capability.INTAKE_REMINDERS, "待受理的线索", (ClueState.RECEIVED, ClueState.REGISTERED)),
)


@bp.route("/")
def index():
    sess = db_session()
    counts = unit_kind_counts(sess, current_user)
    role = Role(current_user.role)
    scope = ROLE_SCOPE[role]
    units = visible_unit_ids(sess, current_user)
    today = local_today()
    workbench = leader_workbench(sess, current_user, today) if role is Role.LEADER else None
    panels = [] if workbench else _clue_panels(sess, role, units, today)
    # The calendar alert is for those who act on it (administrators) and who answer for the
    # deadlines (leaders); never for a hospital's reporter.
    alerts = calendar_alerts(sess, today) if can(current_user, Capability.CALENDAR_ALERTS) else []
    pending = None
    if can(current_user, Capability.CALENDAR_ALERTS):  # as the alerts above
        pending = pending_panel(sess, None if role is Role.ADMIN else units)
    admin = admin_alerts(sess, current_user, today) if role is Role.ADMIN else None
    intake = intake_queue(sess, current_user) if role is Role.CLERK else None
    obligations = reporter_obligations(sess, current_user, today) if role is Role.REPORTER else None
    return render_template(
        "home.html",
        body=body_of(sess, current_user.unit),
        scope_label="本单位及下级单位" if scope is Scope.TREE else "本单位",
        institution_count=counts.get(UnitKind.INSTITUTION.value, 0),
        unit_count=sum(counts.values()),
        panels=panels,
        workbench=workbench,
        alerts=alerts,
        pending=pending,
        admin=admin,
        intake=intake,
        channel_labels=CHANNELS,
        obligations=obligations,
        today=today,
    )


def _clue_panels(sess, role: Role, units, today) -> list:
    """(title, clues) lists for the roles without a workbench of their own."""
    panels = []
    if role is Role.HANDLER:
        panels.append(("我承办的线索（按期限排序）", my_clues(sess, current_user)))
    for capability, title, states in WAITING:
        if can(current_user, capability):
            panels.append((title, clues_in_states(sess, units, states)))
    if role is Role.INSPECTOR:
        panels.append(("已逾期的线索", overdue_clues(sess, units, today)))
    return panels


@dataclass(frozen=True)
class PendingPanel:
    counts: list
    rows: list
    refs: dict[int, str]
    ledger: bool  # the viewer may open the ledger (administrators may not)


def pending_panel(sess, units) -> PendingPanel | None:
    """Deadlines waiting for a year's calendar (all for an administrator, else ``units``)."""
    counts = pending_counts(sess, units)
    if not counts:
        return None
    rows = pending_rows(sess, units, limit=20)
    refs = clue_references(sess, {r.clue_id for r in rows if r.clue_id})
    return PendingPanel(counts, rows, refs, can(current_user, Capability.CLUES_READ))
