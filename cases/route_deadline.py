"""The approved disposal route's own deadline (办理期限), set by the leader on approval.

Each route that takes time has a clock (``cases.timelimits``): 初步核实 ``route_verify``,
谈话函询 ``route_talk``, 按规定移交 ``route_transfer``; 暂存待查 sets the first review of
``shelved_review``. The approval form offers the rule's default date; the leader may
choose another one, not in the past and at most a year ahead.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from cases.timelimits import RULES
from config.errors import ValidationError
from workflow import timelimits
from workflow.lifecycle import ClockOp, FieldKind, FieldSpec, Transition

FIELD = "route_due"
LABEL = "办理期限"
MAX_AHEAD = timedelta(days=366)
NOTE = "_note"  # in ``default_dues``: what the form says when the default's year is unknown
HINT = "_hint"  # in ``default_dues``: the default and its source, as the rules stand now

# The clock each route's approval starts, by the route's state value.
ROUTE_CLOCKS = {
    "verifying": "route_verify",
    "talk_inquiry": "route_talk",
    "transferred": "route_transfer",
    "shelved": "shelved_review",
}


def due_field() -> FieldSpec:
    # The default's amount is read when the form is shown (``default_dues``): settings
    # applied at start-up change it after this table was built.
    return FieldSpec(
        FIELD,
        LABEL,
        FieldKind.DATE,
        required=False,
        hint="不填按该处置方式的默认期限；可另选日期，不能早于今天",
        not_past=True,
    )


def default_hint(clock: str) -> str:
    rule = RULES[clock]
    return (
        f"默认自批准之日起{rule.amount}{timelimits.UNIT_LABELS[rule.unit]}"
        f"（{rule.source.partition('：')[0]}）；可另选日期，不能早于今天"
    )


def start_with_due(clock: str) -> ClockOp:
    return ClockOp("start", clock, due_field=FIELD)


def check_due(data: dict[str, Any], today: date) -> None:
    """A chosen date more than a year ahead is a typing slip, not a plan: refused by name."""
    chosen = data.get(FIELD)
    if chosen is not None and chosen > today + MAX_AHEAD:
        latest = (today + MAX_AHEAD).isoformat()
        message = f"“{LABEL}”不能晚于 {latest}（自今天起一年内）。"
        raise ValidationError(message, details={FIELD: message})


def default_dues(
    transitions: Iterable[Transition], today: date, calendar: timelimits.Calendar
) -> dict[str, dict[str, str]]:
    """The date each approval form offers, by trigger and field ("" when the year is unknown)."""
    result: dict[str, dict[str, str]] = {}
    for t in transitions:
        for op in t.clocks:
            if op.op != "start" or not op.due_field:
                continue
            rule = RULES[op.clock]
            probe: dict[str, Any] = {}
            timelimits.start(probe, rule, today, calendar)  # pending, never raises, if unknown
            due = probe[op.clock]["due"]
            if due is None:
                year = probe[op.clock].get("pending_year")
                result.setdefault(t.trigger, {})[NOTE] = (
                    f"{year} 年工作日历尚未确认：办理期限先记为待定，确认后自动计算并提醒。"
                )
            if due is None and rule.unit is timelimits.Unit.DAYS:
                # The year is unconfirmed: offer the natural date; it is moved off a rest
                # day (Art. 203) when the year is confirmed, like the clock itself.
                due = (today + timedelta(days=rule.amount)).isoformat()
            result.setdefault(t.trigger, {})[op.due_field] = due or ""
            result[t.trigger][HINT] = default_hint(op.clock)
    return result


def extensible(clocks: dict[str, Any]) -> list[tuple[str, str]]:
    """The running clocks a leader may still extend: the only options the 延期 form offers."""
    return [
        (name, rule.label)
        for name, rule in RULES.items()
        if rule.max_extension
        and name in clocks
        and not clocks[name].get("met_on")
        and clocks[name].get("extensions", 0) < rule.max_extensions
    ]
