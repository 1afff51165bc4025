"""The editor's view of a form: header rows with their spans and body rows with cell kinds.

Pure data for templates (no Flask): the multi-level headers are merged the way the seed
prints them (a group such as 查处收受回扣案件 spans its columns).
"""

from __future__ import annotations

from dataclasses import dataclass

from reporting.formdef import CellKind, FormDefinition


@dataclass(frozen=True)
class HeaderCell:
    text: str
    colspan: int = 1
    rowspan: int = 1


def header_rows(form: FormDefinition) -> list[list[HeaderCell]]:
    """Header rows top-down; consecutive columns sharing a header path prefix share a cell."""
    depth = form.header_depth
    rows: list[list[HeaderCell]] = [[] for _ in range(depth)]
    for label in form.label_headers:
        rows[0].append(HeaderCell(label.text, label.width, depth))
    for level in range(depth):
        i = 0
        cols = form.columns
        while i < len(cols):
            path = cols[i].headers
            if level >= len(path):
                i += 1
                continue
            j = i + 1
            while (
                level < len(path) - 1
                and j < len(cols)
                and cols[j].headers[: level + 1] == path[: level + 1]
            ):
                j += 1
            last = level == len(path) - 1
            rows[level].append(HeaderCell(path[level], j - i, depth - level if last else 1))
            i = j
    return rows


@dataclass(frozen=True)
class BodyCell:
    key: str  # "row|col"
    kind: CellKind
    numeric: bool


@dataclass(frozen=True)
class BodyRow:
    code: str
    label: str
    total: bool
    cells: list[BodyCell]


def body_rows(form: FormDefinition) -> list[BodyRow]:
    return [
        BodyRow(
            row.code,
            " ".join(row.cells[1:]) if len(row.cells) > 1 else row.cells[0],
            bool(row.sum_of),
            [
                BodyCell(
                    f"{row.code}|{col.code}",
                    form.cell_kind(row.code, col.code),
                    form.is_numeric(row.code, col.code),
                )
                for col in form.columns
            ],
        )
        for row in form.rows
    ]
