"""The reporting-obligation sweep: 3 and 1 working days before the deadline, on the day,
then overdue, escalated to the unit's leaders after a set number of working days.

Only obligations still owed are considered (not started, draft, returned); once a form
is submitted nothing more is sent. Reminders go to the unit's reporters (or, for a
body, its handlers) and by e-mail to the unit's named contact; each level once per
deadline (the idempotency key carries level and due date). The number of queries is
fixed, whatever the number of institutions.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, aliased, selectinload

from config.localtime import local_date
from directory.models import OrgUnit, User
from directory.permissions import Capability, can, roles_with
from notifications.batch import Message, enqueue_many
from notifications.chunks import Chunk, sweep_in_session
from notifications.clue_reminders import levels_for, sweep_horizon
from notifications.hours import in_working_time
from reporting.forms import FORMS
from reporting.models import Obligation, ObligationRule, ObligationState
from reporting.routing import recipient_offices
from workflow.calendar import WorkingCalendar, load_calendar

OWED = [ObligationState.NOT_STARTED, ObligationState.DRAFT, ObligationState.RETURNED]


@dataclass
class _Row:
    obligation_id: int
    unit_id: int
    parent_id: int | None
    unit_name: str
    contact_email: str
    form_code: str
    period_label: str
    due_on: date
    period_start: date
    rule_id: int


_DUE_COLUMNS = (
    Obligation.id,
    Obligation.unit_id,
    OrgUnit.parent_id,
    OrgUnit.name,
    OrgUnit.contact_email,
    Obligation.form_code,
    Obligation.period_label,
    Obligation.due_on,
    Obligation.period_start,
    Obligation.rule_id,
)


def sweep_obligations(session: Session, now: datetime) -> int:
    """Queue today's obligation reminders in ``session``; returns the deliveries queued.
    The scheduler's job runs ``obligation_chunk`` in transactions of its own."""
    return sweep_in_session(session, obligation_chunk, now)


def obligation_chunk(session: Session, now: datetime, after: int, size: int) -> Chunk | None:
    """Queue the reminders of at most ``size`` owed obligations with an id above ``after``."""
    calendar = load_calendar(session)
    if not in_working_time(now, calendar):
        return None
    messages, rows, last = obligation_messages(session, local_date(now), calendar, after, size)
    if not rows:
        return None
    return Chunk(rows, last, enqueue_many(session, messages))


def due_obligation_messages(
    session: Session, today: date, calendar: WorkingCalendar
) -> list[Message]:
    """The obligation reminders that apply on ``today``, without queueing them.

    Read-only: the sweep queues the result, the administrators' dry run only lists it.
    """
    return obligation_messages(session, today, calendar)[0]


def obligation_messages(
    session: Session,
    today: date,
    calendar: WorkingCalendar,
    after: int = 0,
    size: int | None = None,
) -> tuple[list[Message], int, int]:
    """The reminders of the owed obligations with an id above ``after`` (at most ``size``,
    in id order), how many were read, and the last id read."""
    horizon = sweep_horizon(calendar, today)
    due = (
        select(*_DUE_COLUMNS)
        .join(OrgUnit, OrgUnit.id == Obligation.unit_id)
        .where(
            Obligation.due_on.is_not(None),
            Obligation.due_on <= horizon,
            Obligation.state.in_([str(s) for s in OWED]),
            Obligation.id > after,
        )
    )
    read = due.order_by(Obligation.id)
    rows = [_Row(*r) for r in session.execute(read.limit(size) if size else read).all()]  # type: ignore[arg-type, call-arg]
    if not rows:
        return [], 0, after
    last = rows[-1].obligation_id
    these = due.where(Obligation.id <= last)
    fillers, leaders = _staff(session, these)
    messages = _all_messages(session, rows, today, calendar, fillers, leaders)
    return messages, len(rows), last


def _staff(session: Session, due: Select) -> tuple[dict, dict]:
    """Everyone concerned in one query: staff of the owing units (and their offices), and
    leaders of the units above them."""
    owed_units = due.with_only_columns(Obligation.unit_id).scalar_subquery()
    parents = due.with_only_columns(OrgUnit.parent_id).scalar_subquery()
    unit = aliased(OrgUnit)
    staff = session.execute(
        select(User, unit.id, unit.parent_id, unit.kind)
        .join(unit, unit.id == User.unit_id)
        .where(
            User.active.is_(True),
            (unit.id.in_(owed_units)) | (unit.parent_id.in_(owed_units)) | unit.id.in_(parents),
        )
    ).all()
    fillers: dict[int, list[User]] = defaultdict(list)
    leaders: dict[int, list[User]] = defaultdict(list)
    for user, unit_id, parent_id, kind in staff:
        body: int = parent_id if kind == "office" and parent_id is not None else unit_id
        # A 填报员 sits in the institution itself, so its body is its unit.
        if can(user, Capability.REPORTS_DUTY):
            fillers[body].append(user)
        elif can(user, Capability.ESCALATIONS):
            leaders[body].append(user)
    return fillers, leaders


