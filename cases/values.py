"""Reading submitted values for handling records; every problem is named by its field (zh-CN)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from config.errors import ValidationError
from config.textlimits import problem

INT_MAX = 2**31 - 1
TEXT_MAX = 20_000


class Reader:
    """Collects every field's problem, then raises one ``ValidationError`` naming them all."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.data = data
        self.errors: dict[str, str] = {}

    def _raw(self, name: str) -> Any:
        raw = self.data.get(name)
        return raw.strip() if isinstance(raw, str) else raw

    def text(self, name: str, label: str, *, required: bool = True, max_len: int = 0) -> str:
        value = self._raw(name)
        if value in (None, ""):
            if required:
                self.errors[name] = f"请填写“{label}”。"
            return ""
        value = str(value)
        # Every text has a limit: its column's width when the caller gives it, else the
        # limit of a free-text record (a Text column has none of its own).
        message = problem(value, f"“{label}”", max_len or TEXT_MAX)
        if message:
            self.errors[name] = message
        return value

    def choice(self, name: str, label: str, choices: Mapping[str, str], *, required=True):
        value = self._raw(name)
        if value in (None, ""):
            if required:
                self.errors[name] = f"请选择“{label}”。"
            return None
        if str(value) not in choices:
            self.errors[name] = f"“{label}”的值无效。"
            return None
        return str(value)

    def date(self, name: str, label: str, *, required: bool = True) -> date | None:
        value = self._raw(name)
        if value in (None, ""):
            if required:
                self.errors[name] = f"请填写“{label}”。"
            return None
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            self.errors[name] = f"“{label}”不是有效日期（格式：2026-06-01）。"
            return None

    def decimal(self, name: str, label: str, *, required: bool = False, places: int = 4):
        value = self._raw(name)
        if value in (None, ""):
            if required:
                self.errors[name] = f"请填写“{label}”。"
            return None
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            self.errors[name] = f"“{label}”须为数字。"
            return None
        if not number.is_finite() or number < 0:
            self.errors[name] = f"“{label}”须为不小于 0 的数字。"
            return None
        if -number.as_tuple().exponent > places:  # type: ignore[operator]
            self.errors[name] = f"“{label}”最多保留 {places} 位小数。"
            return None
        return number

    def integer(self, name: str, label: str, *, required: bool = True) -> int | None:
        value = self._raw(name)
        if value in (None, ""):
            if required:
                self.errors[name] = f"请选择“{label}”。"
            return None
        try:
            number = int(value)
        except (TypeError, ValueError):
            self.errors[name] = f"“{label}”的值无效。"
            return None
        if abs(number) > INT_MAX:  # no INTEGER column (32-bit on PostgreSQL) holds it
            self.errors[name] = f"“{label}”的值超出范围。"
            return None
        return number

    def error(self, name: str, message: str) -> None:
        self.errors[name] = message

    def done(self) -> None:
        if self.errors:
            raise ValidationError("；".join(self.errors.values()), details=dict(self.errors))
