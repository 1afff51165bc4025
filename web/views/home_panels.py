"""The role-specific panels of the home page that are not clue lists: the reporter's
obligations, the clerk's intake queue, the administrator's alerts (issue 9)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from config.database import utcnow
from config.errors import DomainError
from directory.jurisdiction import body_of, visible_unit_ids
from directory.models import User
from notifications.scheduler import LEASE_NAME, collect_jobs
from notifications.status import scheduler_status
from reporting.forms import FORMS, form_for
from reporting.models import Obligation, ObligationState
from tips.models import MailQuarantine, QuarantineStatus, Tip, TipStatus
from workflow import timelimits
from workflow.calendar_service import calendar_alerts
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


# Tips that other bodies send in: a superior's referral (上级交办), another department's
# transfer, an inspection tour's hand-over, a lower unit's report. Each waits for the clerk.
REFERRAL_CHANNELS = ("superior", "department", "inspection_tour", "lower_unit")


@dataclass(frozen=True)
class IntakeQueue:
    mailbox: int
    portal: int
    quarantine: int
    portal_tips: list[Tip]
    referrals: dict[str, int]  # waiting tips by referral channel, only those with any


def intake_queue(session: Session, actor: User) -> IntakeQueue:
    """Tips waiting for a decision in the actor's jurisdiction, by channel (no identities)."""
    units = visible_unit_ids(session, actor)
    mailbox = session.scalar(
        select(func.count())
        .select_from(Tip)
        .where(Tip.unit_id.in_(units), Tip.channel == "mailbox", Tip.clue_id.is_(None))
    )
    waiting_portal = (
        select(Tip)
        .where(Tip.unit_id.in_(units), Tip.channel == "portal", Tip.status == TipStatus.RECEIVED)
        .order_by(Tip.received_at)
    )
    portal = session.scalar(select(func.count()).select_from(waiting_portal.subquery()))
    quarantine = session.scalar(
        select(func.count())
        .select_from(MailQuarantine)
        .where(MailQuarantine.unit_id.in_(units), MailQuarantine.status == QuarantineStatus.OPEN)
    )
    referrals = session.execute(
        select(Tip.channel, func.count())
        .where(
            Tip.unit_id.in_(units),
            Tip.channel.in_(REFERRAL_CHANNELS),
            Tip.status == TipStatus.RECEIVED,
        )
        .group_by(Tip.channel)
    ).all()
    return IntakeQueue(
        mailbox or 0,
        portal or 0,
        quarantine or 0,
        list(session.scalars(waiting_portal.limit(10))),
        {
            channel: n
            for channel, n in sorted(referrals, key=lambda r: REFERRAL_CHANNELS.index(r[0]))
        },
    )


@dataclass(frozen=True)
class AdminAlerts:
    calendar: list[str]
    failed: int
    dead: int
    lease_holder: str | None
    lease_live: bool
    lease_expires: datetime | None
    stale_jobs: list[str]  # labels of jobs whose last run failed


def admin_alerts(session: Session, actor: User, today: date) -> AdminAlerts:
    """Calendar years not confirmed, failed and dead deliveries, and the scheduler's lease."""
    status = scheduler_status(session, actor, collect_jobs(), lease_name=LEASE_NAME, limit=1)
    lease = status.lease
    expires = lease.expires_at if lease else None
    return AdminAlerts(
        calendar=[a.message for a in calendar_alerts(session, today)],
        failed=status.counts.get("failed", 0),
        dead=status.counts.get("dead", 0),
        lease_holder=lease.holder if lease else None,
        lease_live=bool(expires and expires > utcnow()),
        lease_expires=expires,
        stale_jobs=[
            row.spec.label for row in status.jobs if row.run and row.run.last_status == "error"
        ],
    )
