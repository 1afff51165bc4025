"""Demo obligations and submissions: the county's institutions for the last two months.

Dates are relative to the day the demo is loaded. The demo hospital's form of the month
before last was accepted, last month's was returned; every obligation that fell due before
the demo's window (the previous quarter or year, whatever ``generate_obligations`` creates
for "the period just ended") is entered as reported before the platform was used, so the
first reminder sweep never speaks of an old deadline. Runs after ``cases.demo`` so the
ledger has clues to prefill.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from config.database import utcnow
from config.localtime import LOCAL_TZ
from directory.models import OrgUnit, User
from reporting.cells import split_key
from reporting.formdef import CellKind
from reporting.forms import FORMS
from reporting.models import Cycle, Obligation, ObligationState, Submission, SubmissionState
from reporting.obligations import generate_obligations, period_containing, previous_period
from reporting.submissions import fire, save_draft, start_draft

# The demo's window: what fell due earlier than this many days before loading is history.
WINDOW_DAYS = 45
HISTORY_NOTE = "（系统启用前已报送）"

# (institution code, months back, figures typed, steps) — steps are (username, trigger, data).
Story = tuple[str, int, dict[str, str], list[tuple[str, str, dict[str, str]]]]
STORIES: list[Story] = [
    (
        "C01-D01-H01",
        2,
        {"public_l2|warnings": "2", "public_l2|courses": "1", "public_l2|trainees": "60"},
        [("reporter", "submit", {}), ("leader", "accept", {})],
    ),
    (
        "C01-D01-H01",
        1,
        {"public_l2|warnings": "3", "public_l2|courses": "2", "public_l2|trainees": "120"},
        [
            ("reporter", "submit", {}),
            ("handler", "send_back", {"reason": "培训人数请与签到表核对"}),
        ],
    ),
]


def month_back(today: date, months: int) -> date:
    """The first day of the month ``months`` before ``today``'s."""
    period = period_containing(Cycle.MONTHLY, today)
    for _ in range(months):
        period = previous_period(Cycle.MONTHLY, period)
    return period.start


def load_demo(session: Session, now: datetime | None = None) -> None:
    """Obligations of the last months for every unit, and the demo reporter's forms in two
    states; anything due before the demo's window is entered as reported."""
    now = (now or utcnow()).astimezone(LOCAL_TZ)
    today = now.date()
    for day in (month_back(today, 1) + timedelta(days=4), today):
        generate_obligations(session, day)
    users = {u.username: u for u in session.scalars(select(User))}
    for unit_code, months, typed, steps in STORIES:
        ob = session.scalar(
            select(Obligation)
            .join(OrgUnit, OrgUnit.id == Obligation.unit_id)
            .where(
                OrgUnit.code == unit_code,
                Obligation.form_code == "zl3",
                Obligation.period_start == month_back(today, months),
            )
        )
        assert ob is not None and ob.due_on is not None
        # Five days before the deadline, or yesterday if that is still to come.
        when = datetime.combine(ob.due_on - timedelta(days=5), datetime.min.time(), LOCAL_TZ)
        when = min(when.replace(hour=10), now - timedelta(days=1))
        _play(session, users, ob, typed, steps, when)
    _enter_history(session, today - timedelta(days=WINDOW_DAYS), now)


def _play(session, users, ob: Obligation, typed, steps, when: datetime) -> None:
    reporter = users["reporter"]
    sub = start_draft(session, reporter, ob, now=when)
    # Keep what the ledger proposed (核查线索) and add the figures typed in.
    form = FORMS[sub.form_code]
    proposed = {
        k: str(v)
        for k, v in sub.values.items()
        if form.cell_kind(*split_key(k)) is not CellKind.COMPUTED
    }
    raw = {**proposed, **typed}
    save_draft(session, reporter, sub, raw, signatures={"leader_name": "张院长"}, now=when)
    for i, (username, trigger, data) in enumerate(steps, start=1):
        fire(session, users[username], sub, trigger, data, now=when + timedelta(minutes=30 * i))


def _enter_history(session: Session, window_start: date, now: datetime) -> None:
    """Obligations due before the window, still owed: reported and accepted on paper."""
    old = session.scalars(
        select(Obligation).where(
            Obligation.due_on < window_start,
            Obligation.state == ObligationState.NOT_STARTED,
        )
    ).all()
    for ob in old:
        assert ob.due_on is not None
        at = datetime.combine(ob.due_on, datetime.min.time(), LOCAL_TZ).replace(hour=10)
        session.add(
            Submission(
                obligation=ob,
                unit_id=ob.unit_id,
                form_code=ob.form_code,
                state=SubmissionState.ACCEPTED,
                values={},
                filler_name=HISTORY_NOTE,
                submitted_at=at,
                accepted_at=at,
                created_at=at,
                updated_at=now,
            )
        )
        ob.state = ObligationState.ACCEPTED
    session.flush()
