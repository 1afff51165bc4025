"""A body's own draft starts from the accepted returns of the units directly below it.

Seed ``004_…`` (统计表 notes): "上级统计数应包含下级统计数据". The cells the ledger or a
register proposes (they count the whole subtree already) keep the ledger's figure; every
other number cell of the body's rows starts as the sum of what the units below reported
and had accepted for the same form and period: their 合计 on a form with a 本单位 row
(统计表一), the same class row on a form grouped by class (统计表二). The body edits it.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from directory.models import OrgUnit, UnitKind
from reporting import cells
from reporting.checks import compute
from reporting.formdef import CellKey, CellKind, FormDefinition, FormKind, Value, Values
from reporting.models import Obligation, Submission, SubmissionState
from reporting.prefill import prefill, target_rows

__all__ = ["prefill", "seeded"]


def _accepted_children(
    session: Session, form: FormDefinition, obligation: Obligation
) -> list[Values]:
    """The latest accepted figures of the same form and period of each unit right below."""
    stmt = (
        select(Obligation.unit_id, Submission.number, Submission.values)
        .join(Obligation, Obligation.id == Submission.obligation_id)
        .join(OrgUnit, OrgUnit.id == Obligation.unit_id)
        .where(
            OrgUnit.parent_id == obligation.unit_id,
            OrgUnit.kind != UnitKind.OFFICE,
            Obligation.form_code == obligation.form_code,
            Obligation.period_start == obligation.period_start,
            Submission.state == SubmissionState.ACCEPTED,
        )
    )
    latest: dict[int, tuple[int, dict]] = {}
    for unit_id, number, raw in session.execute(stmt):
        if unit_id not in latest or number > latest[unit_id][0]:
            latest[unit_id] = (number, raw)
    return [compute(form, cells.decode(form, raw)) for _, raw in latest.values()]


def seeded(
    session: Session, form: FormDefinition, obligation: Obligation, ledger: Mapping[CellKey, Value]
) -> Values:
    """The first draft's figures: the ledger's, and for a body the sum of the units below."""
    values: Values = dict(ledger)
    unit = obligation.unit
    if form.kind is FormKind.TABLE and unit.kind != UnitKind.INSTITUTION:
        children = _accepted_children(session, form, obligation)
        for row in target_rows(form, unit) if children else []:
            for col in form.columns:
                key = (row, col.code)
                if (
                    key in values
                    or not form.has_cell(*key)
                    or not form.is_numeric(*key)
                    or form.cell_kind(*key) is not CellKind.ENTERED
                ):
                    continue
                source = ("total", col.code) if form.open_rows else key
                found = [c[source] for c in children if source in c]
                if found:
                    total = sum(found, start=Decimal(0) if isinstance(found[0], Decimal) else 0)
                    values[key] = total
    return compute(form, values) if values else {}
