"""Obligation rules, their periods and deadlines, and the idempotent generation of instances.

Seed ``004_…`` (鹿卫医〔2021〕22号): institutions send 统计表（一）and（三）by the 12th of
each month, the offices forward 统计表（一）、（二）by the 14th. Seed ``002_…``
(桂卫医发〔2021〕28号): quarterly progress within the first 3 working days after each
quarter, the annual summary and plan within the first 5 working days of the new year.
Deadlines follow the Civil Code (Art. 203: a last day on a rest day moves to the next
working day) on the official calendar; an unconfirmed year gives no date, never a guess.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from config.errors import CalendarUnknown
from directory.models import OrgUnit, UnitKind
from reporting.models import Cycle, Obligation, ObligationRule
from workflow.calendar import WorkingCalendar
from workflow.engine import calendar_for

# Which units owe a rule beyond its unit kinds: the campaigns package registers its
# campaigns' scope here (a county's campaign binds the county's units, not the province's),
# since reporting does not import campaigns. None from every hook: all units of the kinds.
RuleScope = Callable[[Session, ObligationRule], "ColumnElement[bool] | None"]
RULE_SCOPES: list[RuleScope] = []


def register_rule_scope(scope: RuleScope) -> None:
    if scope not in RULE_SCOPES:
        RULE_SCOPES.append(scope)


def owing_units(session: Session, rule: ObligationRule):
    """The active units that owe ``rule``: its kinds, narrowed by every registered scope."""
    stmt = select(OrgUnit).where(OrgUnit.active, OrgUnit.kind.in_(rule.kinds))
    if rule.scope_unit_id is not None:
        root = session.get(OrgUnit, rule.scope_unit_id)
        stmt = stmt.where(
            OrgUnit.path.startswith(root.path, autoescape=True) if root else OrgUnit.id < 0
        )
    for scope in RULE_SCOPES:
        clause = scope(session, rule)
        if clause is not None:
            stmt = stmt.where(clause)
    return stmt.order_by(OrgUnit.id)


_BODIES = f"{UnitKind.COUNTY},{UnitKind.CITY},{UnitKind.PROVINCE}"
_REPORTING = f"{UnitKind.INSTITUTION},{UnitKind.COUNTY},{UnitKind.CITY}"
_S004 = "鹿卫医〔2021〕22号"
_S002 = "桂卫医发〔2021〕28号"


@dataclass(frozen=True)
class RuleSpec:
    code: str
    form_code: str
    unit_kinds: str
    cycle: Cycle
    label: str
    source: str
    day_of_month: int | None = None
    working_days: int | None = None


DEFAULT_RULES: tuple[RuleSpec, ...] = (
    RuleSpec("zl1_institution", "zl1", UnitKind.INSTITUTION, Cycle.MONTHLY,
             "医疗机构每月12日前报送统计表（一）", _S004, day_of_month=12),
    RuleSpec("zl3_institution", "zl3", UnitKind.INSTITUTION, Cycle.MONTHLY,
             "医疗机构每月12日前报送统计表（三）", _S004, day_of_month=12),
    RuleSpec("zl1_body", "zl1", _BODIES, Cycle.MONTHLY,
             "卫生健康行政部门每月14日前报送统计表（一）", _S004, day_of_month=14),
    RuleSpec("zl2_body", "zl2", _BODIES, Cycle.MONTHLY,
             "卫生健康行政部门每月14日前报送统计表（二）", _S004, day_of_month=14),
    RuleSpec("quarterly_progress", "quarterly_progress", _REPORTING, Cycle.QUARTERLY,
             "每季度结束后的次月前3个工作日内报送季度工作进展", _S002, working_days=3),
    RuleSpec("annual_summary", "annual_summary", _REPORTING, Cycle.ANNUAL,
             "每年度结束后的次年前5个工作日内报送年度工作总结和下一年度工作计划", _S002,
             working_days=5),
)  # fmt: skip


def ensure_default_rules(session: Session) -> list[ObligationRule]:
    """The seeds' standing rules, created once (an administrator may deactivate them)."""
    existing = {r.code: r for r in session.scalars(select(ObligationRule))}
    for spec in DEFAULT_RULES:
        if spec.code not in existing:
            rule = ObligationRule(
                code=spec.code,
                form_code=spec.form_code,
                unit_kinds=str(spec.unit_kinds),
                cycle=spec.cycle,
                day_of_month=spec.day_of_month,
                working_days=spec.working_days,
                label=spec.label,
                source=spec.source,
                active=True,
            )
            session.add(rule)
            existing[spec.code] = rule
    session.flush()
    return list(existing.values())


