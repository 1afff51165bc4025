"""The clue time-limit sweep: due soon (3 and 1 working days, the day itself), overdue,
then escalation to the unit's leaders.

Each level is sent once per deadline: the idempotency key carries the level and the due
date, so a sweep run again — after a restart, a retry or by a second scheduler — queues
nothing new. After downtime only the level that applies now is sent (a stale "3 days
left" would mislead). Reminders go to the responsible person: the clue's handler, or the
unit's intake clerks while no handler is assigned; escalations to the unit's leaders. The
due and overdue levels also go to the clue's subscribers (关注, cases.subscriptions) who can
still see it, each user once: a handler who follows their own clue gets one message.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session

from cases.models import Clue
from cases.states import CLOSED_STATES
from cases.subscriptions import subscribers_by_clue
from cases.timelimits import RULES
from config.errors import CalendarUnknown
from config.localtime import local_date
from directory.models import OrgUnit, User
from directory.permissions import Capability, can, roles_with
from notifications.batch import Message, enqueue_many
from notifications.chunks import Chunk, sweep_in_session
from notifications.hours import in_working_time
from notifications.supervisors import supervising_leaders
from workflow.calendar import WorkingCalendar, load_calendar

# The staff of a body told of its clues: the clerks (受理) and the leaders (升级).
TOLD = sorted(roles_with(Capability.INTAKE_REMINDERS) | roles_with(Capability.ESCALATIONS))

ESCALATE_AFTER_WORKING_DAYS = 3
CLOSED = [str(s) for s in CLOSED_STATES]


@dataclass(frozen=True)
class Level:
    code: str  # due_3 | due_1 | due_0 | overdue | escalated
    days: int  # working days left, or working days over


def sweep_horizon(calendar: WorkingCalendar, today: date) -> date:
    """The last due date a sweep looks at: 3 working days ahead.

    In late December with next year unconfirmed the 3 working days cannot be counted; the
    sweep then looks 10 calendar days ahead (more than 3 working days plus 元旦 and a
    weekend) rather than failing: ``levels_for`` decides what is really due.
    """
    try:
        return calendar.add_working_days(today, 3)
    except CalendarUnknown:
        return today + timedelta(days=10)


def _weekdays_between(start: date, end: date) -> int:
    """Monday–Friday days after ``start`` up to ``end``: only for a reminder's level when the
    year is unconfirmed (a reminder a day early beats none); never for a deadline."""
    return sum(
        1 for i in range(1, (end - start).days + 1) if (start + timedelta(days=i)).weekday() < 5
    )


def levels_for(due: date, today: date, calendar: WorkingCalendar) -> list[Level]:
    """The reminder levels that apply today to a deadline (most urgent first)."""
    try:
        return _levels(due, today, calendar.working_days_between)
    except CalendarUnknown:  # a fixed date (a superior's, a notice's) in an unconfirmed year
        return _levels(
            due, today, lambda a, b: _weekdays_between(a, b) if a <= b else -_weekdays_between(b, a)
        )


def _levels(due: date, today: date, between: Callable[[date, date], int]) -> list[Level]:
    if today > due:
        over = between(due, today)
        result = [Level("overdue", over)]
        if over >= ESCALATE_AFTER_WORKING_DAYS:
            result.insert(0, Level("escalated", over))
        return result
    left = between(today, due)
    if left == 0:
        return [Level("due_0", 0)]
    if left <= 1:
        return [Level("due_1", left)]
    if left <= 3:
        return [Level("due_3", left)]
    return []


def sweep_clues(session: Session, now: datetime) -> int:
    """Queue today's clue reminders in ``session``; returns how many deliveries were queued.
    The scheduler's job runs ``clue_chunk`` in transactions of its own (notifications.chunks)."""
    return sweep_in_session(session, clue_chunk, now)


def clue_chunk(session: Session, now: datetime, after: int, size: int) -> Chunk | None:
    """Queue the reminders of at most ``size`` due clues with an id above ``after``."""
    calendar = load_calendar(session)
    if not in_working_time(now, calendar):
        return None
    messages, rows, last = clue_messages(session, local_date(now), calendar, after, size)
    if not rows:
        return None
    return Chunk(rows, last, enqueue_many(session, messages))


def due_clue_messages(session: Session, today: date, calendar: WorkingCalendar) -> list[Message]:
    """The clue reminders that apply on ``today``, without queueing them.

    Read-only: the sweep queues the result, the administrators' dry run only lists it.
    """
    return clue_messages(session, today, calendar)[0]


def clue_messages(
    session: Session,
    today: date,
    calendar: WorkingCalendar,
    after: int = 0,
    size: int | None = None,
) -> tuple[list[Message], int, int]:
    """The reminders of the due clues with an id above ``after`` (at most ``size`` of them,
    in id order), how many clues were read, and the last id read."""
    horizon = sweep_horizon(calendar, today)
    swept = (Clue.next_due_on.is_not(None), Clue.next_due_on <= horizon, Clue.state.not_in(CLOSED))
    # Plain rows, not mapped objects: a sweep reads tens of thousands of clues once.
    stmt = (
        select(Clue.id, Clue.unit_id, Clue.handler_id, Clue.ledger_no, Clue.clocks)
        .where(*swept, Clue.id > after)
        .order_by(Clue.id)
    )
    clues = session.execute(stmt.limit(size) if size else stmt).all()
    if not clues:
        return [], 0, after
    last = clues[-1].id
    these = select(Clue.id).where(*swept, Clue.id > after, Clue.id <= last)
    people = responsible_people(session, clues, subscribed=these)
    people.supervisors = supervising_leaders(session, these)
    return _clue_messages(clues, today, horizon, calendar, people), len(clues), last


