"""Time limits ("clocks") kept on a subject as a small JSON document.

Civil Code Art. 201: a period counted in days starts the day after the event.
Art. 203: a deadline falling on a statutory holiday moves to the next working day.
The calendar (``workflow.calendar``) does both; here we keep the bookkeeping:
start, stop, pause/resume (the due date moves by the paused time) and approved
extensions. The due date is always recomputed from these facts, never edited.

A due date that falls in a year whose calendar nobody has confirmed is never guessed and
never refuses the step: the clock keeps ``due: None`` and ``pending_year``, and is
computed (``recompute``) once that year is confirmed (``workflow.pending``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any, Protocol

from config.errors import CalendarUnknown


class Calendar(Protocol):
    def add_working_days(self, event: date, n: int) -> date: ...
    def add_days(self, event: date, n: int) -> date: ...
    def working_days_between(self, start: date, end: date) -> int: ...


class Unit(StrEnum):
    WORKING_DAYS = "wd"
    DAYS = "d"
    FIXED = "fixed"  # a date given from outside (a superior's own deadline)


UNIT_LABELS = {Unit.WORKING_DAYS: "个工作日", Unit.DAYS: "日", Unit.FIXED: ""}


class ClockStatus(StrEnum):
    NORMAL = "normal"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"


STATUS_LABELS = {
    ClockStatus.NORMAL: "正常",
    ClockStatus.DUE_SOON: "即将到期",
    ClockStatus.OVERDUE: "已逾期",
}
DUE_SOON_WORKING_DAYS = 3


@dataclass(frozen=True)
class TimeLimitRule:
    name: str
    label: str
    unit: Unit
    amount: int
    source: str  # the rule and document it comes from
    max_extension: int = 0  # in the rule's unit; 0 = no extension allowed
    max_extensions: int = 0

    def describe(self) -> str:
        if self.unit is Unit.FIXED:
            return f"{self.label}（上级规定期限）"
        return f"{self.label}：{self.amount}{UNIT_LABELS[self.unit]}（{self.source}）"


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def _date(s: str | None) -> date | None:
    return date.fromisoformat(s) if s else None


def compute_due(rule: TimeLimitRule, clock: dict[str, Any], calendar: Calendar) -> date:
    start = _date(clock["start"])
    assert start is not None
    if rule.unit is Unit.FIXED:
        fixed = _date(clock["fixed_due"])
        assert fixed is not None
        return fixed
    if clock.get("pauses"):
        clock["paused"] = clock.get("paused", 0) + _paused_length(rule, clock, calendar)
        del clock["pauses"]
    total = rule.amount + clock.get("paused", 0) + clock.get("extended", 0)
    set_due = _date(clock.get("set_due"))
    if set_due is not None:
        # A date chosen at the step (the route's 办理期限): the rule's amount only gave the
        # default; pauses and extensions move it on, Art. 203 moves it off a rest day.
        extra = total - rule.amount
        if rule.unit is Unit.WORKING_DAYS:
            return calendar.add_working_days(calendar.add_days(set_due, 0), extra)
        return calendar.add_days(set_due, extra)
    if rule.unit is Unit.WORKING_DAYS:
        return calendar.add_working_days(start, total)
    return calendar.add_days(start, total)


def _set_due(rule: TimeLimitRule, clock: dict[str, Any], calendar: Calendar) -> None:
    """``due`` from the facts, or pending (``due: None``) until ``pending_year`` is confirmed."""
    try:
        clock["due"] = compute_due(rule, clock, calendar).isoformat()
    except CalendarUnknown as err:
        year = err.details.get("year") if isinstance(err.details, dict) else None
        clock["due"] = None
        clock["pending_year"] = int(year) if year is not None else None
        return
    clock.pop("pending_year", None)
    if clock.get("met_on"):
        clock["late"] = date.fromisoformat(clock["met_on"]) > date.fromisoformat(clock["due"])


def is_pending(clock: dict[str, Any]) -> bool:
    return clock.get("due") is None


def pending_years(clocks: dict[str, Any]) -> dict[str, int]:
    """The pending clocks by name, each with the unconfirmed year it waits for."""
    return {name: int(c.get("pending_year") or 0) for name, c in clocks.items() if is_pending(c)}


def recompute(
    clocks: dict[str, Any], rules: dict[str, TimeLimitRule], calendar: Calendar
) -> list[str]:
    """Compute every pending clock that the calendar can now answer; the names computed."""
    computed = []
    for name, clock in clocks.items():
        if is_pending(clock) and name in rules:
            _set_due(rules[name], clock, calendar)
            if not is_pending(clock):
                computed.append(name)
    return computed


def start(
    clocks: dict[str, Any],
    rule: TimeLimitRule,
    on: date,
    calendar: Calendar,
    fixed_due: date | None = None,
    set_due: date | None = None,
) -> None:
    """(Re)start a clock from the event date ``on``; ``set_due`` replaces the rule's default."""
    clock: dict[str, Any] = {
        "start": on.isoformat(),
        "paused": 0,
        "extended": 0,
        "extensions": 0,
        "paused_on": None,
        "met_on": None,
    }
    if rule.unit is Unit.FIXED:
        if fixed_due is None:
            return  # no deadline was given by the superior
        clock["fixed_due"] = fixed_due.isoformat()
    elif set_due is not None:
        clock["set_due"] = set_due.isoformat()
    _set_due(rule, clock, calendar)
    clocks[rule.name] = clock


