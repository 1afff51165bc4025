"""Read model of the 报送规则 page: the standing rules with where each goes for the viewer's
body, their periods and one-period deadlines, and the one-off obligations the body entered."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session, selectinload

from config.localtime import cn_date
from directory.jurisdiction import body_of
from directory.models import UNIT_KIND_LABELS, OrgUnit, UnitKind, User
from directory.permissions import Capability, require
from reporting.forms import FORMS
from reporting.models import Cycle, DeadlineOverride, Obligation, ObligationRule
from reporting.obligations import period_containing
from reporting.oneoff import issued_rules
from reporting.routing import may_manage, own_offices

CYCLE_LABELS = {
    Cycle.MONTHLY: "每月",
    Cycle.QUARTERLY: "每季度",
    Cycle.ANNUAL: "每年",
    Cycle.FIXED: "一次性",
}


@dataclass(frozen=True)
class RuleRow:
    rule: ObligationRule
    form_title: str
    cycle_label: str
    owed_by: str
    deadline: str
    window: str
    my_offices: list[int]  # ids of the viewer body's offices that receive it
    other_recipients: list[str]  # names of other bodies' receiving offices ("县 · 股")
    overrides: list[tuple[DeadlineOverride, str]]  # with the period's label
    may_manage: bool
    obligations: int = 0
    pending: int = 0


@dataclass(frozen=True)
class RulesPage:
    body: OrgUnit
    offices: list[OrgUnit]
    scope_units: list[OrgUnit]  # where a one-off may be sent: the body and the units below
    standing: list[RuleRow]
    oneoffs: list[RuleRow]


def _deadline(rule: ObligationRule) -> str:
    if rule.fixed_due is not None:
        return f"{cn_date(rule.fixed_due)}前"
    if rule.cycle == Cycle.FIXED and rule.counted_from is not None:
        return f"自{cn_date(rule.counted_from)}起 {rule.working_days} 个工作日内"
    if rule.day_of_month is not None:
        return f"次月 {rule.day_of_month} 日前"
    return f"期满后前 {rule.working_days} 个工作日内"


def _window(rule: ObligationRule) -> str:
    if rule.cycle == Cycle.FIXED:
        start, end = rule.period_start, rule.period_end
        return f"{start} 至 {end}" if start and end else ""
    if rule.first_period is None and rule.last_period is None:
        return "长期"
    first = rule.first_period.isoformat()[:7] if rule.first_period else "不限"
    last = rule.last_period.isoformat()[:7] if rule.last_period else "不限"
    return f"{first} 起至 {last}"


def _row(session: Session, actor: User, rule: ObligationRule, body: OrgUnit, counts) -> RuleRow:
    form = FORMS.get(rule.form_code)
    mine = [r.office_id for r in rule.recipients if r.office.parent_id == body.id]
    others = [
        f"{r.office.parent.name if r.office.parent else ''} · {r.office.name}"
        for r in rule.recipients
        if r.office.parent_id != body.id
    ]
    kinds = "、".join(UNIT_KIND_LABELS[UnitKind(k)] for k in rule.kinds)
    total, pending = counts.get(rule.id, (0, 0))
    return RuleRow(
        rule=rule,
        form_title=form.title if form else rule.form_code,
        cycle_label=CYCLE_LABELS.get(Cycle(rule.cycle), rule.cycle),
        owed_by=kinds,
        deadline=_deadline(rule),
        window=_window(rule),
        my_offices=mine,
        other_recipients=others,
        overrides=[
            (o, period_containing(rule.cycle, o.period_start).label) for o in rule.overrides
        ],
        may_manage=may_manage(session, actor, rule),
        obligations=int(total),
        pending=int(pending or 0),
    )


def rules_page(session: Session, actor: User) -> RulesPage:
    require(actor, Capability.REPORTS_RULES)
    body = body_of(session, actor.unit)
    standing = session.scalars(
        select(ObligationRule)
        .where(ObligationRule.issuer_unit_id.is_(None), ObligationRule.campaign_id.is_(None))
        .options(selectinload(ObligationRule.recipients), selectinload(ObligationRule.overrides))
        .order_by(ObligationRule.id)
    ).all()
    oneoffs = issued_rules(session, actor)
    counts = {
        rid: (n, p)
        for rid, n, p in session.execute(
            select(
                Obligation.rule_id,
                func.count(),
                func.sum(case((Obligation.calendar_unknown.is_(True), 1), else_=0)),
            )
            .where(Obligation.rule_id.in_([r.id for r in oneoffs] or [0]))
            .group_by(Obligation.rule_id)
        )
    }
    return RulesPage(
        body=body,
        offices=own_offices(session, actor),
        scope_units=list(
            session.scalars(
                select(OrgUnit)
                .where(
                    OrgUnit.path.startswith(body.path, autoescape=True),
                    OrgUnit.kind != UnitKind.OFFICE,
                    OrgUnit.active,
                )
                .order_by(OrgUnit.path)
                .limit(500)
            )
        ),
        standing=[_row(session, actor, r, body, {}) for r in standing],
        oneoffs=[_row(session, actor, r, body, counts) for r in oneoffs],
    )