def _clue_messages(clues, today, horizon, calendar, people: People) -> list[Message]:
    messages: list[Message] = []
    levels: dict[str, tuple[date, list[Level]]] = {}  # by due date: a few dozen distinct ones
    for clue in clues:
        for name, clock in (clue.clocks or {}).items():
            if clock.get("met_on") or clock.get("paused_on"):
                continue
            text = clock["due"]
            if text not in levels:
                day = date.fromisoformat(text)
                levels[text] = (day, levels_for(day, today, calendar) if day <= horizon else [])
            due, apply = levels[text]
            for level in apply:
                messages.extend(_messages(clue, name, due, level, people))
    return messages


@dataclass
class People:
    users: dict[int, User]
    clerks: dict[int, list[User]]
    leaders: dict[int, list[User]]
    subscribers: dict[int, list[User]] = field(default_factory=dict)  # by clue id
    # 挂牌督办: the superior's leaders, by clue id; they hear the escalation too.
    supervisors: dict[int, list[User]] = field(default_factory=dict)

    def and_subscribers(self, clue_id: int, recipients: list[User]) -> list[User]:
        """``recipients``, then the clue's subscribers who are not among them already."""
        followers = self.subscribers.get(clue_id)
        if not followers:
            return recipients
        seen = {u.id for u in recipients}
        return [*recipients, *(u for u in followers if u.id not in seen)]


def responsible_people(
    session: Session, clues: Sequence[Any], *, subscribed: Select[Any] | None = None
) -> People:
    """Handlers, clerks and leaders of every body concerned, in two queries; with
    ``subscribed`` (a SELECT of the same clues' ids, on the sweep's own filter) their
    subscribers in a third.

    ``clues`` are rows with ``unit_id`` (the body) and ``handler_id``; the referral sweep
    passes its rows too.
    """
    bodies = {c.unit_id for c in clues}
    handler_ids = {c.handler_id for c in clues if c.handler_id}
    offices = select(OrgUnit.id, OrgUnit.parent_id).where(OrgUnit.parent_id.in_(bodies))
    body_of = {b: b for b in bodies} | {o: p for o, p in session.execute(offices).all()}
    staff = session.scalars(
        select(User).where(
            User.active.is_(True),
            or_(
                User.id.in_(handler_ids),
                User.unit_id.in_(list(body_of)) & User.role.in_(TOLD),
            ),
        )
    ).all()
    clerks: dict[int, list[User]] = defaultdict(list)
    leaders: dict[int, list[User]] = defaultdict(list)
    for user in staff:
        body = body_of.get(user.unit_id)
        if body is None:
            continue
        if can(user, Capability.INTAKE_REMINDERS):
            clerks[body].append(user)
        elif can(user, Capability.ESCALATIONS):
            leaders[body].append(user)
    followers = subscribers_by_clue(session, subscribed) if subscribed is not None else {}
    return People({u.id: u for u in staff}, clerks, leaders, followers)


def _messages(clue: Any, clock: str, due: date, level: Level, people: People) -> list[Message]:
    rule = RULES[clock]
    ref = f"clue:{clue.id}/{clock}"
    path = f"/clues/{clue.id}"
    reference = clue.ledger_no or f"待受理-{clue.id}"  # as Clue.reference
    base = {"ref": reference, "stage": rule.label, "deadline": due.isoformat(), "path": path}
    if level.code == "escalated":
        handler = people.users.get(clue.handler_id) if clue.handler_id else None
        context = base | {
            "days_over": level.days,
            "handler": handler.display_name if handler else "未指定",
        }
        leaders = people.leaders.get(clue.unit_id, [])
        supervisors = people.supervisors.get(clue.id)
        if supervisors:
            seen = {u.id for u in leaders}
            leaders = [*leaders, *(u for u in supervisors if u.id not in seen)]
        return [
            Message(u, ref, level.code, due, "clue_escalated", context, unit_id=clue.unit_id)
            for u in leaders
        ]
    handler = people.users.get(clue.handler_id) if clue.handler_id else None
    recipients = [handler] if handler else people.clerks.get(clue.unit_id, [])
    # Subscribers hear of the due and overdue levels; the escalation stays a 督办 addressed
    # to the leaders (they may follow the clue as well, and then get both).
    recipients = people.and_subscribers(clue.id, recipients)
    if level.code == "overdue":
        template, context = "clue_overdue", base
    else:
        template, context = "clue_due", base | {"days_left": level.days}
    return [
        Message(u, ref, level.code, due, template, context, unit_id=clue.unit_id)
        for u in recipients
    ]
