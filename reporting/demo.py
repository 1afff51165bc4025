"""Demo obligations and submissions: the county's institutions for September and October 2026.

Past months on purpose: their deadlines fall in 2026, a year the official calendar covers,
whatever day the demo is loaded. Runs after ``cases.demo`` so the ledger has clues to prefill.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from directory.models import OrgUnit, User
from reporting.cells import split_key
from reporting.formdef import CellKind
from reporting.forms import FORMS
from reporting.models import Obligation
from reporting.obligations import generate_obligations
from reporting.submissions import fire, save_draft, start_draft

SH = ZoneInfo("Asia/Shanghai")

# (institution code, period start, figures typed, steps) — steps are (username, trigger, data).
Story = tuple[str, date, dict[str, str], list[tuple[str, str, dict[str, str]]]]
STORIES: list[Story] = [
    (
        "C01-D01-H01",
        date(2026, 9, 1),
        {"public_l2|warnings": "2", "public_l2|courses": "1", "public_l2|trainees": "60"},
        [("reporter", "submit", {}), ("leader", "accept", {})],
    ),
    (
        "C01-D01-H01",
        date(2026, 10, 1),
        {"public_l2|warnings": "3", "public_l2|courses": "2", "public_l2|trainees": "120"},
        [
            ("reporter", "submit", {}),
            ("handler", "send_back", {"reason": "培训人数请与签到表核对"}),
        ],
    ),
]


def load_demo(session: Session) -> None:
    """Obligations of Sept–Nov 2026 for every unit, and the demo reporter's forms in two states."""
    for today in (date(2026, 10, 5), date(2026, 11, 5)):
        generate_obligations(session, today)
    users = {u.username: u for u in session.scalars(select(User))}
    for unit_code, start, typed, steps in STORIES:
        ob = session.scalar(
            select(Obligation)
            .join(OrgUnit, OrgUnit.id == Obligation.unit_id)
            .where(
                OrgUnit.code == unit_code,
                Obligation.form_code == "zl3",
                Obligation.period_start == start,
            )
        )
        assert ob is not None and ob.due_on is not None
        when = datetime.combine(ob.due_on - timedelta(days=5), datetime.min.time(), SH)
        when = when.replace(hour=10)
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
            fire(session, users[username], sub, trigger, data, now=when + timedelta(hours=i))
