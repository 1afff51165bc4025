"""What a unit may fill on a form, what makes a form fit to send, and who has opened it.

* ``own_rows`` — a hospital fills only the row of its own class (公立医院三级 …) on the
  forms grouped by institution class (统计表二/三, 工作量化统计表一); the other class rows
  are the roll-up's business, so a value typed there is refused, naming the cell.
* ``empty_errors`` — a form nobody filled in is not sent: that is what a lost page looks
  like. Typed zeros are an answer; so is 零报告 (declared: every figure is 0).
* ``grand_totals`` — the 合计 a person confirms before sending.
* ``note_opened`` — the first time a reviewer of the body above opens a (re)submission;
  until then the reporter may withdraw it (``reporting.lifecycle``).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal

from sqlalchemy import update
from sqlalchemy.orm import Session

from config.database import utcnow
from config.errors import ValidationError
from directory.models import OrgUnit, UnitKind, User
from reporting import cells
from reporting.access import is_reviewer
from reporting.checks import CellError, Rule, compute
from reporting.formdef import CellKey, CellKind, FormDefinition, FormKind, Value
from reporting.models import Submission, SubmissionState
from reporting.prefill import target_rows
from workflow.models import TransitionLog

ZERO_REPORT_HINT = "本期确无数据的，也可以勾选“零报告（本期各项均为 0）”后报送"


def own_rows(form: FormDefinition, unit: OrgUnit) -> frozenset[str] | None:
    """The rows ``unit`` fills on ``form``; None when it fills every entered row."""
    if form.kind is not FormKind.TABLE or form.class_axis != "row":
        return None
    if unit.kind != UnitKind.INSTITUTION or not (unit.grade and unit.category and unit.ownership):
        return None
    return frozenset(target_rows(form, unit))


def fillable(form: FormDefinition, unit: OrgUnit) -> frozenset[str]:
    """The "row|col" keys the unit types into (entered or prefilled, in its own rows)."""
    rows = own_rows(form, unit)
    return frozenset(
        cells.key_text((r, c))
        for r, c in form.cells()
        if (rows is None or r in rows) and form.cell_kind(r, c) is not CellKind.COMPUTED
    )


def foreign_row_errors(
    form: FormDefinition, unit: OrgUnit, values: Mapping[CellKey, Value]
) -> list[CellError]:
    """A value in a class row that is not the unit's own, one error per cell."""
    rows = own_rows(form, unit)
    if rows is None:
        return []
    mine = "、".join(form.row(r).name for r in sorted(rows))
    return [
        CellError(
            row,
            col,
            Rule.NOT_OWN_ROW,
            f"{form.cell_name(row, col)}：本单位只填写「{mine}」行，不能填写其他类别的行",
        )
        for row, col in values
        if form.has_cell(row, col)
        and row not in rows
        and form.cell_kind(row, col) is not CellKind.COMPUTED
        and values[(row, col)] not in (0, "")
    ]


def _has_figure(value: Value) -> bool:
    if isinstance(value, str):
        return bool(value.strip())
    return value != 0


def empty_errors(
    form: FormDefinition, unit: OrgUnit, values: Mapping[CellKey, Value]
) -> list[CellError]:
    """One error per blank cell of the unit's rows when the whole form holds no figure."""
    if form.kind is not FormKind.TABLE:
        return []  # a text report's required sections are checked on every save
    keys = [cells.split_key(k) for k in sorted(fillable(form, unit))]
    # A typed 0 is an answer; a ledger-proposed 0 alone is not (nobody looked at the form).
    if any(
        _has_figure(values[k]) or form.cell_kind(*k) is CellKind.ENTERED
        for k in keys
        if k in values
    ):
        return []
    blank = [k for k in keys if k not in values] or keys
    return [
        CellError(row, col, Rule.EMPTY, f"{form.cell_name(row, col)}：报送前请填写（没有的填 0）")
        for row, col in sorted(blank, key=lambda k: _order(form, k))
    ]


def _order(form: FormDefinition, key: CellKey) -> tuple[int, int]:
    rows = [r.code for r in form.rows]
    cols = [c.code for c in form.columns]
    return rows.index(key[0]), cols.index(key[1])


def refuse_empty(errors: list[CellError]) -> ValidationError:
    return ValidationError(
        f"报表是空的，未报送：请填写本单位的数字（没有的填 0）；{ZERO_REPORT_HINT}。",
        details=cells.error_details(errors),
    )


def grand_total_cells(form: FormDefinition) -> list[tuple[str, str]]:
    """("row|col", column label) of the form's 合计 row (the sum no other row adds up)."""
    if form.kind is not FormKind.TABLE:
        return []
    summed = {code for r in form.rows for code in r.sum_of}
    top = next((r for r in form.rows if r.sum_of and r.code not in summed), None)
    if top is None:
        return []
    return [
        (f"{top.code}|{col.code}", "—".join(col.headers))
        for col in form.columns
        if form.is_numeric(top.code, col.code)
    ]


def grand_totals(form: FormDefinition, values: Mapping[CellKey, Value]) -> list[tuple[str, str]]:
    """(column, figure) of the form's 合计 row, for the confirmation before sending."""
    full = compute(form, values) if form.kind is FormKind.TABLE else {}
    result = []
    for key, label in grand_total_cells(form):
        value = full.get(cells.split_key(key), 0)
        text = format(value.normalize(), "f") if isinstance(value, Decimal) else str(value)
        result.append((label, text))
    return result


def note_opened(
    session: Session, actor: User, sub: Submission, *, now: datetime | None = None
) -> bool:
    """Record the first opening of a (re)submission by a reviewer of the body above.

    Bumps the version in one guarded UPDATE, so a withdrawal prepared before the opening
    fails as a conflict instead of slipping past it."""
    if sub.opened_at is not None or sub.state not in (
        SubmissionState.SUBMITTED,
        SubmissionState.RESUBMITTED,
    ):
        return False
    if not is_reviewer(session, actor, sub.unit, sub.obligation.rule):
        return False
    now = now or utcnow()
    session.flush()
    result = session.execute(
        update(Submission)
        .where(
            Submission.id == sub.id,
            Submission.version == sub.version,
            Submission.opened_at.is_(None),
        )
        .values(opened_at=now, opened_by_id=actor.id, version=sub.version + 1)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return False
    session.add(
        TransitionLog(
            lifecycle="submission",
            subject_id=sub.id,
            actor_id=actor.id,
            at=now,
            trigger="open",
            from_state=sub.state,
            to_state=sub.state,
            version=sub.version + 1,
            reason="",
            payload={"number": sub.number},
        )
    )
    session.flush()
    session.refresh(sub)
    return True
