"""Counting time limits on the official working-day calendar (Civil Code Art. 201 and 203).

``load_calendar`` reads every confirmed year once into an immutable snapshot; the
snapshot answers thousands of questions without touching the database. A question
about a year nobody has confirmed raises ``CalendarUnknown``: we never guess.

Each confirmed year keeps a running count of working days by day of year, so
adding working days or counting them between two dates costs a bisection per
year crossed rather than a walk over every day.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from types import MappingProxyType

from sqlalchemy import select
from sqlalchemy.orm import Session

from config.errors import CalendarUnknown
from workflow.calendar_models import CalendarDay, CalendarYear, DayKind

ONE_DAY = timedelta(days=1)


def unknown_year_message(year: int) -> str:
    return (
        f"{year} 年的工作日历尚未确认，无法计算落在该年的期限。"
        f"请管理员在“工作日历”中按国务院办公厅公布的 {year} 年放假安排录入并确认后再试。"
    )


def _day_index(d: date) -> int:
    """1 for 1 January, 365 or 366 for 31 December."""
    return d.timetuple().tm_yday


def _year_counts(year: int, rest: frozenset[date], work: frozenset[date]) -> tuple[int, ...]:
    """counts[i] = working days from 1 January up to and including day-of-year i (counts[0] = 0)."""
    counts = [0]
    d = date(year, 1, 1)
    while d.year == year:
        if d in work:
            working = True
        elif d in rest:
            working = False
        else:
            working = d.weekday() < 5
        counts.append(counts[-1] + (1 if working else 0))
        d += ONE_DAY
    return tuple(counts)


@dataclass(frozen=True)
class WorkingCalendar:
    """An immutable snapshot of the confirmed years; no database access after loading."""

    _counts: Mapping[int, tuple[int, ...]]

    @classmethod
    def build(
        cls, years: Iterable[int], rest_days: Iterable[date], work_days: Iterable[date]
    ) -> WorkingCalendar:
        """A calendar of ``years`` with the given rest days and make-up working days."""
        rest, work = frozenset(rest_days), frozenset(work_days)
        counts = {year: _year_counts(year, rest, work) for year in sorted(set(years))}
        return cls(MappingProxyType(counts))

    @property
    def years(self) -> tuple[int, ...]:
        return tuple(sorted(self._counts))

    def is_confirmed(self, year: int) -> bool:
        return year in self._counts

    def _year(self, year: int) -> tuple[int, ...]:
        counts = self._counts.get(year)
        if counts is None:
            raise CalendarUnknown(unknown_year_message(year), details={"year": year})
        return counts

    def is_workday(self, d: date) -> bool:
        counts = self._year(d.year)
        i = _day_index(d)
        return counts[i] > counts[i - 1]

    def next_workday(self, d: date) -> date:
        """``d`` itself if it is a working day, else the first working day after it."""
        while not self.is_workday(d):
            d += ONE_DAY
        return d

    def add_working_days(self, event: date, n: int) -> date:
        """The n-th working day after ``event`` (Civil Code Art. 201: counting starts the next day).

        A negative ``n`` gives the |n|-th working day before ``event`` (for early warnings);
        ``n == 0`` gives ``event`` itself.
        """
        if n == 0:
            return event
        if n < 0:
            return self._working_days_before(event, -n)
        year, counts = event.year, self._year(event.year)
        target = counts[_day_index(event)] + n
        while target > counts[-1]:
            target -= counts[-1]
            year += 1
            counts = self._year(year)
        return date(year, 1, 1) + timedelta(days=bisect_left(counts, target) - 1)

    def _working_days_before(self, event: date, n: int) -> date:
        year, counts = event.year, self._year(event.year)
        # Working days strictly before ``event`` in its year.
        before = counts[_day_index(event) - 1]
        while n > before:
            n -= before
            year -= 1
            counts = self._year(year)
            before = counts[-1]
        # The wanted day is the (before - n + 1)-th working day of ``year``.
        return date(year, 1, 1) + timedelta(days=bisect_left(counts, before - n + 1) - 1)

    def add_days(self, event: date, n: int) -> date:
        """A period of ``n`` natural days starting the day after ``event`` (Civil Code Art. 201).

        Art. 203: a last day that falls on a statutory holiday or rest day moves to the
        next working day.
        """
        if n < 0:
            raise ValueError("a period of days cannot be negative")
        return self.next_workday(event + timedelta(days=n))

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after ``start`` up to and including ``end``; negative if ``end < start``.

        Used for "due soon" (``working_days_between(today, deadline) <= 3``) and "overdue" (< 0).
        """
        if end < start:
            return -self.working_days_between(end, start)
        total = -self._year(start.year)[_day_index(start)]
        for year in range(start.year, end.year):
            total += self._year(year)[-1]
        return total + self._year(end.year)[_day_index(end)]

    def nth_workday_of_month(self, year: int, month: int, n: int) -> date:
        """The n-th working day of a month (e.g. the 3rd after a quarter, the 5th of January)."""
        if n < 1:
            raise ValueError("n counts from 1")
        counts = self._year(year)
        target = counts[_day_index(date(year, month, 1)) - 1] + n
        result = date(year, 1, 1) + timedelta(days=bisect_left(counts, target) - 1)
        if target > counts[-1] or result.month != month:
            raise ValueError(f"{year}-{month:02d} has fewer than {n} working days")
        return result

    def workdays_in_year(self, year: int) -> int:
        return self._year(year)[-1]


def load_calendar(session: Session) -> WorkingCalendar:
    """Read every confirmed year into an immutable snapshot."""
    years = list(session.scalars(select(CalendarYear.year).where(CalendarYear.confirmed)))
    rows = session.execute(
        select(CalendarDay.day, CalendarDay.kind).where(
            CalendarDay.year.in_(select(CalendarYear.year).where(CalendarYear.confirmed))
        )
    ).all()
    rest = [day for day, kind in rows if kind == DayKind.HOLIDAY]
    work = [day for day, kind in rows if kind == DayKind.WORKDAY]
    return WorkingCalendar.build(years, rest, work)
