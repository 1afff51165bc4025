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

Two engines, one rule: openpyxl cells (``set_value``/``xlsx_row``) for the styled official
forms, and ``XlsxStream`` — XlsxWriter's constant-memory mode — for long lists such as the
ledger, where it writes 100,000 rows several times faster than openpyxl's write-only
workbook in flat memory (``bench/bench_export.py``, docs/performance.md).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import IO, Any

import xlsxwriter
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


class XlsxStream:
    """A one-sheet XLSX written row by row into ``fh`` in constant memory (XlsxWriter).

    Text never becomes a formula, a link or a number: it is written as a string, with
    Excel's quote prefix where a spreadsheet would run it; numbers, dates and booleans stay
    typed. Rows must come in order (constant-memory mode flushes each finished row).

    Written for speed (docs/performance.md §4): plain cells carry no format (a format on
    every cell costs XlsxWriter a style lookup each), a row's cells are dispatched on their
    exact type, and short texts — the labels repeated on every row — are cleaned and
    checked once, then remembered."""

    MEMO_LENGTH = 24  # texts up to this length are remembered once cleaned
    MEMO_SIZE = 20_000  # at most this many of them

    def __init__(self, fh: IO[bytes], sheet: str, widths: Iterable[float] = ()) -> None:
        self._wb = xlsxwriter.Workbook(
            fh,
            {
                "constant_memory": True,
                "in_memory": False,
                "remove_timezone": True,
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "strings_to_numbers": False,
            },
        )
        self._ws = self._wb.add_worksheet(sheet[:31])
        self._quoted = self._wb.add_format({"quote_prefix": True})
        self._day = self._wb.add_format({"num_format": "yyyy-mm-dd"})
        self._moment = self._wb.add_format({"num_format": "yyyy-mm-dd hh:mm"})
        self.bold = self._wb.add_format({"bold": True})
        self.header = self._wb.add_format(
            {"bold": True, "bg_color": "#E8EEF4", "border": 1, "text_wrap": True}
        )
        self._title = self._wb.add_format({"bold": True, "font_size": 14})
        for col, width in enumerate(widths):
            self._ws.set_column(col, col, width)
        self._memo: dict[str, tuple[str, Any]] = {}
        self.rows = 0

    def title(self, text: str, columns: int) -> None:
        """A title row across ``columns`` columns (merged), in large bold type."""
        self._ws.set_row(self.rows, 24)
        text = clean_text(text)
        if columns > 1:
            self._ws.merge_range(self.rows, 0, self.rows, columns - 1, text, self._title)
        else:
            self._ws.write_string(self.rows, 0, text, self._title)
        self.rows += 1

    def freeze(self, rows: int) -> None:
        self._ws.freeze_panes(rows, 0)

    def append(self, values: Iterable[Any], style: Any = None) -> None:
        row = self.rows
        write_string, write_number = self._ws.write_string, self._ws.write_number
        for col, value in enumerate(values):
            kind = type(value)
            if kind is str:
                text, fmt = self._text(value)
                if text:
                    write_string(row, col, text, fmt or style)
            elif kind is int or kind is float:
                write_number(row, col, value, style)
            elif value is not None:
                self._write(row, col, value, style)
        self.rows += 1

    def _text(self, value: str) -> tuple[str, Any]:
        known = self._memo.get(value)
        if known is not None:
            return known
        text = clean_text(value)
        result = (text, self._quoted if looks_like_formula(text) else None)
        if len(value) <= self.MEMO_LENGTH and len(self._memo) < self.MEMO_SIZE:
            self._memo[value] = result
        return result

    def _write(self, row: int, col: int, value: object, style: Any) -> None:
        ws = self._ws
        if isinstance(value, bool):
            ws.write_boolean(row, col, value, style)
        elif isinstance(value, int | float | Decimal):
            ws.write_number(row, col, float(value), style)
        elif isinstance(value, datetime):
            ws.write_datetime(row, col, value, style or self._moment)
        elif isinstance(value, date):
            ws.write_datetime(row, col, value, style or self._day)
        else:
            text, fmt = self._text(str(value))
            ws.write_string(row, col, text, fmt or style)

    def close(self) -> None:
        self._wb.close()
