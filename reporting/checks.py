"""Parsing, checking and computing the cells of a form.

Values are a mapping ``{(row_code, col_code): int | Decimal | str}``; a missing
numeric cell counts as 0 (a blank on the printed form).

* ``parse_cell(form, row, col, text)`` turns what a person typed into a value, or
  raises ``ValidationError`` naming the cell and the rule in Chinese.
* ``check(form, values, previous=None) -> list[CellError]``: units (whole
  non-negative numbers for 起/人/个/条/次/家/份, non-negative with at most four places
  for 万元, text only in text columns), subtotals and totals (小计/合计/总计), the
  form's named relations, and — for 逐月累计 forms given last month's accepted values
  as ``previous`` (same year only) — that no cumulative figure went down.
* ``compute(form, values) -> values`` fills every computed cell.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from config.errors import ValidationError
from reporting.formdef import (
    COUNT_UNITS,
    MONEY_PLACES,
    CellKey,
    CellKind,
    FormDefinition,
    FormKind,
    Unit,
    Value,
    Values,
)

TEXT_CELL_MAX = 500


class Rule(StrEnum):
    UNKNOWN_CELL = "unknown_cell"
    NOT_A_NUMBER = "not_a_number"
    NEGATIVE = "negative"
    NOT_WHOLE = "not_whole"
    TOO_MANY_PLACES = "too_many_places"
    NOT_TEXT = "not_text"
    TOO_LONG = "too_long"
    REQUIRED = "required"
    SUM_MISMATCH = "sum_mismatch"
    RELATION = "relation"
    DECREASED = "decreased"
    NOT_OWN_ROW = "not_own_row"
    EMPTY = "empty"


RULE_LABELS: dict[Rule, str] = {
    Rule.UNKNOWN_CELL: "表中没有该单元格",
    Rule.NOT_A_NUMBER: "应填写数字",
    Rule.NEGATIVE: "不能为负数",
    Rule.NOT_WHOLE: "应为整数",
    Rule.TOO_MANY_PLACES: "最多保留4位小数",
    Rule.NOT_TEXT: "应填写文字",
    Rule.TOO_LONG: "内容过长",
    Rule.REQUIRED: "必填",
    Rule.SUM_MISMATCH: "小计、合计应等于各分项之和",
    Rule.RELATION: "数据之间的关系不成立",
    Rule.DECREASED: "逐月累计数不能小于上月数",
    Rule.NOT_OWN_ROW: "只能填写本单位所属类别的行",
    Rule.EMPTY: "报送前请填写",
}


@dataclass(frozen=True)
class CellError:
    row: str
    col: str
    rule: Rule
    message: str  # names the cell and the rule, for the person filling the form


def _error(form: FormDefinition, row: str, col: str, rule: Rule, detail: str) -> CellError:
    if form.kind is FormKind.TEXT:
        where = f"「{_section_title(form, row)}」"
    elif form.has_cell(row, col):
        where = form.cell_name(row, col)
    else:
        where = f"单元格（{row}, {col}）"
    return CellError(row, col, rule, f"{where}：{detail}")


def _section_title(form: FormDefinition, code: str) -> str:
    return next((s.title for s in form.sections if s.code == code), code)


def _fmt(value: Value) -> str:
    return format(value.normalize(), "f") if isinstance(value, Decimal) else str(value)


def _value_problem(
    form: FormDefinition, row: str, col: str, value: object
) -> tuple[Rule, str] | None:
    """The first rule a value breaks in its cell (unit, sign, places), if any."""
    unit = form.unit(row, col)
    if unit is Unit.TEXT:
        if not isinstance(value, str):
            return Rule.NOT_TEXT, "备注栏应填写文字"
        if len(value) > TEXT_CELL_MAX:
            return Rule.TOO_LONG, f"不能超过{TEXT_CELL_MAX}个字"
        return None
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        return Rule.NOT_A_NUMBER, f"单位为「{unit}」，应填写数字，不能填写文字「{value}」"
    if isinstance(value, Decimal) and not value.is_finite():
        return Rule.NOT_A_NUMBER, f"单位为「{unit}」，应填写数字"
    if value < 0:
        return Rule.NEGATIVE, f"不能为负数（填写的是 {_fmt(value)}）"
    if unit in COUNT_UNITS and value != int(value):
        return Rule.NOT_WHOLE, f"单位为「{unit}」，应填写整数（填写的是 {_fmt(value)}）"
    places = value.normalize().as_tuple().exponent if isinstance(value, Decimal) else 0
    if isinstance(places, int) and -places > MONEY_PLACES:
        return Rule.TOO_MANY_PLACES, f"以万元为单位，最多保留{MONEY_PLACES}位小数"
    return None


def parse_cell(form: FormDefinition, row: str, col: str, text: str) -> Value | None:
    """What a person typed into one cell, as a value (``None`` for a blank cell).

    Full-width digits and thousands separators are accepted (people paste from Word).
    """
    if not form.has_cell(row, col):
        raise ValidationError(f"{form.title}中没有单元格（{row}, {col}）")
    text = (text or "").strip()
    if not text:
        return None
    value: Value
    if form.unit(row, col) is Unit.TEXT:
        value = text
    else:
        cleaned = unicodedata.normalize("NFKC", text).replace(",", "").replace(" ", "")
        try:
            value = Decimal(cleaned)
        except InvalidOperation:
            value = text
    problem = _value_problem(form, row, col, value)
    if problem:
        error = _error(form, row, col, *problem)
        raise ValidationError(error.message, details=error)
    if isinstance(value, Decimal) and form.unit(row, col) in COUNT_UNITS:
        return int(value)
    return value


def _number(values: Mapping[CellKey, Value], key: CellKey) -> int | Decimal:
    value = values.get(key, 0)
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        return 0
    return value if not isinstance(value, Decimal) or value.is_finite() else 0


def compute(form: FormDefinition, values: Mapping[CellKey, Value]) -> Values:
    """A copy of ``values`` with every computed cell (小计/合计/总计) filled from the others."""
    result: Values = dict(values)
    memo: dict[CellKey, int | Decimal] = {}

    def cell(row: str, col: str) -> int | Decimal:
        key = (row, col)
        if key not in memo:
            r, c = form.row(row), form.column(col)
            if r.sum_of:
                memo[key] = sum((cell(x, col) for x in r.sum_of), start=0)
            elif c.sum_of:
                memo[key] = sum((cell(row, x) for x in c.sum_of), start=0)
            else:
                memo[key] = _number(values, key)
        return memo[key]

    for row, col in form.numeric_cells():
        if form.cell_kind(row, col) is CellKind.COMPUTED:
            result[(row, col)] = cell(row, col)
    return result


def check(
    form: FormDefinition,
    values: Mapping[CellKey, Value],
    previous: Mapping[CellKey, Value] | None = None,
) -> list[CellError]:
    """Every rule the values break, one ``CellError`` per cell and rule, in form order."""
    if form.kind is FormKind.TEXT:
        return _check_text(form, values)
    errors = [
        _error(form, row, col, Rule.UNKNOWN_CELL, "表中没有该单元格")
        for row, col in values
        if not form.has_cell(row, col)
    ]
    bad: set[CellKey] = set()
    for key in form.cells():
        if key in values:
            problem = _value_problem(form, *key, values[key])
            if problem:
                bad.add(key)
                errors.append(_error(form, *key, *problem))
    if bad:
        # Sums and relations over ill-formed figures would only repeat the same mistake.
        return errors
    expected = compute(form, values)
    errors += _sum_errors(form, values, expected)
    errors += _relation_errors(form, expected)
    if previous is not None and form.cumulative:
        errors += _decrease_errors(form, expected, compute(form, previous))
    return errors


def _sum_errors(
    form: FormDefinition, values: Mapping[CellKey, Value], expected: Values
) -> list[CellError]:
    errors = []
    for row, col in form.numeric_cells():
        if (row, col) not in values or form.cell_kind(row, col) is not CellKind.COMPUTED:
            continue
        given, want = values[(row, col)], expected[(row, col)]
        if given != want:
            r = form.row(row)
            parts = (
                "、".join(f"「{form.row(x).name}」" for x in r.sum_of)
                if r.sum_of
                else "、".join(f"「{form.column(x).name}」" for x in form.column(col).sum_of)
            )
            detail = f"应等于{parts}之和 {_fmt(want)}，实际填写 {_fmt(given)}"
            errors.append(_error(form, row, col, Rule.SUM_MISMATCH, detail))
    return errors


def _relation_errors(form: FormDefinition, values: Values) -> list[CellError]:
    errors = []
    for rel in form.relations:
        if rel.axis == "column":
            pairs = [((r.code, rel.lesser), (r.code, rel.greater)) for r in form.rows]
        else:
            pairs = [((rel.lesser, c.code), (rel.greater, c.code)) for c in form.columns]
        for low, high in pairs:
            # Sums keep "≤", so subtotal rows and columns need no second message.
            if form.cell_kind(*low) is CellKind.COMPUTED:
                continue
            a, b = _number(values, low), _number(values, high)
            if a > b:
                other = (
                    form.column(high[1]).name if rel.axis == "column" else form.row(high[0]).name
                )
                detail = f"{rel.name}（本格 {_fmt(a)}，「{other}」{_fmt(b)}）"
                errors.append(_error(form, *low, Rule.RELATION, detail))
    return errors


def _decrease_errors(form: FormDefinition, values: Values, previous: Values) -> list[CellError]:
    errors = []
    for row, col in form.numeric_cells():
        if not form.column(col).cumulative or form.cell_kind(row, col) is CellKind.COMPUTED:
            continue
        now, before = _number(values, (row, col)), _number(previous, (row, col))
        if now < before:
            detail = f"本表逐月累计，本月数 {_fmt(now)} 不能小于上月已接受的数 {_fmt(before)}"
            errors.append(_error(form, row, col, Rule.DECREASED, detail))
    return errors


def _check_text(form: FormDefinition, values: Mapping[CellKey, Value]) -> list[CellError]:
    codes = {s.code for s in form.sections}
    errors = [
        _error(form, row, col, Rule.UNKNOWN_CELL, "报告中没有该部分")
        for row, col in values
        if row not in codes or col != "text"
    ]
    for section in form.sections:
        text = values.get((section.code, "text"), "")
        if not isinstance(text, str):
            errors.append(_error(form, section.code, "text", Rule.NOT_TEXT, "应填写文字"))
        elif section.required and not text.strip():
            errors.append(_error(form, section.code, "text", Rule.REQUIRED, "此部分必须填写"))
        elif len(text) > section.max_length:
            detail = f"不能超过{section.max_length}个字"
            errors.append(_error(form, section.code, "text", Rule.TOO_LONG, detail))
    return errors
