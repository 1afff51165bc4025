"""XLSX export in the official layout (openpyxl).

``export_xlsx(form, values, *, unit_name, period_label, filled_at, leader, filler,
contact, reviewer="") -> bytes`` prints one form: the title, the 填报单位/填报时间 (or
单位 and 统计期间) line, the multi-level merged headers, the column numbers row, the
rows with their merged group labels, the units, the footer (单位负责人/填表人/联系方式,
or the form's own) and the form's notes; borders, centred headers, column widths,
landscape A4 fitted to the page width, header rows repeated on every page.
Computed cells (小计/合计) are filled before printing.

``export_many([SheetSpec, ...]) -> bytes`` puts several units/periods on separate sheets.
Free-text reports print their sections one after another.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from config.spreadsheet import set_value
from reporting.checks import compute
from reporting.formdef import CellKey, FormDefinition, FormKind, Value

_THIN = Side(style="thin")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_FONT = "宋体"
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
_RIGHT = Alignment(horizontal="right", vertical="center")
_MAX_LABEL_WIDTH = 48


@dataclass(frozen=True)
class SheetSpec:
    """One sheet of ``export_many``: a form, its values and what the page header names."""

    form: FormDefinition
    values: Mapping[CellKey, Value]
    unit_name: str
    period_label: str = ""
    filled_at: date | str | None = None
    leader: str = ""
    filler: str = ""
    contact: str = ""
    reviewer: str = ""
    sheet_title: str = ""


def export_xlsx(
    form: FormDefinition,
    values: Mapping[CellKey, Value],
    *,
    unit_name: str,
    period_label: str = "",
    filled_at: date | str | None = None,
    leader: str = "",
    filler: str = "",
    contact: str = "",
    reviewer: str = "",
) -> bytes:
    """One form as an XLSX workbook of one sheet, in the seed's printed layout."""
    spec = SheetSpec(
        form, values, unit_name, period_label, filled_at, leader, filler, contact, reviewer
    )
    return export_many([spec])


def export_many(sheets: Iterable[SheetSpec]) -> bytes:
    """Several forms (units, periods) in one workbook, one sheet each, in the given order."""
    book = Workbook()
    assert book.active is not None
    book.remove(book.active)
    used: set[str] = set()
    for spec in sheets:
        ws = book.create_sheet(_sheet_title(spec.sheet_title or spec.unit_name, used))
        _Sheet(ws, spec).render()
    if not book.worksheets:
        raise ValueError("nothing to export")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _sheet_title(text: str, used: set[str]) -> str:
    # Excel: at most 31 characters, none of []:*?/\ and unique in the workbook.
    base = "".join("_" if ch in "[]:*?/\\" else ch for ch in text).strip() or "Sheet"
    base = base[:28]
    title, n = base, 2
    while title in used:
        title, n = f"{base}({n})", n + 1
    used.add(title)
    return title


def _date_text(value: date | str | None) -> str:
    if isinstance(value, date):
        return f"{value.year}年{value.month}月{value.day}日"
    return value or ""


def _text_width(text: str) -> float:
    # A CJK character is about two Latin characters wide in Excel's width unit.
    return sum(2.0 if ord(ch) > 0x2E80 else 1.1 for ch in text)


