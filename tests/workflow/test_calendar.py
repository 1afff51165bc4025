"""Counting time limits on the official calendar: Civil Code Art. 201/203, 调休, unknown years."""

from __future__ import annotations

import random
from datetime import date, timedelta

import chinese_calendar
import pytest
from sqlalchemy import func, select

from config.errors import CalendarUnknown, NotFound, PermissionDenied, ValidationError
from directory.models import OrgUnit
from tests.conftest import user
from workflow.calendar import WorkingCalendar, load_calendar
from workflow.calendar_models import CalendarDay, CalendarRequest, CalendarSource, CalendarYear
from workflow.calendar_service import (
    calendar_alerts,
    parse_day_lines,
    record_unknown_year,
    set_year,
    set_year_from_text,
    unconfirm_year,
)
from workflow.calendar_source import package_years, seed_from_package

D = date

# A made-up 2027 schedule for the tests (not the official notice, which is not out yet).
HOLIDAYS_2027 = """\
2027-01-01 至 2027-01-03 元旦
2027-02-06 ~ 2027-02-14 春节
2027-10-01 至 2027-10-07 国庆节
"""
WORKDAYS_2027 = """\
2027-02-20 春节
2027-10-09 国庆节
"""


@pytest.fixture
def cal(db) -> WorkingCalendar:
    return load_calendar(db)


def test_seeded_years_are_the_packages_and_are_confirmed(db, cal):
    assert package_years()[0] == 2004 and 2026 in package_years()
    assert all(cal.is_confirmed(y) for y in package_years())
    assert not cal.is_confirmed(2027)
    row = db.get(CalendarYear, 2026)
    assert row.source == CalendarSource.PACKAGE and row.confirmed
    spring = db.get(CalendarDay, D(2026, 2, 17))
    assert (spring.kind, spring.name) == ("holiday", "春节")


def test_is_workday_matches_the_state_council_schedule_every_day_2004_2026(cal):
    day = D(2004, 1, 1)
    while day.year <= 2026:
        assert cal.is_workday(day) == chinese_calendar.is_workday(day), day
        day += timedelta(days=1)


def _naive_add(event: date, n: int) -> date:
    day = event
    while n:
        day += timedelta(days=1)
        if chinese_calendar.is_workday(day):
            n -= 1
    return day


def test_working_day_arithmetic_agrees_with_a_day_by_day_count(cal):
    rng = random.Random(20261122)
    for _ in range(400):
        event = D(2005, 1, 1) + timedelta(days=rng.randrange(0, 365 * 21))
        n = rng.randrange(1, 300)
        deadline = cal.add_working_days(event, n)
        assert deadline == _naive_add(event, n), (event, n)
        assert cal.working_days_between(event, deadline) == n
        assert cal.working_days_between(deadline, event) == -n
        # Counting back lands on the last working day on or before the event.
        latest = event
        while not chinese_calendar.is_workday(latest):
            latest -= timedelta(days=1)
        assert cal.add_working_days(deadline, -n) == latest, (deadline, n)


def test_negative_working_days_count_back_for_early_warnings(cal):
    # Three working days before 2026-10-09 (Fri): Oct 1–7 are the National Day break.
    assert cal.add_working_days(D(2026, 10, 9), -1) == D(2026, 10, 8)
    assert cal.add_working_days(D(2026, 10, 9), -2) == D(2026, 9, 30)
    assert cal.add_working_days(D(2026, 10, 9), -3) == D(2026, 9, 29)
    # Across a year boundary: 2026-01-04 (Sun) is a make-up day, Jan 1–3 the New Year break.
    assert cal.add_working_days(D(2026, 1, 5), -1) == D(2026, 1, 4)
    assert cal.add_working_days(D(2026, 1, 5), -2) == D(2025, 12, 31)
    assert cal.add_working_days(D(2026, 1, 5), 0) == D(2026, 1, 5)


