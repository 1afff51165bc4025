"""A one-sheet XLSX written row by row straight into its zip entry: for long lists (the
ledger's 100,000 rows) where a general writer's per-cell work dominates.

The package is the minimum SpreadsheetML that Excel, WPS, LibreOffice and openpyxl open:
content types, relationships, a workbook with one sheet, a style sheet, the sheet. Rows
are formatted as XML text in Python and deflated into the zip as they come, a few hundred
at a time, so memory stays one batch whatever the number of rows. Measured against
XlsxWriter's constant-memory mode and openpyxl's write-only mode on the same rows in
``bench/bench_export.py`` (docs/performance.md §4): the cell formatting is where those
spend their time.

The rules of ``config.spreadsheet`` hold: text never becomes a formula, a link or a
number — every string is an inline string cell, and one a spreadsheet would run as a
formula gets Excel's quote prefix (style ``QUOTED``); characters XML cannot hold are
dropped and a cell is cut at Excel's limit (``clean_text``); numbers, dates and booleans
stay typed.
"""

from __future__ import annotations

import math
import zipfile
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import IO, Any
from xml.sax.saxutils import escape, quoteattr

from config.spreadsheet import clean_text, looks_like_formula

# Cell styles (indexes into the style sheet's cellXfs below).
PLAIN, TITLE, HEADER, QUOTED, DAY, MOMENT, BOLD = range(7)
_STYLES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy\\-mm\\-dd"/>\
<numFmt numFmtId="165" formatCode="yyyy\\-mm\\-dd\\ hh:mm"/></numFmts>
<fonts count="3"><font><sz val="11"/><name val="等线"/><family val="2"/></font>\
<font><b/><sz val="14"/><name val="等线"/><family val="2"/></font>\
<font><b/><sz val="11"/><name val="等线"/><family val="2"/></font></fonts>
<fills count="3"><fill><patternFill patternType="none"/></fill>\
<fill><patternFill patternType="gray125"/></fill>\
<fill><patternFill patternType="solid"><fgColor rgb="FFE8EEF4"/><bgColor indexed="64"/>\
</patternFill></fill></fills>
<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border>\
<border><left style="thin"><color auto="1"/></left><right style="thin"><color auto="1"/></right>\
<top style="thin"><color auto="1"/></top><bottom style="thin"><color auto="1"/></bottom>\
<diagonal/></border></borders>
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>
<cellXfs count="7"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>\
<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>\
<xf numFmtId="0" fontId="2" fillId="2" borderId="1" xfId="0" applyFont="1" applyFill="1" \
applyBorder="1" applyAlignment="1"><alignment vertical="center" wrapText="1"/></xf>\
<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" quotePrefix="1"/>\
<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
<xf numFmtId="0" fontId="2" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>
<cellStyles count="1"><cellStyle name="常规" xfId="0" builtinId="0"/></cellStyles>
</styleSheet>"""
_CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
<Default Extension="xml" ContentType="application/xml"/>\
<Override PartName="/xl/workbook.xml" \
ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>\
<Override PartName="/xl/worksheets/sheet1.xml" \
ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>\
<Override PartName="/xl/styles.xml" \
ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>\
</Types>"""
_ROOT_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
<Relationship Id="rId1" Target="xl/workbook.xml" \
Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>\
</Relationships>"""
_BOOK_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
<Relationship Id="rId1" Target="worksheets/sheet1.xml" \
Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/>\
<Relationship Id="rId2" Target="styles.xml" \
Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"/>\
</Relationships>"""
_BOOK = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" \
xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">\
<sheets><sheet name={name} sheetId="1" r:id="rId1"/></sheets></workbook>"""
_SHEET_NS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
)
EPOCH = datetime(1899, 12, 30)
FLUSH_ROWS = 500
MAX_COLUMNS = 26 * 27  # A … ZZ


def _letters(n: int) -> str:
    return chr(65 + n) if n < 26 else chr(64 + n // 26) + chr(65 + n % 26)


class XlsxStream:
    """Rows in order into one worksheet of an XLSX written to ``fh`` (binary, seekable or
    not: the zip is written forwards). The sheet's head (widths, frozen rows) is fixed
    before the first row; call ``close`` to finish the file."""

    MEMO_LENGTH = 24  # texts up to this length (labels on every row) are converted once,
    MEMO_SIZE = 256  # up to this many per column: a column of unique numbers fills it and
    # stops there, so memory stays bounded whatever the number of rows

    header, bold, quoted = HEADER, BOLD, QUOTED

    def __init__(self, fh: IO[bytes], sheet: str, widths: Iterable[float] = ()) -> None:
        self._zip = zipfile.ZipFile(fh, "w", zipfile.ZIP_DEFLATED, compresslevel=1)
        self._sheet = clean_text(sheet)[:31] or "Sheet1"
        self._widths = list(widths)
        self._frozen = 0
        self._merges: list[str] = []
        self._out: Any = None
        self._buf: list[str] = []
        self._memo: list[dict[str, str]] = [{} for _ in range(MAX_COLUMNS)]
        self._refs = [_letters(n) for n in range(MAX_COLUMNS)]
        self.rows = 0

    def freeze(self, rows: int) -> None:
        """Keep the first ``rows`` rows in view (set before the first row is written)."""
        self._frozen = rows

    def title(self, text: str, columns: int) -> None:
        """A title row across ``columns`` columns (merged), in large bold type."""
        self._start()
        n = self.rows + 1
        cell = (
            f'<c r="A{n}" s="{TITLE}" t="inlineStr"><is><t>{escape(clean_text(text))}</t></is></c>'
        )
        self._buf.append(f'<row r="{n}" ht="24" customHeight="1">{cell}</row>')
        if columns > 1:
            self._merges.append(f"A{n}:{self._refs[columns - 1]}{n}")
        self.rows += 1

    def append(self, values: Iterable[Any], style: int | None = None) -> None:
        self._start()
        n = self.rows + 1
        refs, memo = self._refs, self._memo
        parts = [f'<row r="{n}">']
        for col, value in enumerate(values):
            if value is None or value == "":
                continue
            if type(value) is str and style is None:
                known = memo[col].get(value)
                if known is None:
                    known = self._text(value, memo[col])
                parts.append(f'<c r="{refs[col]}{n}"{known}')
            else:
                parts.append(self._cell(f"{refs[col]}{n}", value, style))
        parts.append("</row>")
        self._buf.append("".join(parts))
        self.rows += 1
        if len(self._buf) >= FLUSH_ROWS:
            self._flush()

    def _text(self, value: str, memo: dict[str, str]) -> str:
        """The rest of a string cell after its reference (remembered for short labels)."""
        text = clean_text(value)
        quoted = f' s="{QUOTED}"' if looks_like_formula(text) else ""
        tail = f'{quoted} t="inlineStr"><is><t xml:space="preserve">{escape(text)}</t></is></c>'
        if len(value) <= self.MEMO_LENGTH and len(memo) < self.MEMO_SIZE:
            memo[value] = tail
        return tail

    def _cell(self, ref: str, value: object, style: int | None) -> str:
        s = f' s="{style}"' if style is not None else ""
        if isinstance(value, bool):
            return f'<c r="{ref}"{s} t="b"><v>{int(value)}</v></c>'
        if isinstance(value, int | float | Decimal) and math.isfinite(value):
            return (
                f'<c r="{ref}"{s}><v>{value!r}</v></c>'
                if isinstance(value, float)
                else (f'<c r="{ref}"{s}><v>{value}</v></c>')
            )
        if isinstance(value, datetime):
            naive = value.replace(tzinfo=None)
            serial = (naive - EPOCH).total_seconds() / 86400
            return (
                f'<c r="{ref}" s="{style if style is not None else MOMENT}"><v>{serial!r}</v></c>'
            )
        if isinstance(value, date):
            serial = (value - EPOCH.date()).days
            return f'<c r="{ref}" s="{style if style is not None else DAY}"><v>{serial}</v></c>'
        text = clean_text(str(value))
        if looks_like_formula(text):
            s = f' s="{QUOTED}"'
        return (
            f'<c r="{ref}"{s} t="inlineStr"><is><t xml:space="preserve">{escape(text)}</t></is></c>'
        )

    def _start(self) -> None:
        if self._out is not None:
            return
        self._out = self._zip.open("xl/worksheets/sheet1.xml", "w", force_zip64=True)
        head = [_SHEET_NS]
        if self._frozen:
            top = f"A{self._frozen + 1}"
            head.append(
                '<sheetViews><sheetView workbookViewId="0">'
                f'<pane ySplit="{self._frozen}" topLeftCell="{top}" activePane="bottomLeft" '
                f'state="frozen"/><selection pane="bottomLeft" activeCell="{top}" sqref="{top}"/>'
                "</sheetView></sheetViews>"
            )
        if self._widths:
            cols = "".join(
                f'<col min="{i}" max="{i}" width="{w:.2f}" customWidth="1"/>'
                for i, w in enumerate(self._widths, start=1)
            )
            head.append(f"<cols>{cols}</cols>")
        head.append("<sheetData>")
        self._out.write("".join(head).encode())

    def _flush(self) -> None:
        if self._buf:
            self._out.write("".join(self._buf).encode("utf-8", "replace"))
            self._buf = []

    def close(self) -> None:
        self._start()
        self._flush()
        tail = "</sheetData>"
        if self._merges:
            cells = "".join(f'<mergeCell ref="{m}"/>' for m in self._merges)
            tail += f'<mergeCells count="{len(self._merges)}">{cells}</mergeCells>'
        self._out.write((tail + "</worksheet>").encode())
        self._out.close()
        z = self._zip
        z.writestr("[Content_Types].xml", _CONTENT_TYPES)
        z.writestr("_rels/.rels", _ROOT_RELS)
        z.writestr("xl/workbook.xml", _BOOK.format(name=quoteattr(self._sheet)))
        z.writestr("xl/_rels/workbook.xml.rels", _BOOK_RELS)
        z.writestr("xl/styles.xml", _STYLES)
        z.close()
