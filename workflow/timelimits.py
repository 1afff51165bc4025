"""Time limits ("clocks") kept on a subject as a small JSON document.

Civil Code Art. 201: a period counted in days starts the day after the event.
Art. 203: a deadline falling on a statutory holiday moves to the next working day.
The calendar (``workflow.calendar``) does both; here we keep the bookkeeping:
start, stop, pause/resume (the due date moves by the paused time) and approved
extensions. The due date is always recomputed from these facts, never edited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any, Protocol


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
    total = rule.amount + clock.get("paused", 0) + clock.get("extended", 0)
    if rule.unit is Unit.WORKING_DAYS:
        return calendar.add_working_days(start, total)
    return calendar.add_days(start, total)


def start(
    clocks: dict[str, Any],
    rule: TimeLimitRule,
    on: date,
    calendar: Calendar,
    fixed_due: date | None = None,
) -> None:
    """(Re)start a clock from the event date ``on``."""
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
    clock["due"] = compute_due(rule, clock, calendar).isoformat()
    clocks[rule.name] = clock


def stop(clocks: dict[str, Any], rule: TimeLimitRule, on: date) -> None:
    clock = clocks.get(rule.name)
    if clock and not clock.get("met_on"):
        clock["met_on"] = on.isoformat()
        clock["late"] = on > date.fromisoformat(clock["due"])


def pause(clocks: dict[str, Any], rule: TimeLimitRule, on: date) -> None:
    clock = clocks.get(rule.name)
    if clock and not clock.get("met_on") and not clock.get("paused_on"):
        clock["paused_on"] = on.isoformat()


def resume(clocks: dict[str, Any], rule: TimeLimitRule, on: date, calendar: Calendar) -> None:
    clock = clocks.get(rule.name)
    if not clock or not clock.get("paused_on"):
        return
    paused_on = date.fromisoformat(clock["paused_on"])
    if rule.unit is Unit.WORKING_DAYS:
        clock["paused"] += max(calendar.working_days_between(paused_on, on), 0)
    elif rule.unit is Unit.DAYS:
        clock["paused"] += max((on - paused_on).days, 0)
    clock["paused_on"] = None
    clock["due"] = compute_due(rule, clock, calendar).isoformat()


def extend(clocks: dict[str, Any], rule: TimeLimitRule, amount: int, calendar: Calendar) -> None:
    clock = clocks[rule.name]
    clock["extended"] += amount
    clock["extensions"] = clock.get("extensions", 0) + 1
    clock["due"] = compute_due(rule, clock, calendar).isoformat()


def open_clocks(clocks: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {k: c for k, c in clocks.items() if not c.get("met_on")}


def next_due(clocks: dict[str, Any]) -> tuple[date | None, str | None]:
    """The earliest due date among running (open, not paused) clocks."""
    running = [
        (date.fromisoformat(c["due"]), name)
        for name, c in clocks.items()
        if not c.get("met_on") and not c.get("paused_on")
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
