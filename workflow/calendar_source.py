"""Seeding the calendar from the ``chinesecalendar`` package.

The package carries the State Council's 放假安排 for the years it was released for
(2004–2026 in 1.11.0) and raises for later ones, which is what we want: a year it
does not know stays unconfirmed until an administrator enters it.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from importlib.metadata import PackageNotFoundError, version

import chinese_calendar
from sqlalchemy import select
from sqlalchemy.orm import Session

from config.database import utcnow
from workflow.calendar_models import CalendarDay, CalendarSource, CalendarYear, DayKind
from workflow.pending import resolve_year

# The package names holidays in English; the office reads Chinese.
HOLIDAY_NAMES: dict[str, str] = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}


def package_version() -> str:
    try:
        return version("chinesecalendar")
    except PackageNotFoundError:  # pragma: no cover - installed as a dependency
        return "?"


def _zh(name: object) -> str:
    text = str(getattr(name, "value", name))
    return HOLIDAY_NAMES.get(text, text)[:50]


def package_years() -> list[int]:
    """The years the package has data for (asked of the package itself, never assumed)."""
    candidates = {d.year for d in chinese_calendar.holidays}
    known = []
    for year in sorted(candidates):
        try:
            chinese_calendar.is_workday(date(year, 1, 1))
        except NotImplementedError:
            continue
        known.append(year)
    return known


def package_days(year: int) -> Iterator[tuple[date, DayKind, str]]:
    """The package's rest days and make-up working days of ``year``."""
    for day, name in sorted(chinese_calendar.holidays.items()):
        if day.year == year:
            yield day, DayKind.HOLIDAY, _zh(name)
    for day, name in sorted(chinese_calendar.workdays.items()):
        if day.year == year:
            yield day, DayKind.WORKDAY, _zh(name)


def seed_from_package(session: Session) -> list[int]:
    """Insert or refresh every year the package knows, except years an administrator entered.

    Idempotent: a second run changes nothing. Returns the years now held from the package.
    """
    note = f"据 chinesecalendar {package_version()} 载入（国务院办公厅历年放假安排）"
    seeded: list[int] = []
    newly_confirmed: list[int] = []
    for year in package_years():
        row = session.get(CalendarYear, year)
        if row is not None and row.source == CalendarSource.ADMIN:
            continue
        if row is None:
            row = CalendarYear(year=year, source=CalendarSource.PACKAGE, confirmed=False, note="")
            session.add(row)
        changed = _sync_days(session, year)
        if not row.confirmed:
            newly_confirmed.append(year)
        if changed or not row.confirmed:
            row.confirmed, row.confirmed_at, row.confirmed_by = True, utcnow(), None
        if row.note != note:
            row.note = note
        seeded.append(year)
    session.flush()
    for year in newly_confirmed:  # deadlines that waited for a year the package now knows
        resolve_year(session, year)
    return seeded


def _sync_days(session: Session, year: int) -> bool:
    """Make the year's listed days equal the package's; True if anything changed."""
    session.flush()
    existing = {
        day.day: day for day in session.scalars(select(CalendarDay).where(CalendarDay.year == year))
    }
    wanted = {day: (kind, name) for day, kind, name in package_days(year)}
    changed = False
    for day, row in existing.items():
        if day not in wanted:
            session.delete(row)
            changed = True
        elif (row.kind, row.name) != wanted[day]:
            row.kind, row.name = wanted[day]
            changed = True
    for day, (kind, name) in wanted.items():
        if day not in existing:
            session.add(CalendarDay(day=day, year=year, kind=kind, name=name))
            changed = True
    return changed


def seed_on_init(session: Session) -> str:
    """``qingfeng init`` hook: seed after migrating and say what was done."""
    years = seed_from_package(session)
    if not years:
        return "工作日历：没有可从内置数据载入的年份。"
    return f"工作日历：已载入并确认 {years[0]}—{years[-1]} 年的放假安排（管理员录入的年份未改动）。"
