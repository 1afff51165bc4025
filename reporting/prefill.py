"""Figures the clue ledger already knows, proposed for a form's prefilled cells.

Known today: ``ledger.clues_verified`` — clues of the unit and the units below it (held
in their ledger, or about them) that reached 初步核实 in the period, read from the
transition log. For 逐月累计 forms the period runs from 1 January to the month's end.

Also known: ``ledger.kickback.cases|persons|amount``, ``ledger.redpacket.*`` and
``ledger.sanctions.<kind>`` from the handling records (``cases.stats``), the per-class
splits ``ledger.kickback|redpacket.cases.<class>`` of 工作量化统计表二 (by the class of the
institution concerned), and the campaigns' ``inspections.*`` from ``campaigns.stats``
(below). A key no source answers is shown as "台账暂无".

Packages that reporting may not import (campaigns) contribute keys through
``register_source``: a key prefix and a function giving all of that source's figures for
one unit and period. ``app_boot.register_hooks`` registers every source at start-up.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from cases.models import Clue
from cases.reference import KICKBACK_CATEGORIES, REDPACKET_CATEGORIES
from cases.stats import cases_by_class, kickback_stats, redpacket_stats, sanction_counts
from config.localtime import LOCAL_TZ
from config.reference import Grade, InstitutionCategory, Ownership, StatClass
from directory.models import OrgUnit, UnitKind
from reporting.formdef import CellKey, CellKind, FormDefinition, FormKind, Unit, Value
from reporting.rollup import class_code
from workflow.models import TransitionLog

# prefix -> function(session, unit, start, end) giving every key of that source.
Source = Callable[[Session, OrgUnit, date, date], Mapping[str, Value]]
SOURCES: dict[str, Source] = {}


def register_source(prefix: str, source: Source) -> None:
    """Let a package reporting may not import answer the prefill keys under ``prefix``."""
    SOURCES[prefix] = source


def _source_for(key: str) -> str | None:
    return next((p for p in SOURCES if key.startswith(p)), None)


@dataclass
class Prefill:
    values: dict[CellKey, Value] = field(default_factory=dict)  # what the ledger knows
    pending: dict[CellKey, str] = field(default_factory=dict)  # key the ledger cannot answer


@dataclass(frozen=True)
class Mismatch:
    row: str
    col: str
    entered: Value
    ledger: Value
    message: str


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """Local (Asia/Shanghai) calendar days as a half-open UTC interval."""
    return (
        datetime.combine(start, time.min, LOCAL_TZ),
        datetime.combine(end + timedelta(days=1), time.min, LOCAL_TZ),
    )


def clues_verified(session: Session, unit: OrgUnit, start: date, end: date) -> int:
    """Clues of ``unit``'s subtree that entered 初步核实 (approve_verifying) between the dates."""
    lo, hi = _bounds(start, end)
    subtree = select(OrgUnit.id).where(OrgUnit.path.startswith(unit.path, autoescape=True))
    stmt = (
        select(func.count(func.distinct(TransitionLog.subject_id)))
        .join(Clue, Clue.id == TransitionLog.subject_id)
        .where(
            TransitionLog.lifecycle == "clue",
            or_(
                TransitionLog.trigger == "approve_verifying",
                TransitionLog.to_state == "verifying",
            ),
            TransitionLog.at >= lo,
            TransitionLog.at < hi,
            or_(Clue.unit_id.in_(subtree), Clue.accused_unit_id.in_(subtree)),
        )
    )
    return int(session.scalar(stmt) or 0)


