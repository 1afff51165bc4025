"""The reporter's home panel: the unit's obligations still owed or due soon (issue 9)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from config.errors import DomainError
from directory.jurisdiction import body_of
from directory.models import User
from reporting.forms import FORMS, form_for
from reporting.models import Obligation, ObligationState
from workflow import timelimits
from workflow.engine import calendar_for

OWED = [ObligationState.NOT_STARTED, ObligationState.DRAFT, ObligationState.RETURNED]
# "This and next period": the longest cycle between two deadlines that matter is a quarter;
# anything due within that horizon (or overdue and still owed) is shown.
HORIZON = timedelta(days=92)


def obligation_badge(session: Session, ob: Obligation, today: date) -> str:
    """``overdue``, ``due_soon`` or "" for an obligation still owed (timelimits rules)."""
    if ob.state not in OWED or ob.due_on is None:
        return ""
    try:
        return str(timelimits.status(ob.due_on, today, calendar_for(session)))
    except DomainError:  # the calendar does not know the year: only "overdue" is certain
        return "overdue" if today > ob.due_on else ""


@dataclass(frozen=True)
class ObligationPanel:
    rows: list[tuple[Obligation, str, str]]  # obligation, form title, badge
    alerts: list[str]


def reporter_obligations(session: Session, actor: User, today: date) -> ObligationPanel:
    """The actor's unit's obligations still owed or due soon, by deadline; undated ones
    (deadline in an unconfirmed calendar year) come with the calendar alert."""
    body = body_of(session, actor.unit)
    obligations = session.scalars(
        select(Obligation)
        .where(
            Obligation.unit_id == body.id,
            or_(
                Obligation.due_on.is_(None),
                Obligation.state.in_([str(s) for s in OWED]),
                Obligation.due_on >= today,
            ),
            or_(Obligation.due_on.is_(None), Obligation.due_on <= today + HORIZON),
        )
        .order_by(Obligation.due_on.is_(None), Obligation.due_on, Obligation.form_code)
        .limit(30)
    ).all()
    rows = [
        (
            ob,
            form_for(ob.form_code, ob.period_start.year).title
            if ob.form_code in FORMS
            else ob.form_code,
            obligation_badge(session, ob, today),
        )
        for ob in obligations
    ]
    # A pending deadline shows as "待定（YYYY 年工作日历未确认）" in its row; the calendar alert
    # itself goes to administrators and leaders, never to a hospital's reporter.
    return ObligationPanel(rows, [])
