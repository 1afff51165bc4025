"""The ``registers.`` prefill source: what the registers hold, as the forms' cells.

统计表（一）: 警示教育活动（次）, 收到检查监察建议书 and 执行完成回复数; 统计表（三）: 警示教育
活动, 培训班（次、人）, 约谈供应商; 统计表（二）: per class of institution, the 约谈, 通报批评
and 限期整改 taken against them, and 统筹区内定点医疗机构数 from the directory's 医保定点
flag. Counted over the unit's subtree, so a body's figure includes the units below
(上级统计数应包含下级统计数据). Not 发现问题/完成整改问题: those come from rectification.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from config.reference import Grade, InstitutionCategory, Ownership
from directory.models import OrgUnit, UnitKind
from reporting.forms import FORMS
from reporting.prefill import register_source
from reporting.registers.models import RegisterEntry
from reporting.rollup import class_code

PREFIX = "registers."


def _subtree(unit: OrgUnit):
    return select(OrgUnit.id).where(OrgUnit.path.startswith(unit.path, autoescape=True))


def _row_of(unit: OrgUnit) -> str | None:
    if not (unit.grade and unit.category and unit.ownership):
        return None
    return class_code(
        FORMS["zl2"],
        category=InstitutionCategory(unit.category),
        grade=Grade(unit.grade),
        ownership=Ownership(unit.ownership),
    )


def register_figures(session: Session, unit: OrgUnit, start: date, end: date) -> dict[str, int]:
    """Every ``registers.*`` key of ``unit``'s subtree for the period."""
    within = (
        RegisterEntry.unit_id.in_(_subtree(unit)),
        RegisterEntry.occurred_on >= start,
        RegisterEntry.occurred_on <= end,
    )
    figures: dict[str, int] = {}
    for kind, subtype, n, people in session.execute(
        select(
            RegisterEntry.kind,
            RegisterEntry.subtype,
            func.count(),
            func.coalesce(func.sum(RegisterEntry.participants), 0),
        )
        .where(*within)
        .group_by(RegisterEntry.kind, RegisterEntry.subtype)
    ):
        figures[f"{PREFIX}{kind}"] = figures.get(f"{PREFIX}{kind}", 0) + int(n)
        figures[f"{PREFIX}{kind}.{subtype}"] = int(n)
        figures[f"{PREFIX}{kind}.{subtype}.persons"] = int(people)
    figures[f"{PREFIX}advice_done"] = int(
        session.scalar(
            select(func.count()).where(
                RegisterEntry.kind == "advice",
                RegisterEntry.unit_id.in_(_subtree(unit)),
                RegisterEntry.answered_on >= start,
                RegisterEntry.answered_on <= end,
            )
        )
        or 0
    )
    figures.update(_measures(session, unit, start, end))
    figures.update(_designated(session, unit))
    return _with_zero_defaults(figures)


def _with_zero_defaults(figures: dict[str, int]) -> dict[str, int]:
    """A register that holds nothing for the period answers 0, not "台账暂无"."""
    from reporting.registers.kinds import KINDS

    for kind in KINDS.values():
        figures.setdefault(f"{PREFIX}{kind.code}", 0)
        for code, _label in kind.subtypes:
            figures.setdefault(f"{PREFIX}{kind.code}.{code}", 0)
            figures.setdefault(f"{PREFIX}{kind.code}.{code}.persons", 0)
    return figures


def _measures(session: Session, unit: OrgUnit, start: date, end: date) -> dict[str, int]:
    target = aliased(OrgUnit)
    rows = session.execute(
        select(RegisterEntry.subtype, target)
        .join(target, target.id == RegisterEntry.target_unit_id)
        .where(
            RegisterEntry.kind == "measure",
            RegisterEntry.unit_id.in_(_subtree(unit)),
            RegisterEntry.occurred_on >= start,
            RegisterEntry.occurred_on <= end,
        )
    ).all()
    counts: Counter[str] = Counter()
    for subtype, inst in rows:
        row = _row_of(inst)
        if row is not None:
            counts[f"{PREFIX}measure.{subtype}.{row}"] += 1
    return _every_row(counts, ("talk", "criticised", "deadline"), "measure")


def _designated(session: Session, unit: OrgUnit) -> dict[str, int]:
    """统筹区内定点医疗机构数: the institutions of the subtree flagged 医保定点."""
    found = session.scalars(
        select(OrgUnit).where(
            OrgUnit.path.startswith(unit.path, autoescape=True),
            OrgUnit.kind == UnitKind.INSTITUTION,
            OrgUnit.active,
            OrgUnit.insurance_designated.is_(True),
        )
    ).all()
    counts: Counter[str] = Counter()
    for inst in found:
        row = _row_of(inst)
        if row is not None:
            counts[f"{PREFIX}designated.{row}"] += 1
    return _every_row(counts, ("",), "designated")


def _every_row(counts: Counter[str], subtypes: tuple[str, ...], name: str) -> dict[str, int]:
    form = FORMS["zl2"]
    result: dict[str, int] = {}
    for row in form.rows:
        if row.sum_of:
            continue
        for subtype in subtypes:
            key = (
                f"{PREFIX}{name}.{subtype}.{row.code}" if subtype else f"{PREFIX}{name}.{row.code}"
            )
            result[key] = counts.get(key, 0)
    return result


def register() -> None:
    """Called by ``app_boot.bootstrap``: the registers answer the ``registers.`` keys."""
    register_source(PREFIX, register_figures)
