"""A notice's one-off obligations, entered by an office instead of written in code.

Seed ``000_…``: "11月25日前…总结报告、附件3和附件4"; seed ``004_…``: "12月1日前…工作总结及
量表". An office enters what is owed, by whom (a subtree of its own and the kinds of unit
in it), the deadline (the notice's date, or N working days from a day), the form or
free-text report, and the offices that receive it. The rule is a ``Cycle.FIXED``
``ObligationRule``: its obligations run through the same reminders, checks and roll-ups
as the standing forms. A working-day deadline in a year nobody has confirmed waits as
pending (``workflow.pending``), it is never refused.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from config.errors import ValidationError
from config.textlimits import checked
from directory.jurisdiction import body_of
from directory.models import UNIT_KIND_LABELS, OrgUnit, UnitKind, User
from directory.permissions import Capability, require
from reporting.forms import FORMS
from reporting.models import Cycle, Obligation, ObligationRule
from reporting.obligations import date_pending_obligations, generate_for_rule, period_containing
from reporting.routing import parse_day, set_recipients
from workflow import pending
from workflow.calendar_service import record_unknown_year

PENDING_KIND = "oneoff"
OWING_KINDS = (UnitKind.INSTITUTION, UnitKind.COUNTY, UnitKind.CITY)
MAX_WORKING_DAYS = 120


@dataclass(frozen=True)
class OneOffSummary:
    rule: ObligationRule
    units: int  # obligations created
    pending_year: int | None  # the deadline waits for this year's calendar


def _listed(value: object) -> list[object]:
    """A form's repeated field or a JSON list; a lone value as a list of one."""
    if value in (None, ""):
        return []
    if isinstance(value, list | tuple):
        return list(value)
    return [value]


def _kinds(raw: Iterable[object]) -> list[str]:
    allowed = {str(k) for k in OWING_KINDS}
    kinds = []
    for value in raw:
        text = str(value).strip()
        if text not in allowed:
            raise ValidationError("报送单位类型不正确。", details={"unit_kinds": "不正确"})
        if text not in kinds:
            kinds.append(text)
    if not kinds:
        raise ValidationError("请选择由哪类单位报送。", details={"unit_kinds": "必填"})
    return kinds


def _scope(session: Session, issuer: OrgUnit, raw: object) -> OrgUnit:
    if raw in (None, ""):
        return issuer
    try:
        unit = session.get(OrgUnit, int(str(raw)))
    except ValueError:
        unit = None
    if unit is None or unit.kind == UnitKind.OFFICE or not unit.path.startswith(issuer.path):
        raise ValidationError(
            "报送范围只能是本单位或本单位以下的单位。", details={"scope_unit_id": "超出范围"}
        )
    return unit


def _deadline(data: Mapping[str, object]) -> tuple[date | None, int | None, date | None]:
    """(the notice's date) or (N working days, counted from a day): exactly one."""
    due = parse_day(data.get("due"), "报送期限", required=False)
    raw_days = str(data.get("working_days") or "").strip()
    if due is not None and raw_days:
        raise ValidationError("报送期限与“工作日内”只填一项。", details={"due": "只填一项"})
    if due is not None:
        return due, None, None
    if not raw_days:
        raise ValidationError(
            "请填写报送期限，或“自某日起若干个工作日内”。", details={"due": "必填"}
        )
    if not raw_days.isdigit() or not 1 <= int(raw_days) <= MAX_WORKING_DAYS:
        raise ValidationError(
            f"工作日数应为 1 至 {MAX_WORKING_DAYS} 的整数。", details={"working_days": "不正确"}
        )
    counted_from = parse_day(data.get("counted_from"), "起算日")
    return None, int(raw_days), counted_from


def _check_unique(session: Session, form_code: str, start: date) -> None:
    """Obligations are unique per unit, form and period start: refuse a rule that would
    collide with another of the same form rather than fail at generation."""
    for rule in session.scalars(
        select(ObligationRule).where(ObligationRule.active, ObligationRule.form_code == form_code)
    ):
        if rule.cycle == Cycle.FIXED:
            clash = rule.period_start == start
        else:
            clash = period_containing(rule.cycle, start).start == start
        if clash:
            raise ValidationError(
                f"已有“{rule.label}”使用同一报表和同一统计起始日，请换一个起始日。",
                details={"period_start": "冲突"},
            )


def create_oneoff(
    session: Session, actor: User, data: Mapping[str, object], today: date
) -> OneOffSummary:
    """Enter one obligation of a notice and create its instances at once."""
    require(actor, Capability.REPORTS_RULES)
    issuer = body_of(session, actor.unit)
    label = checked(data.get("label"), ObligationRule.label, "报送事项", field="label")
    if not label:
        raise ValidationError("请填写报送事项。", details={"label": "必填"})
    source = checked(data.get("source"), ObligationRule.source, "文件依据", field="source")
    form_code = str(data.get("form_code") or "").strip()
    if form_code not in FORMS:
        raise ValidationError("请选择报表或文字报告。", details={"form_code": "不正确"})
    kinds = _kinds(_listed(data.get("unit_kinds")))
    scope = _scope(session, issuer, data.get("scope_unit_id"))
    due, working_days, counted_from = _deadline(data)
    start = parse_day(data.get("period_start"), "统计起始日", required=False) or (
        counted_from or today
    )
    end = parse_day(data.get("period_end"), "统计截止日", required=False) or due or start
    if end < start:
        raise ValidationError("统计截止日不能早于起始日。", details={"period_end": "过早"})
    if due is not None and due < start:
        raise ValidationError("报送期限不能早于统计起始日。", details={"due": "过早"})
    _check_unique(session, form_code, start)
    rule = ObligationRule(
        code=f"oneoff-{issuer.id}-{secrets.token_hex(4)}",
        form_code=form_code,
        unit_kinds=",".join(kinds),
        cycle=Cycle.FIXED,
        fixed_due=due,
        working_days=working_days,
        counted_from=counted_from,
        period_start=start,
        period_end=end,
        label=label,
        source=source,
        issuer_unit_id=issuer.id,
        scope_unit_id=scope.id,
        active=True,
    )
    session.add(rule)
    session.flush()
    set_recipients(session, actor, rule, _listed(data.get("offices")))
    result = generate_for_rule(session, rule, today)
    year = next(iter(result.unknown_years), None)
    if year is not None:
        record_unknown_year(session, year, result.unknown_years[year])
        pending.sync(
            session,
            PENDING_KIND,
            rule.id,
            {"due": pending.Pending(year, f"一次性报送：{label}"[:100])},
            unit_id=issuer.id,
        )
    return OneOffSummary(rule, result.created, year)


def resolve_pending(session: Session, rule_id: int) -> int:
    """``workflow.pending`` resolver: the year is confirmed, date the rule's obligations."""
    dated = date_pending_obligations(session, 0)
    still = session.scalar(
        select(Obligation.id).where(Obligation.rule_id == rule_id, Obligation.calendar_unknown)
    )
    if still is None:
        pending.clear(session, PENDING_KIND, rule_id)
    return dated


def issued_rules(session: Session, actor: User) -> list[ObligationRule]:
    """The one-off obligations the actor's body entered, latest first."""
    require(actor, Capability.REPORTS_RULES)
    issuer = body_of(session, actor.unit)
    return list(
        session.scalars(
            select(ObligationRule)
            .where(ObligationRule.issuer_unit_id == issuer.id)
            .order_by(ObligationRule.id.desc())
        )
    )


def kind_choices() -> list[tuple[str, str]]:
    return [(str(k), UNIT_KIND_LABELS[k]) for k in OWING_KINDS]
