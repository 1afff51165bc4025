"""Text that fits its column, on every database: limits read from the models, one message.

SQLite stores a string of any length in a ``String(100)`` column; PostgreSQL refuses it
and the request used to end in a 500 with the tip lost. So the width of a column is
declared once, in the model, and read from there:

* ``checked(value, Model.attr, "被反映人")`` at the boundary (a service's input): the text
  stripped, or a ``ValidationError`` whose message names the field and whose details are
  ``{field: message}`` (the same answer to a form and to the JSON API);
* ``fit(value, Model.attr)`` for derived columns (a normalised key, a summary cut from a
  text), which must be computed within their width rather than refused;
* ``guard_flush``, a ``before_flush`` hook wired in ``config.database``: the last line,
  it refuses, before any SQL is sent, a string longer than its column, a NUL character
  (PostgreSQL cannot store one), a lone surrogate (not encodable as UTF-8) or a number
  beyond its ``Integer``/``Numeric(p, s)`` column, so that no path the boundary checks
  missed can answer 500 on PostgreSQL and succeed on SQLite.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from sqlalchemy import Numeric, String, inspect
from sqlalchemy.orm import Mapper, Session
from sqlalchemy.orm.attributes import QueryableAttribute

from config.errors import ValidationError

# NUL cannot be stored by PostgreSQL; a lone surrogate cannot be encoded as UTF-8.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def width(attr: QueryableAttribute[Any]) -> int | None:
    """The declared length of a ``String(n)`` column attribute (None for ``Text`` etc.)."""
    column = attr.property.columns[0]  # type: ignore[attr-defined]
    return column.type.length if isinstance(column.type, String) else None


def unstorable(text: str) -> bool:
    """Whether ``text`` holds a character no database column can keep."""
    return _UNSTORABLE.search(text) is not None


SHORTEN = "请删减后重新提交。"


def too_long(label: str, limit: int, actual: int, hint: str = SHORTEN) -> str:
    return f"{label}不能超过 {limit} 个字（现为 {actual} 个字），{hint}"


def bad_characters(label: str) -> str:
    return f"{label}含有无法保存的字符（空字符或残缺的 Unicode 字符），请删除后重新提交。"


def problem(text: str, label: str, limit: int | None, hint: str = SHORTEN) -> str | None:
    """The message for ``text`` in a field of ``limit`` characters, or None if it fits."""
    if unstorable(text):
        return bad_characters(label)
    if limit is not None and len(text) > limit:
        return too_long(label, limit, len(text), hint)
    return None


def checked(
    value: object,
    attr: QueryableAttribute[Any] | None,
    label: str,
    *,
    field: str | None = None,
    limit: int | None = None,
    hint: str = SHORTEN,
) -> str:
    """``value`` as stripped text that fits ``attr``'s column (or ``limit`` characters);
    else a ``ValidationError`` naming the field (details ``{field: message}``)."""
    text = "" if value is None else str(value).strip()
    bound = limit if limit is not None else (width(attr) if attr is not None else None)
    message = problem(text, label, bound, hint)
    if message:
        key = field or (attr.key if attr is not None else label)
        raise ValidationError(message, details={key: message})
    return text


def fit(value: str, attr: QueryableAttribute[Any]) -> str:
    """``value`` cut to ``attr``'s width (for derived columns: keys, excerpts)."""
    limit = width(attr)
    return value if limit is None else value[:limit]


# -- the last line: every flush ----------------------------------------------------
# (attribute key, "text" or "number", limit, label) of the columns a database bounds.
_Checked = tuple[str, str, Any, str]
_COLUMNS: dict[type, list[_Checked]] = {}
INT_LIMITS = {"SmallInteger": 2**15, "Integer": 2**31, "BigInteger": 2**63}
# Names for a column no boundary check labelled (``Column.info["label"]`` wins): the
# message still speaks Chinese; ``details`` carries the attribute's key for the API.
KEY_LABELS = {
    "name": "名称",
    "display_name": "姓名",
    "staff_name": "姓名",
    "patient_name": "患者姓名",
    "summary": "摘要",
    "title": "标题",
    "code": "编码",
    "reference": "文号",
    "department": "科室",
    "receipt_no": "票据编号",
    "organ": "接收机关",
    "recipient": "对象",
    "email": "电子邮箱",
    "phone": "电话",
    "purpose": "用途",
}


def _checked_columns(mapper: Mapper[Any]) -> list[_Checked]:
    found = _COLUMNS.get(mapper.class_)
    if found is None:
        found = []
        table = mapper.local_table.description
        for prop in mapper.column_attrs:
            column = prop.columns[0]
            label = (
                column.info.get("label")
                or KEY_LABELS.get(prop.key)
                or f"字段 {table}.{column.name}"
            )
            kind = column.type
            if isinstance(kind, String):  # Text is a String without a length
                found.append((prop.key, "text", kind.length, label))
            elif isinstance(kind, Numeric) and kind.precision:
                bound = Decimal(10) ** (kind.precision - (kind.scale or 0))
                found.append((prop.key, "number", bound, label))
            elif type(kind).__name__ in INT_LIMITS:
                found.append((prop.key, "number", INT_LIMITS[type(kind).__name__], label))
        _COLUMNS[mapper.class_] = found
    return found


def guard_flush(session: Session, _context: object, _instances: object) -> None:
    """Refuse, before any SQL is sent, a value that one of the databases could not store:
    text too long or unstorable, a number beyond its column's range."""
    for obj in (*session.new, *session.dirty):
        state = inspect(obj)
        changed = None if state.key is None else set(state.committed_state)
        for key, kind, limit, label in _checked_columns(state.mapper):
            if changed is not None and key not in changed:
                continue
            value = state.dict.get(key)
            message = None
            if kind == "text" and isinstance(value, str):
                message = problem(value, f"“{label}”", limit)
            elif kind == "number" and _beyond(value, limit):
                message = f"“{label}”的数值超出范围，请核对后重新提交。"
            if message:
                raise ValidationError(message, details={key: message})


def _beyond(value: object, limit: Any) -> bool:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return False
    if isinstance(value, Decimal) and not value.is_finite():
        return True
    if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
        return True
    return abs(value) >= limit
