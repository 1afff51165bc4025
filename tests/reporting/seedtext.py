"""Read the tables of the seed notices as the text extraction printed them.

Cells start with a tab; a cell's text may run over several lines. Whitespace inside a
cell is layout (narrow printed columns), so it is dropped before comparing.
"""

from __future__ import annotations

import re
from io import BytesIO
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

SEEDS = Path(__file__).parent / "seeds"
SEED_000 = SEEDS / "000_deb4e38b1e9aec0d.txt"
SEED_004 = SEEDS / "004_a4da064a83ee1076.txt"


def squeeze(text: str) -> str:
    # The seed prints "约谈供应商(家、次）" with one half-width bracket; the form uses "（".
    return re.sub(r"\s+", "", text.replace("\u3000", "")).replace("(", "（")


def seed_cells(path: Path, start: str, end: str) -> list[str]:
    """The non-empty table cells between ``start`` and the next ``end``, in reading order."""
    text = path.read_text(encoding="utf-8")
    begin = text.index(start)
    stop = text.index(end, begin + len(start))
    table = text[text.index("\t", begin) : stop]
    return [s for s in (squeeze(piece) for piece in table.split("\t")) if s]


def table_texts(ws: Worksheet) -> list[str]:
    """The text cells of a sheet's table (the bordered cells), in reading order."""
    return [
        squeeze(cell.value)
        for row in ws.iter_rows()
        for cell in row
        if isinstance(cell.value, str) and cell.border.left.style
    ]


def open_sheet(data: bytes, index: int = 0) -> Worksheet:
    return load_workbook(BytesIO(data)).worksheets[index]
