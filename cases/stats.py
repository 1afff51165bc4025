"""Figures from the ledger for the statistical forms' prefill (``reporting/forms``).

All are SQL aggregates over the clues of ``unit_ids`` (a sub-select of unit ids, e.g.
``directory.jurisdiction.visible_unit_ids`` or a reporting unit's subtree) in a period
[start, end] of local dates, both ends included:

- ``ledger.kickback.*`` / ``ledger.redpacket.*`` (表三, 查处 … 案件): clues of that category
  whose findings (查实 or 部分查实) were recorded in the period; persons are the persons
  recorded on them; the amount is their 涉案金额 in 万元.
- ``ledger.kickback.cases.<class>`` / ``ledger.redpacket.cases.<class>`` (工作量化统计表二):
  the same cases by the ``stat_class`` of the institution concerned — the institution of
  the first subject recorded with one, else the accused institution, else the unit whose
  ledger holds the clue. A case whose institution has no class (a bureau's own staff) is
  in no column.
- ``ledger.sanctions.*`` (表一, 表二): measures decided in the period, by kind; judicial
  referrals are referrals to judicial organs sent in the period.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session

from cases.handling_models import ClueSubject, Referral, Sanction
from cases.models import Clue
from cases.reference import KICKBACK_CATEGORIES, REDPACKET_CATEGORIES, SANCTION_KINDS
from directory.models import OrgUnit

SUBSTANTIATED = ("substantiated", "partly")


@dataclass(frozen=True)
class CaseStats:
    cases: int
    persons: int
    amount: Decimal  # 万元

    def prefill(self, prefix: str) -> dict[str, Any]:
        """As the forms' prefill keys: ``{prefix}.cases`` / ``.persons`` / ``.amount``."""
        return {
            f"{prefix}.cases": self.cases,
            f"{prefix}.persons": self.persons,
            f"{prefix}.amount": self.amount,
        }


def _category_stats(
    session: Session, unit_ids: Any, start: date, end: date, categories: tuple[str, ...]
) -> CaseStats:
    clue_filter = (
        Clue.unit_id.in_(unit_ids),
        Clue.category.in_(categories),
        Clue.findings.in_(SUBSTANTIATED),
        Clue.findings_on.between(start, end),
    )
    cases, amount = session.execute(
        select(func.count(Clue.id), func.coalesce(func.sum(Clue.amount_involved), 0)).where(
            *clue_filter
        )
    ).one()
    persons = session.scalar(
        select(func.count(ClueSubject.id))
        .join(Clue, Clue.id == ClueSubject.clue_id)
        .where(*clue_filter, ClueSubject.kind == "person")
    )
    return CaseStats(int(cases), int(persons or 0), Decimal(amount or 0))


def _institution_of_case() -> Any:
    first_with_institution = (
        select(func.min(ClueSubject.institution_id))
        .where(ClueSubject.clue_id == Clue.id, ClueSubject.institution_id.is_not(None))
        .scalar_subquery()
    )
    return func.coalesce(first_with_institution, Clue.accused_unit_id, Clue.unit_id)


def cases_by_class(
    session: Session, unit_ids: Any, start: date, end: date, categories: tuple[str, ...]
) -> dict[str, int]:
    """Substantiated cases of ``categories`` in the period, by the institution's class."""
    rows = session.execute(
        select(OrgUnit.stat_class, func.count(Clue.id))
        .join(OrgUnit, OrgUnit.id == _institution_of_case())
        .where(
            Clue.unit_id.in_(unit_ids),
            Clue.category.in_(categories),
            Clue.findings.in_(SUBSTANTIATED),
            Clue.findings_on.between(start, end),
            OrgUnit.stat_class.is_not(None),
        )
        .group_by(OrgUnit.stat_class)
    ).all()
    return {str(cls): int(count) for cls, count in rows}


def kickback_stats(session: Session, unit_ids: Any, start: date, end: date) -> CaseStats:
    """查处收受回扣案件 (表三 8–10): cases, persons, 涉案金额（万元）."""
    return _category_stats(session, unit_ids, start, end, KICKBACK_CATEGORIES)


def redpacket_stats(session: Session, unit_ids: Any, start: date, end: date) -> CaseStats:
    """查处收受红包案件 (表三 11–13); the surrender register is not counted (not a case)."""
    return _category_stats(session, unit_ids, start, end, REDPACKET_CATEGORIES)


def sanction_counts(
    session: Session, unit_ids: Any, start: date, end: date
) -> dict[str, CaseStats]:
    """By sanction kind code (``ledger.sanctions.<code>``), plus ``judicial_referral``:
    the clues, the distinct subjects and the amounts (罚没, 万元) decided in the period."""
    rows = session.execute(
        select(
            Sanction.kind,
            func.count(distinct(Sanction.clue_id)),
            func.count(distinct(Sanction.subject_id)),
            func.coalesce(func.sum(Sanction.amount), 0),
        )
        .join(Clue, Clue.id == Sanction.clue_id)
        .where(Clue.unit_id.in_(unit_ids), Sanction.decided_on.between(start, end))
        .group_by(Sanction.kind)
    ).all()
    result = {kind: CaseStats(0, 0, Decimal(0)) for kind in SANCTION_KINDS}
    for kind, cases, persons, amount in rows:
        result[kind] = CaseStats(int(cases), int(persons), Decimal(amount or 0))
    referred = (
        select(Referral.clue_id)
        .join(Clue, Clue.id == Referral.clue_id)
        .where(
            Clue.unit_id.in_(unit_ids),
            Referral.target == "judicial",
            Referral.sent_on.between(start, end),
        )
    )
    sub = referred.subquery()
    referred_cases = int(session.scalar(select(func.count(distinct(sub.c.clue_id)))) or 0)
    referred_persons = session.scalar(
        select(func.count(ClueSubject.id)).where(
            ClueSubject.clue_id.in_(referred), ClueSubject.kind == "person"
        )
    )
    result["judicial_referral"] = CaseStats(referred_cases, int(referred_persons or 0), Decimal(0))
    return result