def test_fifteen_working_days_across_spring_festival_2026(cal):
    # Art. 201: counting starts the day after the event (Thu 12 Feb). Sat 14 Feb and
    # Sat 28 Feb are make-up working days; 15–23 Feb is the Spring Festival break.
    assert cal.is_workday(D(2026, 2, 14)) and cal.is_workday(D(2026, 2, 28))
    assert not cal.is_workday(D(2026, 2, 16)) and not cal.is_workday(D(2026, 2, 23))
    assert cal.add_working_days(D(2026, 2, 12), 1) == D(2026, 2, 13)
    assert cal.add_working_days(D(2026, 2, 12), 2) == D(2026, 2, 14)
    assert cal.add_working_days(D(2026, 2, 12), 3) == D(2026, 2, 24)
    assert cal.add_working_days(D(2026, 2, 12), 15) == D(2026, 3, 11)


def test_fifteen_working_days_across_national_day_2025(cal):
    # Sun 28 Sep and Sat 11 Oct 2025 are make-up days; 1–8 Oct is the break.
    assert cal.add_working_days(D(2025, 9, 26), 1) == D(2025, 9, 28)
    assert cal.add_working_days(D(2025, 9, 26), 15) == D(2025, 10, 23)
    # A forwarded tip must be accepted within 5 working days.
    assert cal.add_working_days(D(2025, 9, 30), 5) == D(2025, 10, 14)


def test_natural_day_limit_ending_in_a_holiday_moves_to_the_next_working_day(cal):
    # Art. 203: 60 days after 4 Aug 2026 is Sat 3 Oct, inside the National Day break.
    assert D(2026, 8, 4) + timedelta(days=60) == D(2026, 10, 3)
    assert cal.add_days(D(2026, 8, 4), 60) == D(2026, 10, 8)
    # A limit ending on a plain Sunday moves to Monday ...
    assert cal.add_days(D(2026, 5, 12), 60) == D(2026, 7, 13)
    # ... but one ending on a make-up Saturday (28 Feb 2026) does not move.
    assert cal.add_days(D(2025, 12, 30), 60) == D(2026, 2, 28)
    # An ordinary working day stays: 30 days after 1 Jun 2026 is Wed 1 Jul.
    assert cal.add_days(D(2026, 6, 1), 30) == D(2026, 7, 1)
    with pytest.raises(ValueError, match="negative"):
        cal.add_days(D(2026, 6, 1), -1)


def test_due_soon_and_overdue_counts(cal):
    deadline = D(2026, 10, 9)
    assert cal.working_days_between(D(2026, 9, 30), deadline) == 2  # Oct 8 and 9
    assert cal.working_days_between(D(2026, 9, 25), deadline) == 5  # 28, 29, 30 Sep, 8, 9 Oct
    assert cal.working_days_between(deadline, deadline) == 0
    assert cal.working_days_between(D(2026, 10, 12), deadline) == -2  # 10 Oct is a make-up day
    assert cal.working_days_between(D(2025, 12, 31), D(2026, 1, 5)) == 2  # 4 Jan (Sun), 5 Jan


def test_next_workday_and_reporting_periods(cal):
    assert cal.next_workday(D(2026, 10, 1)) == D(2026, 10, 8)
    assert cal.next_workday(D(2026, 10, 8)) == D(2026, 10, 8)
    assert cal.next_workday(D(2026, 9, 20)) == D(2026, 9, 20)  # a make-up Sunday
    # Quarterly progress within the first 3 working days after Q3: 8, 9, Sat 10 Oct.
    assert cal.nth_workday_of_month(2026, 10, 3) == D(2026, 10, 10)
    # Annual summary within the first 5 working days of January 2026 (Sun 4 Jan is one).
    assert cal.nth_workday_of_month(2026, 1, 1) == D(2026, 1, 4)
    assert cal.nth_workday_of_month(2026, 1, 5) == D(2026, 1, 8)
    assert cal.nth_workday_of_month(2004, 1, 1) == D(2004, 1, 2)
    with pytest.raises(ValueError, match="fewer"):
        cal.nth_workday_of_month(2026, 2, 20)
    with pytest.raises(ValueError, match="fewer"):
        cal.nth_workday_of_month(2026, 12, 30)


