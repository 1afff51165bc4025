"""Small helpers shared by the forms of every blueprint."""

from __future__ import annotations

from collections.abc import Iterable

from wtforms.fields.choices import SelectChoice


def options(pairs: Iterable[tuple[object, str]], *, blank: str | None = None) -> list[SelectChoice]:
    """Select options from (value, label) pairs; ``blank`` adds an empty first option."""
    result = [SelectChoice("", blank)] if blank is not None else []
    result.extend(SelectChoice(value, label) for value, label in pairs)  # type: ignore[arg-type]
    return result
