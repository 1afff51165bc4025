"""Roll-up: a superior's figures are the sum of its subordinates' (上级统计数应包含下级统计数据).

Seed ``004_…`` 附件1 填报说明5. Entered and prefilled cells are summed; computed cells
(小计/合计/总计) are recomputed, never summed; text cells (备注) are not carried up.

* ``rollup(form, [values, ...]) -> values`` — same form, same rows, summed.
* ``rollup_units(form, [(row_code, 单位名称, values), ...]) -> (form, values)`` — for
  统计表（一）, whose rows are the reporting units: each unit's 合计 becomes its row
  (a unit's values are its own submission, or a sheet ``rollup_units`` returned).
* ``class_code(form, category=, grade=, ownership=) -> str`` — the row (统计表二/三,
  工作量化统计表一) or column (工作量化统计表二) an institution is counted in.
* ``by_class(form, [(class_code, figures), ...]) -> values`` — builds the per-class
  rows (or columns) from each institution's figures, keyed by the other axis' codes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal

from config.reference import Grade, InstitutionCategory, Ownership, stat_class, stat_row
from reporting.checks import compute
from reporting.formdef import CellKey, CellKind, FormDefinition, Value, Values, with_rows
from reporting.forms.hospital_rows import hospital_row


def _add(total: Values, key: CellKey, value: Value) -> None:
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        return
    current = total.get(key, 0)
    assert not isinstance(current, str)
    total[key] = current + value


def _summable(form: FormDefinition) -> list[CellKey]:
    return [k for k in form.numeric_cells() if form.cell_kind(*k) is not CellKind.COMPUTED]


def rollup(form: FormDefinition, submissions: Iterable[Mapping[CellKey, Value]]) -> Values:
    """The sum of subordinate submissions of one form, computed cells recomputed."""
    cells = _summable(form)
    total: Values = {}
    for values in submissions:
        for key in cells:
            if key in values:
                _add(total, key, values[key])
    return compute(form, total)


def rollup_units(
    form: FormDefinition, units: Sequence[tuple[str, str, Mapping[CellKey, Value]]]
) -> tuple[FormDefinition, Values]:
    """统计表（一） of a superior: one row per subordinate unit (its 合计) and their 合计."""
    sheet = with_rows(form, [(code, label) for code, label, _ in units])
    values: Values = {}
    for code, _, submitted in units:
        # A unit's own submission is on the base form; a rolled-up sheet of a unit with
        # subordinates of its own comes with its 合计 already computed (rollup_units).
        filled = compute(form, submitted) if _fits(form, submitted) else submitted
        for col in form.columns:
            value = filled.get(("total", col.code))
            if value is not None and sheet.is_numeric(code, col.code):
                values[(code, col.code)] = value
    return sheet, compute(sheet, values)


def _fits(form: FormDefinition, values: Mapping[CellKey, Value]) -> bool:
    return all(form.has_cell(*key) for key in values)


def class_code(
    form: FormDefinition,
    *,
    category: InstitutionCategory,
    grade: Grade,
    ownership: Ownership,
) -> str:
    """The row or column code an institution's figures go to on a form grouped by class."""
    if form.class_scheme == "hospital_grade":
        return hospital_row(grade, ownership)
    if form.class_scheme == "stat_row":
        return stat_row(category, grade, ownership)
    if form.class_scheme == "stat_class":
        return stat_class(grade, ownership).value
    raise ValueError(f"{form.code} is not grouped by institution class")


def by_class(form: FormDefinition, items: Iterable[tuple[str, Mapping[str, Value]]]) -> Values:
    """Per-class figures from (class code, one institution's figures) pairs, summed.

    For row-class forms the figures are keyed by column code; for 工作量化统计表二
    (classes are columns) they are keyed by row code.
    """
    total: Values = {}
    summable = set(_summable(form))
    for code, figures in items:
        for other, value in figures.items():
            key = (code, other) if form.class_axis == "row" else (other, code)
            if not form.has_cell(*key):
                raise ValueError(f"{form.code}: no cell {key}")
            if key in summable:
                _add(total, key, value)
    return compute(form, total)