def test_a_year_nobody_confirmed_is_refused_never_guessed(cal):
    with pytest.raises(CalendarUnknown, match="2027 年的工作日历尚未确认") as caught:
        cal.is_workday(D(2027, 1, 4))
    assert "管理员" in caught.value.message and caught.value.details == {"year": 2027}
    # 21–31 Dec 2026 hold only 9 working days: the 15th falls in 2027.
    with pytest.raises(CalendarUnknown, match="2027"):
        cal.add_working_days(D(2026, 12, 20), 15)
    assert cal.add_working_days(D(2026, 12, 20), 9) == D(2026, 12, 31)
    with pytest.raises(CalendarUnknown, match="2027"):
        cal.add_days(D(2026, 12, 1), 60)
    with pytest.raises(CalendarUnknown, match="2027"):
        cal.working_days_between(D(2026, 12, 1), D(2027, 1, 15))
    with pytest.raises(CalendarUnknown, match="2003"):
        cal.add_working_days(D(2004, 1, 5), -5)
    with pytest.raises(CalendarUnknown, match="2027"):
        cal.nth_workday_of_month(2027, 1, 5)


def test_next_year_is_an_alert_from_1_november(db):
    assert calendar_alerts(db, D(2026, 10, 31)) == []
    alerts = calendar_alerts(db, D(2026, 11, 1))
    assert [a.year for a in alerts] == [2027]
    assert "2027 年的工作日历尚未确认" in alerts[0].message
    # In 2027 itself the current year is missing too.
    assert "本年度" in calendar_alerts(db, D(2027, 3, 1))[0].reasons


def test_a_refused_deadline_is_recorded_for_administrators_after_rollback(db):
    db.add(OrgUnit(code="TMP", name="临时", kind="province", path="/x/", depth=0))
    db.flush()
    try:
        load_calendar(db).add_working_days(D(2028, 3, 1), 15)
    except CalendarUnknown as err:
        db.rollback()  # the work that needed the deadline is abandoned ...
        record_unknown_year(db, err.details["year"], "线索 QF-2028-0001 受理告知期限")
        db.commit()  # ... but the request is kept in its own short transaction
    assert db.scalar(select(OrgUnit).where(OrgUnit.code == "TMP")) is None
    record_unknown_year(db, 2028, "")
    request = db.get(CalendarRequest, 2028)
    assert request.times == 2 and request.context == "线索 QF-2028-0001 受理告知期限"
    alerts = calendar_alerts(db, D(2026, 3, 1))
    assert [a.year for a in alerts] == [2028]
    assert "线索 QF-2028-0001" in alerts[0].message


def test_admin_enters_2027_and_deadlines_in_2027_compute(db):
    admin = user(db, "admin")
    row = set_year_from_text(db, admin, 2027, HOLIDAYS_2027, WORKDAYS_2027, "测试用安排")
    assert row.confirmed and row.source == CalendarSource.ADMIN and row.confirmed_by == admin.id
    assert db.scalar(select(func.count()).where(CalendarDay.year == 2027)) == 21
    cal = load_calendar(db)
    # 9 working days left in December 2026, New Year break 1–3 Jan, then 4–8 and 11 Jan.
    assert cal.add_working_days(D(2026, 12, 20), 15) == D(2027, 1, 11)
    assert cal.add_days(D(2026, 12, 10), 60) == D(2027, 2, 15)  # 8 Feb is in the break
    assert cal.is_workday(D(2027, 2, 20)) and not cal.is_workday(D(2027, 2, 8))
    assert calendar_alerts(db, D(2026, 11, 15)) == []


