"""Obligation periods and deadlines on the official 2026 calendar (调休 included); no guesses."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import delete, func, select

from reporting.jobs import JOBS, generate_obligations_job
from reporting.models import Obligation, ObligationRule
from reporting.obligations import (
    Period,
    add_campaign_rule,
    due_date,
    ensure_default_rules,
    generate_obligations,
    period_containing,
)
from tests.conftest import unit
from workflow.calendar_models import CalendarRequest
from workflow.engine import calendar_for

D = date

# Monthly period (month of 2026) -> deadline, "by the 12th" / "by the 14th", Art. 203.
BY_12TH = {
    1: D(2026, 2, 12),
    2: D(2026, 3, 12),
    3: D(2026, 4, 13),  # 4-12 is a Sunday
    4: D(2026, 5, 12),
    5: D(2026, 6, 12),
    6: D(2026, 7, 13),  # Sunday
    7: D(2026, 8, 12),
    8: D(2026, 9, 14),  # Saturday
    9: D(2026, 10, 12),
    10: D(2026, 11, 12),
    11: D(2026, 12, 14),  # Saturday
}
BY_14TH = {
    1: D(2026, 2, 14),  # a Saturday, but a make-up working day (Spring Festival 调休)
    2: D(2026, 3, 16),  # Saturday
    3: D(2026, 4, 14),
    4: D(2026, 5, 14),
    5: D(2026, 6, 15),  # Sunday
    6: D(2026, 7, 14),
    7: D(2026, 8, 14),
    8: D(2026, 9, 14),
    9: D(2026, 10, 14),
    10: D(2026, 11, 16),  # Saturday
    11: D(2026, 12, 14),
}
QUARTERLY = {
    D(2025, 10, 1): D(2026, 1, 6),  # 1-1..3 New Year; 1-4 (Sunday) is a make-up working day
    D(2026, 1, 1): D(2026, 4, 3),
    D(2026, 4, 1): D(2026, 7, 3),
    D(2026, 7, 1): D(2026, 10, 10),  # 10-1..7 National Day; 10-8, 10-9, 10-10 (Saturday, 调休)
}


def _rules(db):
    return {r.code: r for r in ensure_default_rules(db)}


def test_monthly_deadlines_of_2026(db):
    rules, cal = _rules(db), calendar_for(db)
    for month, want in BY_12TH.items():
        period = period_containing("monthly", D(2026, month, 1))
        assert period.label == f"2026年{month}月"
        assert due_date(rules["zl3_institution"], period, cal) == want, month
        assert due_date(rules["zl1_institution"], period, cal) == want, month
    for month, want in BY_14TH.items():
        period = period_containing("monthly", D(2026, month, 1))
        assert due_date(rules["zl2_body"], period, cal) == want, month
    december_2025 = period_containing("monthly", D(2025, 12, 31))
    assert due_date(rules["zl3_institution"], december_2025, cal) == D(2026, 1, 12)


def test_quarterly_and_annual_deadlines(db):
    rules, cal = _rules(db), calendar_for(db)
    for start, want in QUARTERLY.items():
        period = period_containing("quarterly", start)
        assert due_date(rules["quarterly_progress"], period, cal) == want, start
    assert period_containing("quarterly", D(2026, 8, 5)).label == "2026年第3季度"
    annual = period_containing("annual", D(2025, 6, 1))
    assert annual == Period(D(2025, 1, 1), D(2025, 12, 31), "2025年度")
    # 1-4 (Sunday, 调休), 5, 6, 7, 8: the fifth working day of 2026.
    assert due_date(rules["annual_summary"], annual, cal) == D(2026, 1, 8)


def test_2027_deadlines_are_not_guessed(db):
    """December 2026's forms are due in January 2027, a year nobody has confirmed."""
    result = generate_obligations(db, D(2026, 12, 20))
    assert 2027 in result.unknown_years
    hospital = unit(db, "C01-D01-H01")
    december = db.scalar(
        select(Obligation).where(
            Obligation.unit_id == hospital.id,
            Obligation.form_code == "zl3",
            Obligation.period_start == D(2026, 12, 1),
        )
    )
    assert december is not None
    assert december.due_on is None and december.calendar_unknown and december.unknown_year == 2027
    november = db.scalar(
        select(Obligation).where(
            Obligation.unit_id == hospital.id,
            Obligation.form_code == "zl3",
            Obligation.period_start == D(2026, 11, 1),
        )
    )
    assert november is not None and november.due_on == D(2026, 12, 14)


def test_generation_is_idempotent_and_owed_by_the_right_units(db):
    first = generate_obligations(db, D(2026, 11, 5))
    again = generate_obligations(db, D(2026, 11, 5))
    assert first.created > 0 and again.created == 0
    hospital, county = unit(db, "C01-D01-H01"), unit(db, "C01-D01")

    def forms(u):
        rows = db.execute(
            select(Obligation.form_code, Obligation.period_label, Obligation.due_on).where(
                Obligation.unit_id == u.id
            )
        ).all()
        return {(f, label): due for f, label, due in rows}

    own = forms(hospital)
    assert own[("zl3", "2026年10月")] == D(2026, 11, 12)
    assert own[("zl1", "2026年10月")] == D(2026, 11, 12)
    assert ("zl2", "2026年10月") not in own  # 统计表（二） is the county's, not the hospital's
    assert own[("quarterly_progress", "2026年第3季度")] == D(2026, 10, 10)
    assert own[("annual_summary", "2025年度")] == D(2026, 1, 8)
    body = forms(county)
    assert body[("zl2", "2026年10月")] == D(2026, 11, 16)
    assert ("zl3", "2026年10月") not in body


def test_campaign_rule_has_its_fixed_date(db):
    add_campaign_rule(
        db,
        code="campaign-2026-summary",
        form_code="campaign_summary",
        unit_kinds=["institution"],
        period_start=D(2026, 7, 1),
        period_end=D(2026, 11, 30),
        due=D(2026, 12, 1),
        label="2026年专项整治工作总结",
    )
    generate_obligations(db, D(2026, 11, 5))
    row = db.scalar(
        select(Obligation).where(
            Obligation.unit_id == unit(db, "C01-D01-H02").id,
            Obligation.form_code == "campaign_summary",
        )
    )
    assert row is not None and row.due_on == D(2026, 12, 1)
    assert row.period_label == "2026年专项整治工作总结"


def test_job_records_the_unknown_year_in_its_own_transaction(session_factory, connection):
    # pysqlite opens the outer transaction only at the first DML; without it the job's
    # SAVEPOINT would begin (and its RELEASE commit) a real transaction on SQLite.
    connection.execute(delete(CalendarRequest).where(CalendarRequest.year == 0))
    assert [j.id for j in JOBS] == ["reporting.generate_obligations"]
    summary = generate_obligations_job(session_factory, None, datetime(2026, 12, 20, 2, tzinfo=UTC))  # type: ignore[arg-type]
    created = int(summary.split()[1])
    assert summary == f"新建报表任务 {created} 个" and created > 0
    with session_factory() as check:
        request = check.get(CalendarRequest, 2027)
        assert request is not None and "报送期限" in request.context
        count = check.scalar(select(func.count()).select_from(Obligation))
        assert count == created
        assert check.scalar(select(func.count()).select_from(ObligationRule)) >= 6
