"""Where forms go: the receiving offices of a rule, its first and last period, and one
period's deadline set by the notice itself.

Seed ``004_…`` (鹿卫医〔2021〕22号): "附件1报至局党建办，附件3报至医政体改和中医股",
"从7月起…12月". Seed ``002_…`` (桂卫医发〔2021〕28号): reports "分别报送" to two recipients;
the first quarterly report due "2021年10月8日前". A rule's recipient offices serve the
units whose body above is the office's body: their users review those units' forms and
are told of them; units whose body above names no office report to the whole body.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from config.errors import NotFound, PermissionDenied, ValidationError
from config.textlimits import checked
from directory.jurisdiction import body_of, unit_visible
from directory.models import OrgUnit, UnitKind, User
from directory.permissions import Capability, can, require
from reporting.models import Cycle, DeadlineOverride, Obligation, ObligationRule, RuleRecipient
from reporting.obligations import date_pending_obligations, period_containing

MAX_RECIPIENTS = 10


def parse_day(value: object, label: str, *, required: bool = True) -> date | None:
    """A date typed as 2026-07-01 (or already a date); a clear message otherwise."""
    if isinstance(value, date):
        return value
    text = "" if value is None else str(value).strip()
    if not text:
        if required:
            raise ValidationError(f"请填写{label}。", details={label: "必填"})
        return None
    if len(text) > 10 and text[10] in " T":  # a spreadsheet's date cell: "2026-07-01 00:00:00"
        text = text[:10]
    try:
        return date.fromisoformat(text)
    except ValueError:
        message = f"{label}格式不正确，请按“2026-07-01”的格式填写。"
        raise ValidationError(message, details={label: message}) from None


def body_above(unit: OrgUnit) -> OrgUnit | None:
    """The body a unit reports to: the first non-office above it."""
    current = unit.parent
    while current is not None and current.kind == UnitKind.OFFICE:
        current = current.parent
    return current


def recipient_offices(rule: ObligationRule, unit: OrgUnit) -> list[OrgUnit]:
    """The rule's offices that receive ``unit``'s form (none: the whole body above)."""
    above = body_above(unit)
    if above is None:
        return []
    return [r.office for r in rule.recipients if r.office.parent_id == above.id]


def routed_to(actor: User, rule: ObligationRule | None, unit: OrgUnit) -> bool:
    """A reviewer of the body above also belongs to the receiving office, if one is named.

    The body's leaders keep the review of every form of their body (分管/主要负责人)."""
    if rule is None or can(actor, Capability.REPORTS_REVIEW_ALL):
        return True
    offices = recipient_offices(rule, unit)
    return not offices or actor.unit_id in {o.id for o in offices}


# -- who may change a rule ----------------------------------------------------------------------


def get_rule(session: Session, actor: User, rule_id: object) -> ObligationRule:
    require(actor, Capability.REPORTS_RULES)
    rule = session.get(ObligationRule, rule_id) if isinstance(rule_id, int) else None
    if rule is None or not _rule_visible(session, actor, rule):
        raise NotFound("未找到该报送规则，或不在您的管辖范围内。")
    return rule


def _rule_visible(session: Session, actor: User, rule: ObligationRule) -> bool:
    if rule.issuer_unit_id is None:
        return rule.campaign_id is None
    issuer = session.get(OrgUnit, rule.issuer_unit_id)
    return issuer is not None and unit_visible(session, actor, issuer)


def may_manage(session: Session, actor: User, rule: ObligationRule) -> bool:
    """Rule-wide settings (periods, deadlines): the issuing body's staff; the standing
    rules of the seeds belong to the administrators and the province's offices."""
    body = body_of(session, actor.unit)
    if rule.issuer_unit_id is None:
        return can(actor, Capability.REPORTS_RULES_STANDING) or body.parent_id is None
    return body.id == rule.issuer_unit_id or (
        can(actor, Capability.REPORTS_RULES_BELOW)
        and unit_visible(session, actor, session.get(OrgUnit, rule.issuer_unit_id))  # type: ignore[arg-type]
    )


def _require_manage(session: Session, actor: User, rule: ObligationRule) -> None:
    require(actor, Capability.REPORTS_RULES)
    if not may_manage(session, actor, rule):
        raise PermissionDenied("只有制定该规则的单位可以修改报送期间和期限。")


def own_offices(session: Session, actor: User) -> list[OrgUnit]:
    """The offices whose routing the actor sets: those of the actor's own body."""
    body = body_of(session, actor.unit)
    return list(
        session.scalars(
            select(OrgUnit)
            .where(OrgUnit.parent_id == body.id, OrgUnit.kind == UnitKind.OFFICE, OrgUnit.active)
            .order_by(OrgUnit.code)
        )
    )