def test_admin_overrides_survive_reseeding(db):
    admin = user(db, "admin")
    # An administrator corrects 2026 (say, a provincial extra rest day) ...
    set_year(db, admin, 2026, [(D(2026, 10, 8), "国庆节")], [(D(2026, 10, 10), "国庆节")], "更正")
    unconfirm_year(db, admin, 2025)
    seeded = seed_from_package(db)
    assert 2026 not in seeded and 2025 not in seeded and 2024 in seeded
    cal = load_calendar(db)
    assert not cal.is_workday(D(2026, 10, 8)) and cal.is_workday(D(2026, 10, 1))
    assert not cal.is_confirmed(2025)
    with pytest.raises(CalendarUnknown, match="2025"):
        cal.add_working_days(D(2025, 9, 26), 15)
    assert db.get(CalendarYear, 2026).source == CalendarSource.ADMIN


def test_seeding_is_idempotent_and_repairs_package_years(db):
    before = db.get(CalendarYear, 2024).confirmed_at
    count = db.scalar(select(func.count()).select_from(CalendarDay))
    assert seed_from_package(db) == package_years()
    assert db.scalar(select(func.count()).select_from(CalendarDay)) == count
    assert db.get(CalendarYear, 2024).confirmed_at == before
    db.delete(db.get(CalendarDay, D(2024, 10, 1)))
    db.flush()
    seed_from_package(db)
    assert db.get(CalendarDay, D(2024, 10, 1)).name == "国庆节"


def test_only_admins_change_the_calendar(db):
    for name in ("leader", "clerk", "inspector"):
        with pytest.raises(PermissionDenied):
            set_year(db, user(db, name), 2027, [], [], "")
        with pytest.raises(PermissionDenied):
            unconfirm_year(db, user(db, name), 2026)
    assert db.get(CalendarYear, 2027) is None
    with pytest.raises(NotFound):
        unconfirm_year(db, user(db, "admin"), 2030)


def test_bad_entries_are_refused_naming_each_line_and_nothing_is_saved(db):
    admin = user(db, "admin")
    holidays = "2027-01-01 元旦\n2027-02-30 春节\n2026-12-31 元旦\n2027-03-01 x\n"
    workdays = "明天\n2027-02-22 春节\n2027-03-01 x\n"
    with pytest.raises(ValidationError) as caught:
        set_year_from_text(db, admin, 2027, holidays, workdays, "")
    details = caught.value.details
    assert "未保存" in caught.value.message
    assert any("放假日期第 2 行" in d and "日期无效" in d for d in details)
    assert any("调休上班日期第 1 行“明天”" in d for d in details)
    # Line-level errors are reported first; fix them and the checks on the dates follow.
    with pytest.raises(ValidationError) as caught:
        set_year_from_text(
            db, admin, 2027, "2027-01-01 元旦\n2026-12-31\n2027-03-01 x", workdays[3:], ""
        )
    details = caught.value.details
    assert any("放假日期第 2 行（2026-12-31）：不属于 2027 年" in d for d in details)
    assert any("调休上班日期第 1 行（2027-02-22）：是星期一" in d for d in details)
    assert any("调休上班日期第 2 行（2027-03-01）" in d and "既放假又上班" in d for d in details)
    assert db.get(CalendarYear, 2027) is None


def test_parse_accepts_chinese_dates_ranges_and_comments():
    days, errors = parse_day_lines(
        "# 国办发明电\n2027年1月1日 元旦\n\n2027/2/6 至 2027/2/8 春节\n", "放假日期"
    )
    assert errors == []
    assert [(d.day, d.name, d.line) for d in days] == [
        (D(2027, 1, 1), "元旦", 2),
        (D(2027, 2, 6), "春节", 4),
        (D(2027, 2, 7), "春节", 4),
        (D(2027, 2, 8), "春节", 4),
    ]
    _, errors = parse_day_lines("2027-02-08 至 2027-02-06 春节", "放假日期")
    assert errors and "第 1 行" in errors[0]
