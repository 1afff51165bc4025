"""One vocabulary for a submitted field: its name, label (zh-CN), kind, whether it is
required, its choices and its length. ``clean`` turns raw form or JSON input into typed
values, naming every problem by its label; ``json_schema`` describes the same field for
the OpenAPI description and the JSON API's body check; the clue page's ``render_fields``
macro draws it. Lifecycle steps and handling records both declare their fields with it.

Rules that span fields (a post for persons only, a date after another) stay with the
services; a field here only knows itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from config.database import MAX_ID
from config.errors import ValidationError
from config.localtime import LOCAL_TZ, cn_date, cn_datetime
from config.textlimits import problem

# Amounts are NUMERIC(14, 4) 万元 and NUMERIC(12, 2) 元: ten integer digits either way.
AMOUNT_LIMIT = 10**10


class FieldKind(StrEnum):
    TEXT = "text"
    TEXTAREA = "textarea"
    CHOICE = "choice"
    DATE = "date"
    DATETIME = "datetime"  # a moment that has happened (a call, a visit): not in the future
    INTEGER = "integer"
    DECIMAL = "decimal"  # a non-negative amount with at most ``places`` decimals
    USER = "user"  # a user id inside the actor's jurisdiction
    UNIT = "unit"  # an org unit id
    SUBJECT = "subject"  # another subject of the same lifecycle (e.g. merge target)
    RECORD = "record"  # the id of a record of the same clue (a subject, a sanction…)


# Free text stored in a TEXT column (records' content, reasons): enough for any record.
TEXT_MAX = 20_000
ID_KINDS = frozenset({FieldKind.USER, FieldKind.UNIT, FieldKind.SUBJECT, FieldKind.RECORD})
PICKED = frozenset({FieldKind.CHOICE, *ID_KINDS})  # chosen from a list, not typed


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: str
    kind: FieldKind = FieldKind.TEXT
    required: bool = True
    choices: tuple[tuple[str, str], ...] = ()
    hint: str = ""
    max_len: int = 0  # text kinds: the column's width (0: unbounded TEXT)
    places: int = 4  # DECIMAL: decimals the column keeps
    # CHOICE shown in groups (label, choices); the accepted values are ``choices``.
    groups: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = ()
    not_past: bool = False  # a DATE that sets a deadline may not lie before the step's day
    private: bool = False  # an internal note: written, never answered by the JSON API

    @property
    def empty(self) -> Any:
        """The value of a field left blank."""
        return "" if self.kind in (FieldKind.TEXT, FieldKind.TEXTAREA) else None

    def clean(self, raw: Any) -> Any:
        """The typed value of ``raw``; a blank optional field is ``empty``. A problem is
        a ``ValidationError`` whose details name this field."""
        if isinstance(raw, str):
            raw = raw.strip()
        if raw is None or raw == "":
            if self.required:
                verb = "选择" if self.kind in PICKED else "填写"
                self._refuse(f"请{verb}“{self.label}”。")
            return self.empty
        try:
            return self._typed(raw)
        except (TypeError, ValueError, InvalidOperation):
            self._refuse(self._invalid())

    def _refuse(self, message: str) -> Any:
        raise ValidationError(message, details={self.name: message})

    def _invalid(self) -> str:
        if self.kind is FieldKind.DATE:
            return f"“{self.label}”不是有效日期（格式：2026-06-01）。"
        if self.kind is FieldKind.DATETIME:
            return f"“{self.label}”不是有效时间（格式：2026-06-01 14:30）。"
        if self.kind is FieldKind.DECIMAL:
            return f"“{self.label}”须为不小于 0 的数字，最多 {self.places} 位小数。"
        return f"“{self.label}”的值无效。"

    def _typed(self, raw: Any) -> Any:
        if isinstance(raw, bool):
            raise TypeError(raw)
        kind = self.kind
        if kind is FieldKind.CHOICE:
            if str(raw) not in {code for code, _ in self.choices}:
                raise ValueError(raw)
            return str(raw)
        if kind is FieldKind.DATE:
            return raw if isinstance(raw, date) else date.fromisoformat(str(raw))
        if kind is FieldKind.DATETIME:
            return self._moment(raw)
        if kind is FieldKind.INTEGER or kind in ID_KINDS:
            if isinstance(raw, float):
                raise TypeError(raw)
            number = int(raw)
            low = 1 if kind in ID_KINDS else -MAX_ID
            if not low <= number <= MAX_ID:  # would overflow an INTEGER column
                raise ValueError(raw)
            return number
        if kind is FieldKind.DECIMAL:
            return self._decimal(raw)
        if not isinstance(raw, str):
            raise TypeError(raw)
        # Text without a column width (TEXT) is still bounded; unstorable characters (NUL,
        # lone surrogates) are refused by name rather than by the database.
        message = problem(raw, f"“{self.label}”", self.max_len or TEXT_MAX)
        if message:
            self._refuse(message)
        return raw

    def _moment(self, raw: Any) -> datetime:
        """A browser's ``datetime-local`` (2026-06-01T14:30) or ISO 8601 text; without a
        zone it is the offices' local time. Stored in UTC; never later than now."""
        if isinstance(raw, datetime):
            moment = raw
        elif isinstance(raw, str) and len(raw) >= 16:
            moment = datetime.fromisoformat(raw.replace(" ", "T", 1))
        else:
            raise ValueError(raw)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=LOCAL_TZ)
        if moment.year < 2000:
            raise ValueError(raw)
        if moment > datetime.now(UTC) + timedelta(minutes=1):
            self._refuse(f"“{self.label}”不能晚于现在。")
        return moment.astimezone(UTC)

    def _decimal(self, raw: Any) -> Decimal:
        number = Decimal(str(raw))
        if not number.is_finite() or number < 0 or number >= AMOUNT_LIMIT:
            raise ValueError(raw)
        if -number.as_tuple().exponent > self.places:  # type: ignore[operator]
            raise ValueError(raw)
        return number

    def json_schema(self) -> dict[str, Any]:
        """The JSON Schema of this field in a request body (``null``: not given)."""
        schema = self._schema()
        if self.required:
            return schema
        types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        extra = {"enum": [*schema["enum"], None]} if "enum" in schema else {}
        return {**schema, "type": [*types, "null"], **extra}

    def _schema(self) -> dict[str, Any]:
        described = {"description": self.label}
        if self.kind is FieldKind.CHOICE:
            return {"type": "string", "enum": [c for c, _ in self.choices], **described}
        if self.kind is FieldKind.DATE:
            return {"type": "string", "format": "date", **described}
        if self.kind is FieldKind.DATETIME:
            return {"type": "string", "format": "date-time", **described}
        if self.kind is FieldKind.INTEGER:
            return {"type": "integer", "minimum": -MAX_ID, "maximum": MAX_ID, **described}
        if self.kind in ID_KINDS:
            return {"type": "integer", "minimum": 1, "maximum": MAX_ID, **described}
        if self.kind is FieldKind.DECIMAL:
            return {
                "type": ["string", "number"],
                "minimum": 0,
                "exclusiveMaximum": AMOUNT_LIMIT,
                "pattern": rf"^[0-9]{{1,10}}(\.[0-9]{{1,{self.places}}})?$",
                **described,
            }
        return {
            "type": "string",
            **({"maxLength": self.max_len} if self.max_len else {}),
            **described,
        }

    def answer(self, value: Any) -> Any:
        """The JSON value of what was stored from this field (described by ``answer_schema``):
        a text is always a string, a date ISO, an amount an exact decimal string."""
        if self.kind in (FieldKind.TEXT, FieldKind.TEXTAREA):
            return value or ""
        if value is None:
            return None
        if self.kind in (FieldKind.DATE, FieldKind.DATETIME):
            return value if isinstance(value, str) else value.isoformat()
        if self.kind is FieldKind.DECIMAL:  # the same on SQLite and PostgreSQL
            return format(Decimal(value).normalize(), "f")
        return value

    def shown(self, value: Any) -> str:
        """What a page shows of a stored value ("" when not set): a choice by its label
        (a code no longer offered as itself), a date as the office writes it (2026年12月5日),
        an amount as its exact decimal.
        An id is shown as the number; the caller names what it points at."""
        if value is None or value == "":
            return ""
        if self.kind is FieldKind.CHOICE:
            return dict(self.choices).get(str(value), str(value))
        if self.kind is FieldKind.DATETIME:
            moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
            return cn_datetime(moment)
        if self.kind is FieldKind.DATE and isinstance(value, date):
            return cn_date(value)
        return str(self.answer(value))

    def answer_schema(self, *, always: bool) -> dict[str, Any]:
        """The JSON Schema of ``answer``; ``always``: every stored record has a value (a
        required field of the step that creates it). A stored choice is a plain string:
        it may predate today's choices."""
        schema: dict[str, Any] = {"type": "string", "description": self.label}
        if self.kind in (FieldKind.TEXT, FieldKind.TEXTAREA):
            return schema
        if self.kind is FieldKind.DATE:
            schema["format"] = "date"
        elif self.kind is FieldKind.DATETIME:
            schema["format"] = "date-time"
        elif self.kind is FieldKind.INTEGER or self.kind in ID_KINDS:
            schema["type"] = "integer"
        if always and self.kind is not FieldKind.DECIMAL:
            return schema
        return {**schema, "type": [schema["type"], "null"]}