# -- services -----------------------------------------------------------------------------------


def set_recipients(
    session: Session, actor: User, rule: ObligationRule, office_ids: Iterable[object]
) -> list[OrgUnit]:
    """The offices of the actor's body that receive this rule's forms (replacing the
    previous choice of that body; other bodies' choices stay)."""
    require(actor, Capability.REPORTS_RULES)
    mine = {o.id: o for o in own_offices(session, actor)}
    wanted: list[OrgUnit] = []
    for raw in office_ids:
        try:
            office_id = int(str(raw))
        except ValueError:
            raise ValidationError(
                "接收处室编号不正确。", details={"offices": "编号不正确"}
            ) from None
        if office_id not in mine:
            raise ValidationError(
                "只能选择本单位的处室/股室作为接收处室。", details={"offices": "不是本单位处室"}
            )
        if mine[office_id] not in wanted:
            wanted.append(mine[office_id])
    if len(wanted) > MAX_RECIPIENTS:
        raise ValidationError(f"接收处室最多 {MAX_RECIPIENTS} 个。", details={"offices": "过多"})
    for rec in list(rule.recipients):
        if rec.office_id in mine and mine[rec.office_id] not in wanted:
            rule.recipients.remove(rec)
    have = {r.office_id for r in rule.recipients}
    for office in wanted:
        if office.id not in have:
            rule.recipients.append(RuleRecipient(office_id=office.id, office=office))
    session.flush()
    return wanted


def set_window(
    session: Session, actor: User, rule: ObligationRule, first: object, last: object
) -> None:
    """Seed 004 "从7月起…12月": the first and the last period owed (either may be open)."""
    _require_manage(session, actor, rule)
    if rule.cycle == Cycle.FIXED:
        raise ValidationError("一次性报送任务没有起止期间。")
    start = parse_day(first, "起始期间", required=False)
    end = parse_day(last, "截止期间", required=False)
    rule.first_period = period_containing(rule.cycle, start).start if start else None
    rule.last_period = period_containing(rule.cycle, end).start if end else None
    if rule.first_period and rule.last_period and rule.first_period > rule.last_period:
        raise ValidationError("起始期间不能晚于截止期间。", details={"截止期间": "早于起始期间"})
    session.flush()


def set_override(
    session: Session,
    actor: User,
    rule: ObligationRule,
    period_day: object,
    due: object,
    reason: object,
) -> DeadlineOverride:
    """One period's deadline as the notice gives it (seed 002: "2021年10月8日前"); the
    period's obligations already created take it at once."""
    _require_manage(session, actor, rule)
    if rule.cycle == Cycle.FIXED:
        raise ValidationError("一次性报送任务请直接修改其报送期限。")
    day = parse_day(period_day, "报送期间")
    due_on = parse_day(due, "报送期限")
    assert day is not None and due_on is not None
    text = checked(reason, DeadlineOverride.reason, "依据", field="reason")
    period = period_containing(rule.cycle, day)
    if due_on <= period.end:
        raise ValidationError(
            f"报送期限应晚于该期间（{period.label}）的最后一天。", details={"报送期限": "过早"}
        )
    found = next((o for o in rule.overrides if o.period_start == period.start), None)
    if found is None:
        found = DeadlineOverride(period_start=period.start, due_on=due_on, reason=text)
        rule.overrides.append(found)
    found.due_on, found.reason = due_on, text
    session.flush()
    session.execute(
        update(Obligation)
        .where(Obligation.rule_id == rule.id, Obligation.period_start == period.start)
        .values(due_on=due_on, calendar_unknown=False, unknown_year=None)
        .execution_options(synchronize_session="fetch")
    )
    return found


def remove_override(
    session: Session, actor: User, rule: ObligationRule, override_id: object
) -> None:
    """Back to the rule's own counting for that period (for obligations created later)."""
    _require_manage(session, actor, rule)
    found = next((o for o in rule.overrides if str(o.id) == str(override_id)), None)
    if found is None:
        raise NotFound("未找到该期限调整。")
    period_start = found.period_start
    rule.overrides.remove(found)
    session.flush()
    session.execute(
        update(Obligation)
        .where(Obligation.rule_id == rule.id, Obligation.period_start == period_start)
        .values(due_on=None, calendar_unknown=True, unknown_year=None)
        .execution_options(synchronize_session="fetch")
    )
    date_pending_obligations(session, period_start.year)
