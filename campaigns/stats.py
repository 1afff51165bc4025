"""Inspection figures for 工作量化统计表一/二 (seed ``000_…`` 附件3/4), for reporting's prefill.

Reporting may not import campaigns, so this module registers itself as the source of the
``inspections.`` prefill keys (``reporting.prefill.register_source``) when it is imported
(``web.schema.import_all_models`` imports it). A unit's figures are those of its body's
subtree, for inspections dated inside the period:

* 表一 ``inspections.total_in_jurisdiction.<row>``: active institutions by ``stat_row``;
  ``inspections.inspected.<row>``: distinct institutions inspected.
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

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from campaigns.checklists import CHECKLISTS, AnswerKind
from campaigns.models import Inspection
from config.reference import STAT_ROWS, StatClass
from directory.jurisdiction import body_of
from directory.models import OrgUnit, UnitKind
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


def lh1_figures(session: Session, body: OrgUnit, start: date, end: date) -> dict[str, int]:
    """表一: institutions in the jurisdiction and institutions inspected, by ``stat_row``."""
    totals = dict(
        session.execute(
            select(OrgUnit.stat_row, func.count(OrgUnit.id))
            .where(
                OrgUnit.kind == UnitKind.INSTITUTION,
                OrgUnit.active,
                OrgUnit.path.startswith(body.path, autoescape=True),
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


register_source(PREFIX, inspection_figures)
