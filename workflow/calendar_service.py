"""Administrators enter or correct a year's 放假安排; alerts for years that are needed.

``workflow`` may not import ``directory``, so the acting user is any object with an
``id`` and a ``role`` (``directory.models.User`` is one).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple, Protocol

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from config.database import utcnow
from config.errors import NotFound, PermissionDenied, ValidationError
from workflow.calendar_models import (
    CalendarDay,
    CalendarRequest,
    CalendarSource,
    CalendarYear,
    DayKind,
)
from workflow.holiday_notice import Notice, NoticeError, notice_year, parse_notice
from workflow.pending import PendingDeadline, resolve_year

# The value of ``directory.roles.Role.ADMIN``.
ADMIN_ROLE = "admin"
# The State Council usually publishes next year's notice between October and December.
NEXT_YEAR_ALERT_FROM = (11, 1)
MIN_YEAR, MAX_YEAR = 2000, 2100
HOLIDAYS_LABEL = "放假日期"
WORKDAYS_LABEL = "调休上班日期"
WEEKDAYS = "一二三四五六日"


class Actor(Protocol):
    @property
    def id(self) -> int: ...

    @property
    def role(self) -> str: ...


class DayLine(NamedTuple):
    """One entered day, with the line it came from so errors can name it."""

    day: date
    name: str
    line: int


def _require_admin(actor: Actor) -> None:
    if str(actor.role) != ADMIN_ROLE:
        raise PermissionDenied("只有管理员可以维护工作日历。")


def _check_year(year: int) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValidationError(f"年份 {year} 超出范围（{MIN_YEAR}—{MAX_YEAR}）。")


_DATE = r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
_LINE_RE = re.compile(rf"^{_DATE}(?:\s*(?:~|～|至|到|--|—)\s*{_DATE})?\s*(.*)$")


def _make_date(parts: Sequence[str]) -> date:
    return date(int(parts[0]), int(parts[1]), int(parts[2]))


def parse_day_lines(text: str, label: str) -> tuple[list[DayLine], list[str]]:
    """Parse one date per line (``2027-01-01 元旦``) or a range (``2027-02-06 至 2027-02-14 春节``).

    Returns the days and the errors, each error naming its line.
    """
    days: list[DayLine] = []
    errors: list[str] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        match = _LINE_RE.match(line)
        if match is None:
            errors.append(
                f"{label}第 {number} 行“{line}”：无法识别，"
                "请按“2027-01-01 元旦”的格式每行填写一个日期。"
            )
            continue
        groups = match.groups()
        name = groups[6].strip()
        try:
            first = _make_date(groups[0:3])
            last = _make_date(groups[3:6]) if groups[3] else first
        except ValueError:
            errors.append(f"{label}第 {number} 行“{line}”：日期无效。")
            continue
        if len(name) > 50:
            errors.append(f"{label}第 {number} 行：名称过长（最多 50 个字）。")
            continue
        if last < first or (last - first).days > 31:
            errors.append(f"{label}第 {number} 行“{line}”：日期区间无效（最长 31 天）。")
            continue
        day = first
        while day <= last:
            days.append(DayLine(day, name, number))
            day = date.fromordinal(day.toordinal() + 1)
    return days, errors


def _as_lines(items: Sequence[tuple[date, str] | DayLine]) -> list[DayLine]:
    result = []
    for index, item in enumerate(items, start=1):
        if isinstance(item, DayLine):
            result.append(item)
        else:
            result.append(DayLine(item[0], item[1], index))
    return result


def _validate(year: int, holidays: list[DayLine], workdays: list[DayLine]) -> list[str]:
    errors: list[str] = []
    seen: dict[date, str] = {}
    for label, entries in ((HOLIDAYS_LABEL, holidays), (WORKDAYS_LABEL, workdays)):
        for entry in entries:
            where = f"{label}第 {entry.line} 行（{entry.day.isoformat()}）"
            if entry.day.year != year:
                errors.append(f"{where}：不属于 {year} 年。")
                continue
            if label == WORKDAYS_LABEL and entry.day.weekday() < 5:
                errors.append(
                    f"{where}：是星期{WEEKDAYS[entry.day.weekday()]}，"
                    "本来就是工作日；调休上班日应为周六或周日。"
                )
            previous = seen.get(entry.day)
            if previous == label:
                errors.append(f"{where}：与前面的日期重复。")
            elif previous is not None:
                errors.append(f"{where}：已列为{previous}，同一天不能既放假又上班。")
            seen[entry.day] = label
    return errors


def set_year(
    session: Session,
    actor: Actor,
    year: int,
    holidays: Sequence[tuple[date, str] | DayLine],
    workdays: Sequence[tuple[date, str] | DayLine],
    note: str = "",
) -> CalendarYear:
    """An administrator enters or corrects a year's 放假安排 (State Council notice) and confirms it.

    Replaces the year's days; the year becomes ``source=admin`` so seeding never overwrites it.
    """
    _require_admin(actor)
    _check_year(year)
    holiday_lines, workday_lines = _as_lines(holidays), _as_lines(workdays)
    errors = _validate(year, holiday_lines, workday_lines)
    if errors:
        raise ValidationError(f"{year} 年放假安排有 {len(errors)} 处错误，未保存。", details=errors)
    row = session.get(CalendarYear, year)
    if row is None:
        row = CalendarYear(year=year, source=CalendarSource.ADMIN, confirmed=False, note="")
        session.add(row)
    session.execute(delete(CalendarDay).where(CalendarDay.year == year))
    session.expire(row, ["days"])
    row.source = CalendarSource.ADMIN
    row.confirmed, row.confirmed_by, row.confirmed_at = True, actor.id, utcnow()
    row.note = note.strip()[:500]
    session.flush()
    for kind, entries in ((DayKind.HOLIDAY, holiday_lines), (DayKind.WORKDAY, workday_lines)):
        for entry in entries:
            session.add(CalendarDay(day=entry.day, year=year, kind=kind, name=entry.name.strip()))
    session.flush()
    # In the same transaction: every deadline that waited for this year is computed now.
    resolve_year(session, year)
    return row


def set_year_from_text(
    session: Session, actor: Actor, year: int, holidays_text: str, workdays_text: str, note: str
) -> CalendarYear:
    """``set_year`` from pasted lines; any bad line refuses the whole year, naming every line."""
    _require_admin(actor)
    holidays, holiday_errors = parse_day_lines(holidays_text, HOLIDAYS_LABEL)
    workdays, workday_errors = parse_day_lines(workdays_text, WORKDAYS_LABEL)
    errors = holiday_errors + workday_errors
    if errors:
        raise ValidationError(f"{year} 年放假安排有 {len(errors)} 处错误，未保存。", details=errors)
    return set_year(session, actor, year, holidays, workdays, note)


def unconfirm_year(session: Session, actor: Actor, year: int) -> CalendarYear:
    """Withdraw a year: deadlines in it are refused until an administrator confirms it again.

    The year becomes ``source=admin`` so that seeding does not silently re-confirm it.
    """
    _require_admin(actor)
    _check_year(year)
    row = session.get(CalendarYear, year)
    if row is None:
        raise NotFound(f"{year} 年没有工作日历记录。")
    row.source = CalendarSource.ADMIN
    row.confirmed, row.confirmed_by, row.confirmed_at = False, None, None
    session.flush()
    return row


def record_unknown_year(session: Session, year: int, context: str = "") -> None:
    """Remember that a deadline needed an unconfirmed year, so administrators are alerted.

    Call it in its own short transaction after catching ``CalendarUnknown``.
    """
    now = utcnow()
    row = session.get(CalendarRequest, year)
    if row is None:
        try:
            with session.begin_nested():
                session.add(CalendarRequest(year=year, context=context[:200], times=1))
            return
        except IntegrityError:  # another transaction recorded it first
            row = session.get(CalendarRequest, year)
            assert row is not None
    row.times += 1
    row.last_requested_at = now
    if context:
        row.context = context[:200]
    session.flush()


@dataclass(frozen=True)
class CalendarAlert:
    year: int
    reasons: tuple[str, ...]

    @property
    def status(self) -> str:
        return f"{self.year} 年的工作日历尚未确认（{'；'.join(self.reasons)}）。"

    @property
    def message(self) -> str:
        return f"{self.status}请按国务院办公厅公布的 {self.year} 年放假安排录入并确认。"


def calendar_alerts(session: Session, today: date) -> list[CalendarAlert]:
    """Years that are needed but unconfirmed: this year, next year from 1 November, and requested.

    The State Council's notice for next year usually comes out in October–December.
    """
    reasons: dict[int, list[str]] = {today.year: ["本年度"]}
    if (today.month, today.day) >= NEXT_YEAR_ALERT_FROM:
        reasons.setdefault(today.year + 1, []).append("下一年度，国务院办公厅通知通常于年底前发布")
    for request in session.scalars(select(CalendarRequest)):
        note = f"已有期限需要该年日历（{request.times} 次）"
        if request.context:
            note += f"，最近一次：{request.context}"
        reasons.setdefault(request.year, []).append(note)
    waiting = session.execute(
        select(PendingDeadline.year, func.count()).group_by(PendingDeadline.year)
    ).all()
    for year, count in waiting:
        reasons.setdefault(year, []).append(f"{count} 项期限待定，确认后自动计算")
    confirmed = set(
        session.scalars(
            select(CalendarYear.year).where(
                CalendarYear.confirmed, CalendarYear.year.in_(list(reasons))
            )
        )
    )
    return [
        CalendarAlert(year, tuple(why))
        for year, why in sorted(reasons.items())
        if year not in confirmed
    ]


@dataclass(frozen=True)
class YearSummary:
    year: int
    row: CalendarYear | None
    holidays: int
    workdays: int


def year_summaries(
    session: Session, actor: Actor, extra_years: Sequence[int] = ()
) -> list[YearSummary]:
    """Every year on record (newest first), plus ``extra_years`` not yet entered."""
    _require_admin(actor)
    counts: dict[tuple[int, str], int] = {
        (year, kind): n
        for year, kind, n in session.execute(
            select(CalendarDay.year, CalendarDay.kind, func.count()).group_by(
                CalendarDay.year, CalendarDay.kind
            )
        ).all()
    }
    rows = {row.year: row for row in session.scalars(select(CalendarYear))}
    years = sorted(set(rows) | set(extra_years), reverse=True)
    return [
        YearSummary(
            year,
            rows.get(year),
            counts.get((year, DayKind.HOLIDAY.value), 0),
            counts.get((year, DayKind.WORKDAY.value), 0),
        )
        for year in years
    ]


def year_days(session: Session, year: int) -> list[CalendarDay]:
    return list(
        session.scalars(
            select(CalendarDay).where(CalendarDay.year == year).order_by(CalendarDay.day)
        )
    )


def format_day_lines(days: Sequence[CalendarDay], kind: DayKind) -> str:
    """The lines an administrator would paste, to prefill the form with what is on record."""
    return "\n".join(f"{d.day.isoformat()} {d.name}".rstrip() for d in days if d.kind == kind)


def read_notice(text: str, year: int) -> Notice:
    """The State Council notice's days for ``year``, or ``ValidationError`` naming every line
    it could not read (nothing is applied then)."""
    _check_year(year)
    if len(text) > 20_000:
        raise ValidationError("通知全文过长（最多 20000 字）。", details={"notice": "过长"})
    titled = notice_year(text)
    if titled is not None and titled != year:
        raise ValidationError(
            f"粘贴的是 {titled} 年的通知，不是 {year} 年的。", details=[f"通知标题年份为 {titled}"]
        )
    try:
        return parse_notice(text, year)
    except NoticeError as err:
        raise ValidationError(
            f"通知有 {len(err.problems)} 处无法识别，未保存任何日期。", details=err.problems
        ) from None


def set_year_from_notice(
    session: Session, actor: Actor, year: int, text: str, note: str = ""
) -> CalendarYear:
    """Enter and confirm ``year`` from the pasted notice; all of it or nothing."""
    _require_admin(actor)
    notice = read_notice(text, year)
    return set_year(
        session,
        actor,
        year,
        [DayLine(d.day, d.name, d.line) for d in notice.holidays],
        [DayLine(d.day, d.name, d.line) for d in notice.workdays],
        note or f"据国务院办公厅关于 {year} 年部分节假日安排的通知录入",
    )
