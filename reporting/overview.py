"""What the office above sees: roll-ups of accepted figures, compliance per period, exports.

Roll-up (seed ``004_…`` 附件1 说明5, 上级统计数应包含下级统计数据): a unit's figures are the
sum of the latest accepted submissions of the units directly below it; a body below that
has no accepted submission of the form contributes its own roll-up instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, and_, case, func, select
from sqlalchemy.orm import Session

from config.errors import NotFound, PermissionDenied
from config.filenames import download_name
from directory.models import OrgUnit, UnitKind, User
from directory.permissions import Capability, can, require
from reporting import cells
from reporting.access import can_read, report_unit_filter
from reporting.export import SheetSpec, export_xlsx
from reporting.formdef import FormDefinition, FormKind, Values
from reporting.forms import FORMS, form_for
from reporting.models import Obligation, ObligationState, Submission, SubmissionState
from reporting.pdf_export import export_pdf
from reporting.rollup import rollup, rollup_units


def _accepted_below(
    session: Session, unit: OrgUnit, form_code: str, period_start: date
) -> dict[int, Values]:
    """The latest accepted figures of one form and period of every unit at or below ``unit``."""
    stmt = (
        select(Obligation.unit_id, Submission.number, Submission.values)
        .join(Obligation, Obligation.id == Submission.obligation_id)
        .join(OrgUnit, OrgUnit.id == Obligation.unit_id)
        .where(
            OrgUnit.path.startswith(unit.path, autoescape=True),
            Obligation.form_code == form_code,
            Obligation.period_start == period_start,
            Submission.state == SubmissionState.ACCEPTED,
        )
    )
    latest: dict[int, tuple[int, dict]] = {}
    for unit_id, number, raw in session.execute(stmt):
        if unit_id not in latest or number > latest[unit_id][0]:
            latest[unit_id] = (number, raw)
    form = FORMS[form_code]
    return {unit_id: cells.decode(form, raw) for unit_id, (_, raw) in latest.items()}


@dataclass(frozen=True)
class RollupResult:
    form: FormDefinition
    values: Values
    units: list[tuple[OrgUnit, bool]]  # each unit below and whether it contributed figures


def _subtree(session: Session, unit: OrgUnit) -> dict[int, list[OrgUnit]]:
    """Active bodies and institutions below ``unit`` by parent id, in path order.

    One query for the whole subtree (a province has some 10,000 institutions); a unit
    below an inactive one is never reached, since the walk goes down from ``unit``."""
    children: dict[int, list[OrgUnit]] = {}
    for below in session.scalars(
        select(OrgUnit)
        .where(
            OrgUnit.path.startswith(unit.path, autoescape=True),
            OrgUnit.id != unit.id,
            OrgUnit.kind != UnitKind.OFFICE,
            OrgUnit.active,
        )
        .order_by(OrgUnit.path)
    ):
        if below.parent_id is not None:
            children.setdefault(below.parent_id, []).append(below)
    return children


def _contribution(
    unit: OrgUnit, form_code: str, children: dict[int, list[OrgUnit]], accepted: dict[int, Values]
) -> Values | None:
    own = accepted.get(unit.id)
    if own is not None or unit.kind == UnitKind.INSTITUTION:
        return own
    parts = [
        v
        for child in children.get(unit.id, [])
        if (v := _contribution(child, form_code, children, accepted))
    ]
    return rollup(FORMS[form_code], parts) if parts else None


def unit_rollup(
    session: Session, actor: User, unit: OrgUnit, form_code: str, period_start: date
) -> RollupResult:
    """The unit's totals of one form and period from its subordinates' accepted figures.

    Two queries whatever the size of the subtree: its units, and their accepted figures."""
    if not can_read(session, actor, unit) or not can(actor, Capability.REPORTS_COMPLIANCE):
        raise NotFound("未找到该单位，或不在您的管辖范围内。")
    form = FORMS.get(form_code)
    if form is None or form.kind is FormKind.TEXT:
        raise NotFound("该报表不能汇总。")
    children = _subtree(session, unit)
    accepted = _accepted_below(session, unit, form_code, period_start)
    units: list[tuple[OrgUnit, bool]] = []
    parts: list[tuple[OrgUnit, Values]] = []
    for child in children.get(unit.id, []):
        values = _contribution(child, form_code, children, accepted)
        units.append((child, values is not None))
        if values is not None:
            parts.append((child, values))
    form = form.for_year(period_start.year)
    if form.open_rows:
        sheet, total = rollup_units(form, [(f"u{u.id}", u.name, v) for u, v in parts])
        return RollupResult(sheet, total, units)
    return RollupResult(form, rollup(form, [v for _, v in parts]), units)


@dataclass(frozen=True)
class ComplianceSummary:
    form_code: str
    total: int
    not_started: int
    draft: int
    submitted: int
    returned: int
    accepted: int
    late: int  # submitted after the deadline, or still not submitted past it


def _visible_obligations(session: Session, actor: User, unit: OrgUnit, period_start: date):
    below = select(OrgUnit.id).where(
        OrgUnit.path.startswith(unit.path, autoescape=True), report_unit_filter(session, actor)
    )
    return and_(Obligation.unit_id.in_(below), Obligation.period_start == period_start)


def compliance(
    session: Session, actor: User, unit: OrgUnit, period_start: date, today: date
) -> tuple[list[ComplianceSummary], list[Obligation]]:
    """Per form, how many units submitted, were returned, are late or have not started."""
    if not can_read(session, actor, unit):
        raise PermissionDenied("您的角色无权查看报送情况。")
    require(actor, Capability.REPORTS_COMPLIANCE)
    where = _visible_obligations(session, actor, unit, period_start)
    st = Obligation.state

    def n(cond: ColumnElement[bool]) -> ColumnElement[int]:
        return func.coalesce(func.sum(case((cond, 1), else_=0)), 0)

    unsent = st.in_([ObligationState.NOT_STARTED, ObligationState.DRAFT])
    overdue = and_(unsent, Obligation.due_on.is_not(None), Obligation.due_on < today)
    stmt = (
        select(
            Obligation.form_code,
            func.count(Obligation.id),
            n(st == ObligationState.NOT_STARTED),
            n(st == ObligationState.DRAFT),
            n(st.in_([ObligationState.SUBMITTED, ObligationState.RESUBMITTED])),
            n(st == ObligationState.RETURNED),
            n(st == ObligationState.ACCEPTED),
            n(Obligation.late.is_(True) | overdue),
        )
        .where(where)
        .group_by(Obligation.form_code)
        .order_by(Obligation.form_code)
    )
    summaries = [
        ComplianceSummary(code, *(int(x or 0) for x in counts))
        for code, *counts in session.execute(stmt)
    ]
    detail = list(
        session.scalars(
            select(Obligation)
            .join(OrgUnit, OrgUnit.id == Obligation.unit_id)
            .where(where)
            .order_by(Obligation.form_code, OrgUnit.path)
        )
    )
    return summaries, detail


def export_submission(session: Session, actor: User, sub: Submission) -> tuple[str, bytes]:
    """One submission as XLSX in the official layout (title, 填报单位, 填报时间, signatures)."""
    if not can_read(session, actor, sub.unit):
        raise NotFound("未找到该报表，或不在您的管辖范围内。")
    form = form_for(sub.form_code, sub.obligation.period_start.year)
    filled = sub.submitted_at or sub.updated_at
    data = export_xlsx(
        form,
        cells.decode(form, sub.values),
        unit_name=sub.unit.name,
        period_label=sub.obligation.period_label,
        filled_at=filled.date() if filled else None,
        leader=sub.leader_name,
        filler=sub.filler_name,
        contact=sub.contact,
    )
    version = f"第{sub.number}版" if sub.number > 1 else ""
    name = download_name(sub.unit.name, form.title, sub.obligation.period_label, version)
    return name, data


def export_submission_pdf(
    session: Session, actor: User, sub: Submission
) -> tuple[str, bytes]:
    """One submission as PDF in the official layout, named as its XLSX (单位_表名_期间)."""
    if not can_read(session, actor, sub.unit):
        raise NotFound("未找到该报表，或不在您的管辖范围内。")
    form = form_for(sub.form_code, sub.obligation.period_start.year)
    filled = sub.submitted_at or sub.updated_at
    spec = SheetSpec(
        form, cells.decode(form, sub.values), sub.unit.name, sub.obligation.period_label,
        filled.date() if filled else None, sub.leader_name, sub.filler_name, sub.contact,
    )
    version = f"第{sub.number}版" if sub.number > 1 else ""
    name = download_name(sub.unit.name, form.title, sub.obligation.period_label, version, ext="pdf")
    return name, export_pdf(spec)


def export_rollup_pdf(
    session: Session, actor: User, unit: OrgUnit, form_code: str, period_start: date, label: str
) -> tuple[str, bytes]:
    """A unit's roll-up of one form and period as PDF (单位_表名_期间_汇总)."""
    result = unit_rollup(session, actor, unit, form_code, period_start)
    data = export_pdf(SheetSpec(result.form, result.values, unit.name, label))
    return download_name(unit.name, result.form.title, label, "汇总", ext="pdf"), data


def export_rollup(
    session: Session, actor: User, unit: OrgUnit, form_code: str, period_start: date, label: str
) -> tuple[str, bytes]:
    """A unit's roll-up of one form and period as XLSX."""
    result = unit_rollup(session, actor, unit, form_code, period_start)
    data = export_xlsx(result.form, result.values, unit_name=unit.name, period_label=label)
    return download_name(unit.name, result.form.title, label, "汇总"), data
