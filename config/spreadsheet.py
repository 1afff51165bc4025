"""The one writer of spreadsheet cells (XLSX and CSV): text that a spreadsheet would run as a
formula is stored as text, numbers and dates stay typed.

Tips arrive anonymously from the portal, and their text reaches the staff's ledger export:
``=HYPERLINK(...)`` or a DDE payload (``=cmd|' /C calc'!A0``) must never become a live
formula. Following OWASP's CSV-injection guidance, a string whose first character (after
any leading blanks) is ``=``, ``+``, ``-`` or ``@``, or that starts with a tab or a carriage
return, is written as text: in XLSX as a string cell with Excel's "quote prefix" (so that
editing the cell keeps it text), in CSV with a leading apostrophe. Characters XML cannot
hold (C0 controls other than tab and line breaks) are dropped, and a cell is cut at
Excel's limit, so that no stored text can make an export fail.

It lives in ``config`` because every package that exports (cases, reporting, campaigns…)
may import ``config``.

Two writers, one rule: openpyxl cells (``set_value``/``xlsx_row``) for the styled official
forms, and ``config.xlsx_stream.XlsxStream`` — rows formatted straight into the sheet's
zip entry — for long lists such as the ledger, where it writes 100,000 rows several times
faster than XlsxWriter's constant-memory mode or openpyxl's write-only workbook, in flat
memory (``bench/bench_export.py``, docs/performance.md §4).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import IO, Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.worksheet.worksheet import Worksheet

# OWASP "CSV Injection": the characters that make a spreadsheet read a cell as a formula.
FORMULA_TRIGGERS = frozenset("=+-@")
CONTROL_TRIGGERS = frozenset("\t\r")
# Excel's maximum length of a cell's text.
EXCEL_CELL_MAX = 32767
TYPED = (bool, int, float, Decimal, date, datetime)


def looks_like_formula(text: str) -> bool:
    """Whether a spreadsheet could take ``text`` for a formula (or a DDE call)."""
    if not text:
        return False
    if text[0] in CONTROL_TRIGGERS:
        return True
    stripped = text.lstrip(" \u3000\n")
    return bool(stripped) and stripped[0] in FORMULA_TRIGGERS


def clean_text(text: str) -> str:
    """``text`` without the characters an XLSX file cannot hold, within Excel's cell limit."""
    text = ILLEGAL_CHARACTERS_RE.sub("", text)
    if len(text) > EXCEL_CELL_MAX:
        text = text[: EXCEL_CELL_MAX - 1] + "…"
    return text


def set_value(cell: Cell, value: object) -> Cell:
    """Put ``value`` in ``cell``: numbers, dates and booleans typed, anything else as text."""
    if value is None or isinstance(value, TYPED):
        cell.value = value
        return cell
    text = clean_text(str(value))
    cell.value = text
    # openpyxl turns a string that starts with "=" into a formula; force text instead.
    cell.data_type = "s"
    if looks_like_formula(text):
        cell.quotePrefix = True
    return cell


def xlsx_row(ws: Worksheet, values: Iterable[Any]) -> list[Cell]:
    """A row for a write-only worksheet's ``append``, every cell through ``set_value``.

    A value that already is a cell (a styled header) is passed through."""
    return [v if isinstance(v, Cell) else set_value(WriteOnlyCell(ws), v) for v in values]


def csv_value(value: object) -> object:
    """A value for ``csv.writer``: risky text gets a leading apostrophe (OWASP)."""
    if value is None or isinstance(value, TYPED):
        return "" if value is None else value
    text = str(value).replace("\x00", "")
    return "'" + text if looks_like_formula(text) else text


def write_csv(fh: IO[str], rows: Iterable[Iterable[Any]]) -> None:
    """Rows as CSV into ``fh`` (open it with ``newline=""``), every cell through ``csv_value``."""
    writer = csv.writer(fh)
    for row in rows:
        writer.writerow([csv_value(v) for v in row])