def add_campaign_rule(
    session: Session,
    *,
    code: str,
    form_code: str,
    unit_kinds: Iterable[str],
    period_start: date,
    period_end: date,
    due: date,
    label: str,
    source: str = "",
    campaign_id: int | None = None,
) -> ObligationRule:
    """A one-off deadline set by a campaign notice (e.g. 12月1日前报送专项整治工作总结)."""
    rule = ObligationRule(
        code=code,
        form_code=form_code,
        unit_kinds=",".join(str(k) for k in unit_kinds),
        cycle=Cycle.FIXED,
        fixed_due=due,
        period_start=period_start,
        period_end=period_end,
        label=label,
        source=source,
        campaign_id=campaign_id,
        active=True,
    )
    session.add(rule)
    session.flush()
    return rule


# -- periods ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    label: str


def _month_end(year: int, month: int) -> date:
    first_next = date(year + month // 12, month % 12 + 1, 1)
    return first_next - timedelta(days=1)


def period_containing(cycle: str, day: date) -> Period:
    """The monthly, quarterly or annual period that ``day`` falls in."""
    if cycle == Cycle.MONTHLY:
        return Period(
            date(day.year, day.month, 1),
            _month_end(day.year, day.month),
            f"{day.year}年{day.month}月",
        )
    if cycle == Cycle.QUARTERLY:
        q = (day.month - 1) // 3 + 1
        return Period(
            date(day.year, 3 * q - 2, 1), _month_end(day.year, 3 * q), f"{day.year}年第{q}季度"
        )
    if cycle == Cycle.ANNUAL:
        return Period(date(day.year, 1, 1), date(day.year, 12, 31), f"{day.year}年度")
    raise ValueError(cycle)


def previous_period(cycle: str, period: Period) -> Period:
    return period_containing(cycle, period.start - timedelta(days=1))


def next_period(cycle: str, period: Period) -> Period:
    return period_containing(cycle, period.end + timedelta(days=1))


def due_date(rule: ObligationRule, period: Period, calendar: WorkingCalendar) -> date:
    """The deadline of one period; raises ``CalendarUnknown`` for an unconfirmed year.

    "By the 12th": the 12th of the next month, moved to the next working day when it is
    a rest day (Civil Code Art. 203). "First N working days after": the N-th working day
    after the period's last day (Art. 201: counting starts the next day).
    """
    for override in rule.overrides:
        if override.period_start == period.start:
            return override.due_on  # the notice's own date for this period, not counted
    if rule.cycle == Cycle.FIXED:
        if rule.fixed_due is not None:
            return rule.fixed_due  # the notice's own date ("12月1日前"), not counted
        if rule.counted_from is not None and rule.working_days is not None:
            return calendar.add_working_days(rule.counted_from, rule.working_days)
        raise ValueError(f"rule {rule.code} has no deadline")
    after = period.end + timedelta(days=1)
    if rule.day_of_month is not None:
        return calendar.next_workday(date(after.year, after.month, rule.day_of_month))
    if rule.working_days is not None:
        return calendar.add_working_days(period.end, rule.working_days)
    raise ValueError(f"rule {rule.code} has no deadline")


def rule_periods(rule: ObligationRule, today: date) -> list[Period]:
    """The periods due now: the last one ended (its report is due) and the current one."""
    if rule.cycle == Cycle.FIXED:
        assert rule.period_start is not None and rule.period_end is not None
        return [Period(rule.period_start, rule.period_end, rule.label)]
    current = period_containing(rule.cycle, today)
    return [p for p in (previous_period(rule.cycle, current), current) if in_window(rule, p)]


def in_window(rule: ObligationRule, period: Period) -> bool:
    """Seed 004 "从7月起…12月": only the periods between the rule's first and last."""
    if rule.first_period is not None and period.start < rule.first_period:
        return False
    return rule.last_period is None or period.start <= rule.last_period


# -- generation --------------------------------------------------------------------------------


@dataclass
class GenerateResult:
    created: int = 0
    dated: int = 0  # undated obligations that got their deadline once the year was confirmed
    unknown_years: dict[int, str] = field(default_factory=dict)  # year -> context


def _deadline(
    rule: ObligationRule, period: Period, calendar: WorkingCalendar, result: GenerateResult
) -> tuple[date | None, int | None]:
    try:
        return due_date(rule, period, calendar), None
    except CalendarUnknown as err:
        year = int(err.details["year"]) if isinstance(err.details, dict) else period.end.year + 1
        result.unknown_years.setdefault(year, f"报表“{rule.label}”{period.label}的报送期限")
        return None, year


def generate_obligations(session: Session, today: date) -> GenerateResult:
    """Create the missing period instances of every active rule for every unit that owes it.

    Idempotent (unique unit + form + period start). Deadlines in an unconfirmed year stay
    NULL with the year noted; the caller records those years (``record_unknown_year``) in a
    separate transaction and re-running after the year is confirmed fills the dates in.
    """
    ensure_default_rules(session)
    calendar = calendar_for(session)
    assert isinstance(calendar, WorkingCalendar)  # next_workday/is_confirmed beyond the protocol
    result = GenerateResult()
    rules = session.scalars(select(ObligationRule).where(ObligationRule.active)).all()
    for rule in rules:
        _generate_rule(session, rule, today, calendar, result)
    session.flush()
    result.dated = _date_undated(session, calendar, result)
    return result


def generate_for_rule(session: Session, rule: ObligationRule, today: date) -> GenerateResult:
    """One rule's instances now (a one-off obligation entered by an office)."""
    calendar = calendar_for(session)
    assert isinstance(calendar, WorkingCalendar)
    result = GenerateResult()
    _generate_rule(session, rule, today, calendar, result)
    session.flush()
    return result


def _generate_rule(
    session: Session,
    rule: ObligationRule,
    today: date,
    calendar: WorkingCalendar,
    result: GenerateResult,
) -> None:
    periods = rule_periods(rule, today)
    units = session.scalars(owing_units(session, rule)).all()
    if not units or not periods:
        return
    existing: set[tuple[int, date]] = {
        (unit_id, start)
        for unit_id, start in session.execute(
            select(Obligation.unit_id, Obligation.period_start).where(
                Obligation.form_code == rule.form_code,
                Obligation.period_start.in_([p.start for p in periods]),
            )
        )
    }
    for period in periods:
        due, unknown = _deadline(rule, period, calendar, result)
        for unit in units:
            if (unit.id, period.start) in existing:
                continue
            session.add(
                Obligation(
                    rule_id=rule.id,
                    unit_id=unit.id,
                    form_code=rule.form_code,
                    period_start=period.start,
                    period_end=period.end,
                    period_label=period.label,
                    due_on=due,
                    calendar_unknown=due is None,
                    unknown_year=unknown,
                )
            )
            result.created += 1


def _date_undated(session: Session, calendar: WorkingCalendar, result: GenerateResult) -> int:
    """Fill in deadlines whose year has been confirmed since the obligation was created."""
    dated = 0
    undated = session.scalars(select(Obligation).where(Obligation.calendar_unknown)).all()
    for obligation in undated:
        if obligation.unknown_year is not None and not calendar.is_confirmed(
            obligation.unknown_year
        ):
            continue
        period = Period(obligation.period_start, obligation.period_end, obligation.period_label)
        due, unknown = _deadline(obligation.rule, period, calendar, result)
        if due is not None:
            obligation.due_on, obligation.calendar_unknown = due, False
            obligation.unknown_year = None
            dated += 1
        else:
            obligation.unknown_year = unknown
    session.flush()
    return dated


def date_pending_obligations(session: Session, year: int) -> int:
    """``workflow.pending`` hook: when ``year`` is confirmed, date the obligations that waited
    for it at once (not at the next nightly run), in the confirming transaction."""
    calendar = calendar_for(session)
    assert isinstance(calendar, WorkingCalendar)
    return _date_undated(session, calendar, GenerateResult())