def _all_messages(session, rows, today, calendar, fillers, leaders) -> list[Message]:
    receivers = _receivers(session, rows)
    messages: list[Message] = []
    for row in rows:
        for level in levels_for(row.due_on, today, calendar):
            messages.extend(_messages(row, level.code, level.days, fillers, leaders))
            if level.code == "overdue":
                messages.extend(_to_receivers(row, receivers.get(row.obligation_id, [])))
    return messages


def _receivers(session: Session, rows: list[_Row]) -> dict[int, list[User]]:
    """Per obligation, the staff of the offices its rule sends it to (seed 004: "报至医政股"):
    they are told when it is overdue, so they can chase it. Two queries, whatever the count."""
    rules = {
        r.id: r
        for r in session.scalars(
            select(ObligationRule)
            .where(ObligationRule.id.in_({row.rule_id for row in rows}))
            .options(selectinload(ObligationRule.recipients))
        )
    }
    if not any(r.recipients for r in rules.values()):
        return {}
    units = {
        u.id: u
        for u in session.scalars(
            select(OrgUnit).where(OrgUnit.id.in_({row.unit_id for row in rows}))
        )
    }
    offices = {
        row.obligation_id: [o.id for o in recipient_offices(rules[row.rule_id], units[row.unit_id])]
        for row in rows
        if rules[row.rule_id].recipients
    }
    wanted = {o for ids in offices.values() for o in ids}
    staff = session.scalars(
        select(User).where(
            User.active.is_(True),
            User.unit_id.in_(wanted),
            User.role.in_(sorted(roles_with(Capability.REPORTS_REVIEW))),
        )
    ).all()
    by_office = defaultdict(list)
    for user in staff:
        by_office[user.unit_id].append(user)
    return {ob: [u for o in ids for u in by_office[o]] for ob, ids in offices.items()}


@lru_cache(maxsize=512)
def _printed_title(form_code: str, year: int) -> str:
    """A form's title for a period of ``year`` (once per form and year: a sweep has 10⁴ rows)."""
    form = FORMS.get(form_code)
    return form.for_year(year).title if form else form_code


def _to_receivers(row: _Row, users: list[User]) -> list[Message]:
    printed = _printed_title(row.form_code, row.period_start.year)
    context: dict[str, object] = {
        "unit": row.unit_name,
        "title": f"{printed}（{row.period_label}）",
        "ref": row.period_label,
        "deadline": row.due_on.isoformat(),
        "path": f"/reporting/obligations/{row.obligation_id}",
    }
    ref = f"obligation:{row.obligation_id}"
    return [
        Message(u, ref, "overdue", row.due_on, "obligation_overdue", context, unit_id=row.unit_id)
        for u in users
    ]


def _messages(row: _Row, level: str, days: int, fillers, leaders) -> list[Message]:
    # The title as printed for the period's year, never the seed's ("2021年…").
    printed = _printed_title(row.form_code, row.period_start.year)
    title = f"{printed}（{row.period_label}）"
    ref = f"obligation:{row.obligation_id}"
    base: dict[str, object] = {
        "unit": row.unit_name,
        "title": title,
        "ref": row.period_label,
        "deadline": row.due_on.isoformat(),
        "path": f"/reporting/obligations/{row.obligation_id}",
    }
    if level == "escalated":
        bosses = leaders.get(row.unit_id) or leaders.get(row.parent_id or 0, [])
        return [
            Message(u, ref, level, row.due_on, "obligation_overdue", base, unit_id=row.unit_id)
            for u in bosses
        ]
    if level == "overdue":
        template, context = "obligation_overdue", base
    else:
        template, context = "obligation_due", base | {"days_left": days}
    messages = [
        Message(u, ref, level, row.due_on, template, context, unit_id=row.unit_id)
        for u in fillers.get(row.unit_id, [])
    ]
    if row.contact_email:
        messages.append(
            Message(
                None,
                ref,
                level,
                row.due_on,
                template,
                context,
                address=row.contact_email,
                unit_id=row.unit_id,
            )
        )
    return messages