def clean(specs: Iterable[FieldSpec], data: Mapping[str, Any]) -> dict[str, Any]:
    """Every field's typed value (blank optional ones ``empty``), or one ``ValidationError``
    naming every field that has a problem."""
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for spec in specs:
        try:
            values[spec.name] = spec.clean(data.get(spec.name))
        except ValidationError as err:
            errors[spec.name] = err.message
    if errors:
        raise ValidationError("；".join(errors.values()), details=errors)
    return values


def body_schema(specs: Iterable[FieldSpec]) -> dict[str, Any]:
    """A JSON object of exactly these fields."""
    specs = tuple(specs)
    return {
        "type": "object",
        "required": [s.name for s in specs if s.required],
        "properties": {s.name: s.json_schema() for s in specs},
        "additionalProperties": False,
    }


def column_width(attribute: Any) -> int:
    """The width of a mapped ``String(n)`` column (0 for ``Text``), so a field's limit is
    read from the model, not written twice."""
    return int(getattr(attribute.property.columns[0].type, "length", None) or 0)


class Problems:
    """What a service finds wrong across fields, each named by its field, raised at once."""

    def __init__(self) -> None:
        self.errors: dict[str, str] = {}

    def error(self, name: str, message: str) -> None:
        self.errors[name] = message

    def clean(self, specs: Iterable[FieldSpec], data: Mapping[str, Any]) -> dict[str, Any]:
        """Like ``clean``, but a field's problem is noted here and its value left empty,
        so rules across the fields that did clean are told in the same answer."""
        values: dict[str, Any] = {}
        for spec in specs:
            try:
                values[spec.name] = spec.clean(data.get(spec.name))
            except ValidationError as err:
                self.errors[spec.name] = err.message
                values[spec.name] = spec.empty
        return values

    def done(self) -> None:
        if self.errors:
            raise ValidationError("；".join(self.errors.values()), details=dict(self.errors))

    @staticmethod
    def refuse(name: str, message: str) -> None:
        raise ValidationError(message, details={name: message})
