"""我的报表任务: the body's obligations of this and last year still open or not yet due."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from directory.jurisdiction import body_of
from directory.models import OrgUnit, User
from directory.permissions import Capability, can
from reporting.models import Obligation
from reporting.queries.home import obligation_badge
from workflow.calendar_service import CalendarAlert, calendar_alerts


@dataclass(frozen=True)
class TaskList:
    body: OrgUnit
    obligations: list[Obligation]  # open, or accepted and not yet due
    badges: dict[int, str]  # by obligation id: overdue, due_soon or ""
    alerts: list[CalendarAlert]  # for those who act on them, when a deadline is unknown


def task_list(session: Session, actor: User, today: date) -> TaskList:
    body = body_of(session, actor.unit)
    obligations = session.scalars(
        select(Obligation)
        .where(Obligation.unit_id == body.id, Obligation.period_end >= date(today.year - 1, 12, 1))
        .order_by(Obligation.due_on.is_(None), Obligation.due_on, Obligation.form_code)
    ).all()
    shown: list[Obligation] = [
        ob for ob in obligations if ob.state != "accepted" or (ob.due_on and ob.due_on >= today)
    ]
    # The calendar alert is for administrators and leaders, never a hospital's reporter.
    unknown = any(o.due_on is None for o in obligations)
    told = unknown and can(actor, Capability.CALENDAR_ALERTS)
    alerts = calendar_alerts(session, today) if told else []
    return TaskList(
        body, shown, {ob.id: obligation_badge(session, ob, today) for ob in shown}, alerts
    )