class _LedgerFigures:
    """Case, person and amount figures from the handling records (``cases.stats``),
    computed once per form with SQL aggregates over the unit's subtree."""

    def __init__(self, session: Session, unit: OrgUnit, start: date, end: date) -> None:
        self.session, self.start, self.end = session, start, end
        self.units = select(OrgUnit.id).where(OrgUnit.path.startswith(unit.path, autoescape=True))
        self._cache: dict[str, Any] = {}

    def _get(self, name: str) -> Any:
        if name not in self._cache:
            fn = {
                "kickback": kickback_stats,
                "redpacket": redpacket_stats,
                "sanctions": sanction_counts,
                "kickback_by_class": lambda s, u, a, b: cases_by_class(
                    s, u, a, b, KICKBACK_CATEGORIES
                ),
                "redpacket_by_class": lambda s, u, a, b: cases_by_class(
                    s, u, a, b, REDPACKET_CATEGORIES
                ),
            }[name]
            self._cache[name] = fn(self.session, self.units, self.start, self.end)
        return self._cache[name]

    def value(self, key: str, unit: Unit) -> Value | None:
        """The figure for a prefill key, or None for keys the ledger cannot answer."""
        parts = key.split(".")
        if (
            len(parts) == 4
            and parts[0] == "ledger"
            and parts[1] in ("kickback", "redpacket")
            and parts[2] == "cases"
            and parts[3] in {c.value for c in StatClass}
        ):
            return int(self._get(f"{parts[1]}_by_class").get(parts[3], 0))
        if parts[0] != "ledger" or len(parts) != 3:
            return None
        kind, measure = parts[1], parts[2]
        if kind in ("kickback", "redpacket") and measure in ("cases", "persons", "amount"):
            return getattr(self._get(kind), measure)  # type: ignore[no-any-return]
        if kind == "sanctions":
            stats = self._get("sanctions").get(measure)
            if stats is None:
                return None
            return stats.persons if unit is Unit.PERSONS else stats.cases
        return None


def target_rows(form: FormDefinition, unit: OrgUnit) -> list[str]:
    """The rows a unit's own figures go to: its class row, or 本单位 on 统计表（一）."""
    if (
        form.class_axis == "row"
        and unit.kind == UnitKind.INSTITUTION
        and unit.grade
        and unit.category
        and unit.ownership
    ):
        return [
            class_code(
                form,
                category=InstitutionCategory(unit.category),
                grade=Grade(unit.grade),
                ownership=Ownership(unit.ownership),
            )
        ]
    if form.open_rows:
        return ["self"]
    return [r.code for r in form.rows if not r.sum_of]


def prefill(
    session: Session, form: FormDefinition, unit: OrgUnit, period_start: date, period_end: date
) -> Prefill:
    """The ledger's figure for every prefilled cell of the unit's rows, or the pending key."""
    result = Prefill()
    if form.kind is FormKind.TEXT:
        return result
    start = date(period_end.year, 1, 1) if form.cumulative else period_start
    known: dict[str, int] = {}
    ledger = _LedgerFigures(session, unit, start, period_end)
    sourced: dict[str, Mapping[str, Value]] = {}
    for row in target_rows(form, unit):
        for col in form.columns:
            if not form.has_cell(row, col.code):
                continue
            if form.cell_kind(row, col.code) is not CellKind.PREFILLED:
                continue
            key = form.prefill_key(row, col.code)
            assert key is not None
            if key == "ledger.clues_verified":
                if key not in known:
                    known[key] = clues_verified(session, unit, start, period_end)
                result.values[(row, col.code)] = known[key]
                continue
            if (prefix := _source_for(key)) is not None:
                if prefix not in sourced:
                    sourced[prefix] = SOURCES[prefix](session, unit, start, period_end)
                if key in sourced[prefix]:
                    result.values[(row, col.code)] = sourced[prefix][key]
                else:
                    result.pending[(row, col.code)] = key
                continue
            value = ledger.value(key, form.unit(row, col.code))
            if value is None:
                result.pending[(row, col.code)] = key
            else:
                result.values[(row, col.code)] = value
    return result


def mismatches(
    form: FormDefinition, values: dict[CellKey, Value], ledger: Prefill
) -> list[Mismatch]:
    """Entered figures that differ from the ledger's (a warning: the ledger may lag)."""
    found = []
    for key, known in ledger.values.items():
        entered = values.get(key, 0)
        if entered != known:
            message = (
                f"{form.cell_name(*key)}：填写 {entered}，台账记录为 {known}，请核对"
                "（台账未登记的线索不在其中）。"
            )
            found.append(Mismatch(key[0], key[1], entered, known, message))
    return found
