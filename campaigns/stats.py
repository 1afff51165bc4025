"""Inspection figures for 工作量化统计表一/二 (seed ``000_…`` 附件3/4), for reporting's prefill.

Reporting may not import campaigns, so ``register`` (called by ``app_boot.bootstrap``)
makes this module the source of the ``inspections.`` prefill keys
(``reporting.prefill.register_source``). A unit's figures are those of its body's
subtree, for inspections dated inside the period:

* 表一 ``inspections.total_in_jurisdiction.<row>``: active institutions by ``stat_row``;
  ``inspections.inspected.<row>``: distinct institutions inspected. When every campaign the
  body follows in the period (issued by it or a body above it) has a chosen scope, both
  count only institutions in one of those scopes; otherwise (no such campaign, or one that
  covers the whole jurisdiction) the body's whole subtree, as before scopes existed.
* 表二 ``inspections.found.<row>.<class>``: findings by the institution's ``stat_class``.
  A 有 counts one 起; a sampled item counts its violating persons (each one a case of
  挂证/无证行医); person items count persons; 罚款 counts the institution and adds the
  amount in 万元 to ``fine_amount``; 予以行政处罚的机构总数 counts institutions with any of
  items 29–32.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from decimal import Decimal

from sqlalchemy import ColumnElement, and_, func, select, true
from sqlalchemy.orm import Session

from campaigns.checklists import CHECKLISTS, AnswerKind
from campaigns.models import Campaign, Inspection
from campaigns.scope import is_explicit, owes_clause, union_clause
from config.reference import STAT_ROWS, StatClass
from directory.jurisdiction import body_of
from directory.models import OrgUnit, UnitKind
from reporting.models import ObligationRule
from reporting.obligations import register_rule_scope
from reporting.prefill import register_source

PREFIX = "inspections."
_PENALTY_ITEMS = ("29", "30", "31", "32")


def _subtree(unit: OrgUnit):
    return select(OrgUnit.id).where(OrgUnit.path.startswith(unit.path, autoescape=True))


def _inspections(session: Session, body: OrgUnit, start: date, end: date) -> list[Inspection]:
    return list(
        session.scalars(
            select(Inspection).where(
                Inspection.institution_id.in_(_subtree(body)),
                Inspection.inspected_on >= start,
                Inspection.inspected_on <= end,
            )
        )
    )


def _lh1_scope(session: Session, body: OrgUnit, start: date, end: date) -> ColumnElement[bool]:
    """The institutions 表一 counts as 辖区内: see the module docstring."""
    chain = [int(x) for x in body.path.strip("/").split("/") if x]
    followed = list(
        session.scalars(
            select(Campaign).where(
                Campaign.issuing_unit_id.in_(chain),
                Campaign.starts_on <= end,
                Campaign.ends_on >= start,
            )
        )
    )
    if not followed or not all(is_explicit(c) for c in followed):
        return true()
    return union_clause(followed)


def lh1_figures(session: Session, body: OrgUnit, start: date, end: date) -> dict[str, int]:
    """表一: institutions in the jurisdiction and institutions inspected, by ``stat_row``."""
    scope = _lh1_scope(session, body, start, end)
    totals = dict(
        session.execute(
            select(OrgUnit.stat_row, func.count(OrgUnit.id))
            .where(
                OrgUnit.kind == UnitKind.INSTITUTION,
                OrgUnit.active,
                OrgUnit.path.startswith(body.path, autoescape=True),
                scope,
            )
            .group_by(OrgUnit.stat_row)
        ).all()
    )
    inspected = dict(
        session.execute(
            select(OrgUnit.stat_row, func.count(func.distinct(Inspection.institution_id)))
            .join(OrgUnit, OrgUnit.id == Inspection.institution_id)
            .where(
                Inspection.institution_id.in_(_subtree(body)),
                Inspection.inspected_on >= start,
                Inspection.inspected_on <= end,
                scope,
            )
            .group_by(OrgUnit.stat_row)
        ).all()
    )
    figures: dict[str, int] = {}
    for row, _cls, _label in STAT_ROWS:
        figures[f"{PREFIX}total_in_jurisdiction.{row}"] = int(totals.get(row, 0))
        figures[f"{PREFIX}inspected.{row}"] = int(inspected.get(row, 0))
    return figures


def lh2_figures(
    session: Session, body: OrgUnit, start: date, end: date
) -> dict[str, int | Decimal]:
    """表二: violations found and handled, by the class of the inspected institution."""
    counts: Counter[tuple[str, str]] = Counter()
    amounts: dict[str, Decimal] = {}
    penalised: dict[str, set[int]] = {}
    # Every row any checklist feeds, so an uninspected period reads 0, not "unknown".
    rows = {"fine_amount", "penalised_total"} | {
        item.lh2_row for cl in CHECKLISTS.values() for item in cl.items if item.lh2_row
    }
    for inspection in _inspections(session, body, start, end):
        cls = inspection.institution.stat_class
        if cls is None:
            continue
        for item in CHECKLISTS[inspection.checklist_code].items:
            answer = inspection.answers.get(item.code) or {}
            if not answer.get("found"):
                continue
            if item.code in _PENALTY_ITEMS:
                penalised.setdefault(cls, set()).add(inspection.institution_id)
            if item.lh2_row is None:
                continue
            if item.kind is AnswerKind.SAMPLED:
                counts[(item.lh2_row, cls)] += int(answer.get("violating", 0))
            elif item.kind is AnswerKind.PERSONS:
                counts[(item.lh2_row, cls)] += int(answer.get("persons", 0))
            else:
                counts[(item.lh2_row, cls)] += 1
            if item.kind is AnswerKind.FINE:
                amounts[cls] = amounts.get(cls, Decimal(0)) + Decimal(answer.get("fine", "0"))
    figures: dict[str, int | Decimal] = {}
    for row in rows:
        for cls in StatClass:
            if row == "fine_amount":
                value: int | Decimal = amounts.get(cls, Decimal(0))
            elif row == "penalised_total":
                value = len(penalised.get(cls, ()))
            else:
                value = counts[(row, cls)]
            figures[f"{PREFIX}found.{row}.{cls.value}"] = value
    return figures


def inspection_figures(
    session: Session, unit: OrgUnit, start: date, end: date
) -> dict[str, int | Decimal]:
    """Every ``inspections.*`` prefill figure of ``unit`` (its body's subtree) for the period."""
    body = body_of(session, unit)
    return {
        **lh1_figures(session, body, start, end),
        **lh2_figures(session, body, start, end),
    }


def campaign_rule_scope(session: Session, rule: ObligationRule) -> ColumnElement[bool] | None:
    """A campaign's deadlines bind the units its notice reaches: inside the issuing body's
    subtree and, where the office chose a scope, on the way to or inside it."""
    if rule.campaign_id is None:
        return None
    campaign = session.get(Campaign, rule.campaign_id)
    if campaign is None:
        return None
    return and_(
        OrgUnit.path.startswith(campaign.issuing_unit.path, autoescape=True),
        owes_clause(campaign),
    )


def register() -> None:
    """Called by ``app_boot.bootstrap``: the ``inspections.`` prefill source and the
    campaigns' obligation scope."""
    register_source(PREFIX, inspection_figures)
    register_rule_scope(campaign_rule_scope)