class _Sheet:
    def __init__(self, ws: Worksheet, spec: SheetSpec) -> None:
        self.ws, self.spec, self.form = ws, spec, spec.form
        form = self.form
        self.labels = form.label_width
        self.width = max(self.labels + len(form.columns) + (1 if form.unit_column else 0), 6)
        self.row = 1
        # Long item labels (工作量化统计表二) read better left-aligned, all alike.
        self.long_labels = any(len(r.cells[-1]) > 12 for r in form.rows)

    # -- drawing primitives ------------------------------------------------------
    def put(
        self,
        row: int,
        col: int,
        text: object,
        *,
        to_row: int = 0,
        to_col: int = 0,
        align: Alignment = _CENTER,
        bold: bool = False,
        size: int = 11,
        border: bool = True,
    ) -> None:
        to_row, to_col = to_row or row, to_col or col
        # Unit names, signatures and free text are typed by people: never a formula.
        cell = set_value(self.ws.cell(row=row, column=col), text)
        cell.font = Font(name=_FONT, size=size, bold=bold)
        cell.alignment = align
        if (to_row, to_col) != (row, col):
            self.ws.merge_cells(start_row=row, start_column=col, end_row=to_row, end_column=to_col)
        if border:
            for r in range(row, to_row + 1):
                for c in range(col, to_col + 1):
                    self.ws.cell(row=r, column=c).border = _BORDER

    def line(self, text: str, *, align: Alignment = _LEFT, height: float = 0) -> None:
        self.put(self.row, 1, text, to_col=self.width, align=align, border=False)
        if height:
            self.ws.row_dimensions[self.row].height = height
        self.row += 1

    # -- the page ----------------------------------------------------------------
    def render(self) -> None:
        form = self.form
        title = "\n".join(form.title_lines) if form.title_lines else form.title
        self.put(1, 1, title, to_col=self.width, bold=True, size=16, border=False)
        self.ws.row_dimensions[1].height = 24 * max(1, len(form.title_lines))
        self.row = 2
        self.subtitle()
        if form.kind is FormKind.TEXT:
            self.text_sections()
        else:
            self.table()
        self.footer()
        for note in form.notes:
            self.line(note, height=15 * (1 + int(_text_width(note) // (self.width * 11))))
        self.page_setup()

    def subtitle(self) -> None:
        spec, w = self.spec, self.width
        if self.form.subtitle == "period":
            self.line(f"{spec.unit_name}　　　　{spec.period_label}", align=_CENTER)
            return
        half = w // 2
        self.put(self.row, 1, f"填报单位：{spec.unit_name}", to_col=half, align=_LEFT, border=False)
        right = f"填报时间：{_date_text(spec.filled_at)}"
        if spec.period_label:
            right = f"统计期间：{spec.period_label}　　{right}"
        self.put(self.row, half + 1, right, to_col=w, align=_RIGHT, border=False)
        self.row += 1

    def table(self) -> None:
        form, ws = self.form, self.ws
        top, depth = self.row, form.header_depth
        bottom = top + depth - 1 + (1 if form.has_numbers else 0)
        col = 1
        for header in form.label_headers:
            self.put(top, col, header.text, to_row=bottom, to_col=col + header.width - 1)
            col += header.width
        first = self.labels + 1
        for j, column in enumerate(form.columns):
            c = first + j
            for level, text in enumerate(column.headers):
                if level == len(column.headers) - 1:
                    self.put(top + level, c, text, to_row=top + depth - 1)
                    continue
                prefix = column.headers[: level + 1]
                if j and form.columns[j - 1].headers[: level + 1] == prefix:
                    continue  # already written at the start of the group
                end = j
                while (
                    end + 1 < len(form.columns)
                    and form.columns[end + 1].headers[: level + 1] == prefix
                ):
                    end += 1
                self.put(top + level, c, text, to_col=first + end)
            if form.has_numbers:
                self.put(top + depth, c, column.number)
        unit_col = first + len(form.columns)
        if form.unit_column:
            self.put(top, unit_col, form.unit_column, to_row=bottom)
        for r in range(top, bottom + 1):
            ws.row_dimensions[r].height = 42 if r < top + depth else 18
        self.header_rows = (top, bottom)
        self.row = bottom + 1
        values = compute(form, self.spec.values)
        start = self.row
        for i, row in enumerate(form.rows):
            r = start + i
            self.body_labels(i, r)
            for j, column in enumerate(form.columns):
                value = values.get((row.code, column.code))
                self.put(r, first + j, value, align=_CENTER)
            if form.unit_column:
                self.put(r, unit_col, row.unit.value if row.unit else "")
            ws.row_dimensions[r].height = 20 if len(row.cells[-1]) < 24 else 32
        self.row = start + len(form.rows)
        self.widths()
        ws.freeze_panes = ws.cell(row=start, column=first)

    def body_labels(self, i: int, r: int) -> None:
        rows, cells = self.form.rows, self.form.rows[i].cells
        for level, text in enumerate(cells):
            if level == len(cells) - 1:
                align = _LEFT if self.long_labels else _CENTER
                self.put(r, level + 1, text, to_col=self.labels, align=align)
                continue
            prefix = cells[: level + 1]
            if i and rows[i - 1].cells[: level + 1] == prefix:
                continue  # the group label is printed once, merged down
            end = i
            while (
                end + 1 < len(rows)
                and len(rows[end + 1].cells) > level + 1
                and rows[end + 1].cells[: level + 1] == prefix
            ):
                end += 1
            self.put(r, level + 1, text, to_row=r + end - i)

    def widths(self) -> None:
        form, ws, last = self.form, self.ws, self.labels
        need = {c: 4.0 for c in range(1, last + 1)}
        spanning: list[tuple[int, float]] = []
        for row in form.rows:
            for level, text in enumerate(row.cells):
                col, want = level + 1, _text_width(text) + 2
                if level < len(row.cells) - 1:
                    need[col] = max(need[col], min(want, 12))  # groups wrap, merged down
                elif col == last:
                    need[col] = max(need[col], min(want, _MAX_LABEL_WIDTH))
                else:
                    spanning.append((col, min(want, _MAX_LABEL_WIDTH)))
        for col, want in spanning:
            # A leaf merged across label columns widens the last of them.
            need[last] += max(0.0, want - sum(need[c] for c in range(col, last + 1)))
        for c, width in need.items():
            ws.column_dimensions[get_column_letter(c)].width = width
        for j, column in enumerate(form.columns):
            width = min(max(_text_width(column.headers[-1]) / 2 + 2, 9), 14)
            ws.column_dimensions[get_column_letter(self.labels + 1 + j)].width = width
        if form.unit_column:
            ws.column_dimensions[get_column_letter(self.width)].width = 7

    def text_sections(self) -> None:
        for section in self.form.sections:
            self.line(section.title, align=_LEFT)
            self.ws.cell(row=self.row - 1, column=1).font = Font(name=_FONT, size=12, bold=True)
            text = str(self.spec.values.get((section.code, "text"), ""))
            lines = sum(1 + int(_text_width(p) // 100) for p in text.split("\n"))
            self.line(text, height=min(15 * max(lines, 2), 409))
        for c in range(1, self.width + 1):
            self.ws.column_dimensions[get_column_letter(c)].width = 16

    def footer(self) -> None:
        spec, parts = self.spec, self.form.footer
        if not parts:
            return
        self.row += 1
        known = {
            "leader": spec.leader,
            "filler": spec.filler,
            "contact": spec.contact,
            "filled_at": _date_text(spec.filled_at),
            "reviewer": spec.reviewer,
        }
        texts = [f"{label}：{known[key]}" for label, key in parts]
        span = self.width // len(texts)
        for k, text in enumerate(texts):
            end = self.width if k == len(texts) - 1 else (k + 1) * span
            self.put(self.row, k * span + 1, text, to_col=end, align=_LEFT, border=False)
        self.row += 2

    def page_setup(self) -> None:
        ws = self.ws
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_options.horizontalCentered = True
        if self.form.kind is FormKind.TABLE:
            top, bottom = self.header_rows
            ws.print_title_rows = f"{top}:{bottom}"
