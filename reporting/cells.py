"""Form values as stored (JSON ``{"row|col": value}``) and as typed by people or the API.

Counts are stored as JSON integers, 万元 figures as decimal strings (JSON floats would
lose places), text as text.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from config.errors import ValidationError
from reporting.checks import CellError, Rule, parse_cell
from reporting.formdef import MONEY_UNITS, CellKey, FormDefinition, FormKind, Value, Values


def key_text(key: CellKey) -> str:
    return f"{key[0]}|{key[1]}"


def split_key(text: str) -> CellKey:
    row, _, col = text.partition("|")
    return row, col


def encode(values: Mapping[CellKey, Value]) -> dict[str, Any]:
    return {
        key_text(k): (format(v.normalize(), "f") if isinstance(v, Decimal) else v)
        for k, v in values.items()
    }


def decode(form: FormDefinition, raw: Mapping[str, Any] | None) -> Values:
    """Stored JSON back to values (万元 as Decimal)."""
    values: Values = {}
    for text, value in (raw or {}).items():
        key = split_key(text)
        if (
            form.kind is FormKind.TABLE
            and form.has_cell(*key)
            and form.unit(*key) in MONEY_UNITS
            and isinstance(value, str | int)
        ):
            values[key] = Decimal(str(value))
        else:
            values[key] = value
    return values


def parse_input(form: FormDefinition, raw: Mapping[str, Any]) -> tuple[Values, list[CellError]]:
    """What a person typed (or an API client sent), per cell; blanks are dropped.

    Every cell is parsed, so every mistake is reported at once, each naming its cell.
    """
    values: Values = {}
    errors: list[CellError] = []
    for text, given in raw.items():
        row, col = split_key(text)
        if form.kind is FormKind.TEXT:
            if isinstance(given, str) and given.strip():
                values[(row, col or "text")] = given.strip()
            elif given not in (None, ""):
                values[(row, col or "text")] = given
            continue
        if not form.has_cell(row, col):
            errors.append(
                CellError(row, col, Rule.UNKNOWN_CELL, f"单元格（{row}, {col}）：表中没有该单元格")
            )
            continue
        if given is None:
            continue
        as_text = given if isinstance(given, str) else _json_text(given)
        try:
            value = parse_cell(form, row, col, as_text)
        except ValidationError as err:
            detail = err.details
            if isinstance(detail, CellError):
                errors.append(detail)
            else:
                errors.append(CellError(row, col, Rule.NOT_A_NUMBER, err.message))
            continue
        if value is not None:
            values[(row, col)] = value
    return values, errors


def _json_text(value: object) -> str:
    # JSON true/false are not figures; say so instead of reading them as 1/0.
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return f"「{value}」"
    return str(value)


def error_details(errors: list[CellError]) -> list[dict[str, str]]:
    return [
        {"cell": key_text((e.row, e.col)), "rule": str(e.rule), "message": e.message}
        for e in errors
    ]


def decode_form(sub: Any) -> Values:
    """A submission's stored values, decoded with its own form."""
    from reporting.forms import FORMS

    return decode(FORMS[sub.form_code], sub.values)