def stop(clocks: dict[str, Any], rule: TimeLimitRule, on: date) -> None:
    clock = clocks.get(rule.name)
    if clock and not clock.get("met_on"):
        clock["met_on"] = on.isoformat()
        if clock.get("due") is not None:
            clock["late"] = on > date.fromisoformat(clock["due"])


def pause(clocks: dict[str, Any], rule: TimeLimitRule, on: date) -> None:
    clock = clocks.get(rule.name)
    if clock and not clock.get("met_on") and not clock.get("paused_on"):
        clock["paused_on"] = on.isoformat()


def resume(clocks: dict[str, Any], rule: TimeLimitRule, on: date, calendar: Calendar) -> None:
    clock = clocks.get(rule.name)
    if not clock or not clock.get("paused_on"):
        return
    # Counted with the due date: a pause that spans an unconfirmed year waits with it.
    clock.setdefault("pauses", []).append([clock["paused_on"], on.isoformat()])
    clock["paused_on"] = None
    _set_due(rule, clock, calendar)


def _paused_length(rule: TimeLimitRule, clock: dict[str, Any], calendar: Calendar) -> int:
    """Length of the pauses not yet folded into ``paused`` (raises for an unconfirmed year)."""
    total = 0
    for first, last in clock.get("pauses", ()):
        paused_on, on = date.fromisoformat(first), date.fromisoformat(last)
        if rule.unit is Unit.WORKING_DAYS:
            total += max(calendar.working_days_between(paused_on, on), 0)
        elif rule.unit is Unit.DAYS:
            total += max((on - paused_on).days, 0)
    return total


def extend(clocks: dict[str, Any], rule: TimeLimitRule, amount: int, calendar: Calendar) -> None:
    clock = clocks[rule.name]
    clock["extended"] += amount
    clock["extensions"] = clock.get("extensions", 0) + 1
    _set_due(rule, clock, calendar)


def open_clocks(clocks: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {k: c for k, c in clocks.items() if not c.get("met_on")}


def next_due(clocks: dict[str, Any]) -> tuple[date | None, str | None]:
    """The earliest due date among running (open, not paused, not pending) clocks."""
    running = [
        (date.fromisoformat(c["due"]), name)
        for name, c in clocks.items()
        if not c.get("met_on") and not c.get("paused_on") and c.get("due") is not None
    ]
    if not running:
        return None, None
    return min(running)


def status(due: date, today: date, calendar: Calendar) -> ClockStatus:
    """Overdue after the due date; due soon within 3 working days of it."""
    if today > due:
        return ClockStatus.OVERDUE
    if calendar.working_days_between(today, due) <= DUE_SOON_WORKING_DAYS:
        return ClockStatus.DUE_SOON
    return ClockStatus.NORMAL
