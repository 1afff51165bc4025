"""The statistical forms as data: rows, columns, units, computed cells, relations.

A :class:`FormDefinition` describes one official form closely enough to check it,
roll it up and print it in its official layout:

* ``columns`` — data columns in printed order. ``Column.headers`` is the path of
  header texts from the top header row down (a group such as ``自查自纠（个）`` is
  shared by consecutive columns and printed as one merged cell); ``number`` is the
  column number as printed (``（1）`` or ``1``); ``unit`` is the unit of the figure.
* ``rows`` — body rows in printed order. ``Row.cells`` are the label texts from the
  outermost group inwards (a group label shared by consecutive rows is printed once,
  merged); ``sum_of`` makes a row a subtotal/total (小计/合计/总计) of other rows.
* cells are *entered*, *computed* (their row or column is a sum) or *prefilled*
  (entered, but proposed from the ledger under a prefill key; see ``prefill_key``).
* ``relations`` name the cross-checks the seeds support (``lesser ≤ greater``).

Free-text reports (季度工作进展 …) are definitions with ``sections`` instead of a table.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from enum import StrEnum

# A cell value: whole numbers for counts, Decimal for 万元, str for text columns.
Value = int | Decimal | str
CellKey = tuple[str, str]
Values = dict[CellKey, Value]


class Unit(StrEnum):
    CASES = "起"
    PERSONS = "人"
    ITEMS = "个"
    CLUES = "条"
    TIMES = "次"
    INSTITUTIONS = "家"
    INSTITUTION_VISITS = "家、次"
    COPIES = "份"
    TEN_THOUSAND_YUAN = "万元"
    TEXT = "文字"


COUNT_UNITS = frozenset(
    {
        Unit.CASES,
        Unit.PERSONS,
        Unit.ITEMS,
        Unit.CLUES,
        Unit.TIMES,
        Unit.INSTITUTIONS,
        Unit.INSTITUTION_VISITS,
        Unit.COPIES,
    }
)
MONEY_UNITS = frozenset({Unit.TEN_THOUSAND_YUAN})
# 万元 to four places is one yuan: finer figures are typing mistakes.
MONEY_PLACES = 4


class CellKind(StrEnum):
    ENTERED = "entered"
    COMPUTED = "computed"
    PREFILLED = "prefilled"


class FormKind(StrEnum):
    TABLE = "table"
    TEXT = "text"


@dataclass(frozen=True)
class Column:
    code: str
    headers: tuple[str, ...]
    unit: Unit | None = None  # None: the unit comes from the row (工作量化统计表二)
    number: str = ""
    sum_of: tuple[str, ...] = ()  # a 小计 column adds these columns of the same row
    cumulative: bool = True  # 逐月累计: must never decrease within a year
    prefill: str | None = None  # may contain {row} / {col}

    @property
    def name(self) -> str:
        """The column as a person names it: its header path and printed number."""
        text = "—".join(self.headers)
        number = self.number.strip("（）")
        return f"{text}（第{number}列）" if number else text


@dataclass(frozen=True)
class Row:
    code: str
    cells: tuple[str, ...]
    sum_of: tuple[str, ...] = ()  # a 小计/合计 row adds these rows, column by column
    unit: Unit | None = None
    title: str = ""  # how messages name the row when the printed label is ambiguous
    prefill: str | None = None

    @property
    def name(self) -> str:
        if self.title:
            return self.title
        # The outermost label is the group (or the 序号); the inner ones say which row.
        return "—".join(self.cells[1:]) if len(self.cells) >= 3 else self.cells[-1]


@dataclass(frozen=True)
class Relation:
    """``lesser ≤ greater`` for every row (column relation) or every column (row relation)."""

    name: str
    lesser: str
    greater: str
    axis: str = "column"  # "column": lesser/greater are column codes; "row": row codes


@dataclass(frozen=True)
class LabelHeader:
    text: str
    width: int = 1


@dataclass(frozen=True)
class TextSection:
    code: str
    title: str
    required: bool = True
    max_length: int = 20000


@dataclass(frozen=True)
class FormDefinition:
    code: str
    title: str
    source: str
    kind: FormKind = FormKind.TABLE
    title_lines: tuple[str, ...] = ()  # the title as printed, when broken over lines
    subtitle: str = "filing"  # "filing": 填报单位/填报时间; "period": 单位 + 统计期间
    label_headers: tuple[LabelHeader, ...] = ()
    columns: tuple[Column, ...] = ()
    rows: tuple[Row, ...] = ()
    unit_column: str | None = None  # header of a trailing column printing each row's unit
    relations: tuple[Relation, ...] = ()
    cumulative: bool = False  # the whole form is 逐月累计 within a year
    open_rows: bool = False  # detail rows are the reporting units (see ``with_rows``)
    footer: tuple[tuple[str, str], ...] = (
        ("单位负责人", "leader"),
        ("填表人", "filler"),
        ("联系方式", "contact"),
    )
    notes: tuple[str, ...] = ()
    sections: tuple[TextSection, ...] = ()
    attachments_allowed: bool = False
    # Which axis lists institution classes ("row"/"column") and how an institution is
    # placed on it ("hospital_grade", "stat_row", "stat_class"; see reporting.rollup).
    class_axis: str | None = None
    class_scheme: str | None = None
    # The year the seed printed in the title and notes ("2021年…", "本表报2021年1月-12月");
    # ``for_year`` prints the period's own year instead (a 2026 form never says 2021).
    seed_year: int | None = None
    _rows: dict[str, Row] = field(default_factory=dict, init=False, repr=False, compare=False)
    _cols: dict[str, Column] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._rows.update({r.code: r for r in self.rows})
        self._cols.update({c.code: c for c in self.columns})
        if len(self._rows) != len(self.rows) or len(self._cols) != len(self.columns):
            raise ValueError(f"{self.code}: duplicate row or column code")
        for row in self.rows:
            missing = set(row.sum_of) - self._rows.keys()
            if missing:
                raise ValueError(f"{self.code}: row {row.code} sums unknown rows {missing}")
        for col in self.columns:
            missing = set(col.sum_of) - self._cols.keys()
            if missing:
                raise ValueError(f"{self.code}: column {col.code} sums unknown {missing}")

    def for_year(self, year: int) -> FormDefinition:
        """This form as printed for a period of ``year``: the seed's year replaced."""
        if self.seed_year is None or year == self.seed_year:
            return self
        old, new = f"{self.seed_year}年", f"{year}年"
        return replace(
            self,
            title=self.title.replace(old, new),
            title_lines=tuple(line.replace(old, new) for line in self.title_lines),
            notes=tuple(note.replace(old, new) for note in self.notes),
        )

    @property
    def plain_title(self) -> str:
        """The title without a year, for lists that span periods (statistics, settings)."""
        if self.seed_year is None:
            return self.title
        return self.title.replace(f"{self.seed_year}年", "", 1)

    def row(self, code: str) -> Row:
        return self._rows[code]

    def column(self, code: str) -> Column:
        return self._cols[code]

    def has_cell(self, row: str, col: str) -> bool:
        return row in self._rows and col in self._cols

    @property
    def label_width(self) -> int:
        return sum(h.width for h in self.label_headers)

    @property
    def header_depth(self) -> int:
        return max((len(c.headers) for c in self.columns), default=0)

    @property
    def has_numbers(self) -> bool:
        return any(c.number for c in self.columns)

    def unit(self, row: str, col: str) -> Unit:
        """The unit of one cell: the column's, else the row's (统计表二 prints it per row)."""
        unit = self._cols[col].unit or self._rows[row].unit
        if unit is None:
            raise ValueError(f"{self.code}: cell {row}/{col} has no unit")
        return unit

    def is_numeric(self, row: str, col: str) -> bool:
        return self.unit(row, col) is not Unit.TEXT

    def cell_kind(self, row: str, col: str) -> CellKind:
        if self.is_numeric(row, col) and (self._rows[row].sum_of or self._cols[col].sum_of):
            return CellKind.COMPUTED
        if self.prefill_key(row, col):
            return CellKind.PREFILLED
        return CellKind.ENTERED

    def prefill_key(self, row: str, col: str) -> str | None:
        """The ledger figure proposed for an entered cell (``ledger.kickback.cases`` …)."""
        r, c = self._rows[row], self._cols[col]
        if r.sum_of or c.sum_of:
            return None
        template = r.prefill or c.prefill
        return template.format(row=row, col=col) if template else None

    def cell_name(self, row: str, col: str) -> str:
        """「row」行「column」列, the way error messages name a cell."""
        return f"「{self._rows[row].name}」行「{self._cols[col].name}」列"

    def cells(self) -> list[CellKey]:
        return [(r.code, c.code) for r in self.rows for c in self.columns]

    def numeric_cells(self) -> list[CellKey]:
        return [k for k in self.cells() if self.is_numeric(*k)]


def with_rows(form: FormDefinition, units: Sequence[tuple[str, str]]) -> FormDefinition:
    """A copy of an open-row form (统计表（一）: 合计 + one row per 单位) with these units.

    ``units`` are ``(row_code, 单位名称)`` in printed order; the 合计 row sums them.
    """
    if not form.open_rows:
        raise ValueError(f"{form.code} has fixed rows")
    codes = [code for code, _ in units]
    if "total" in codes or len(set(codes)) != len(codes):
        raise ValueError("row codes must be unique and not 'total'")
    total = replace(form.row("total"), cells=("1", "合计"), sum_of=tuple(codes))
    rows = [total] + [
        Row(code=code, cells=(str(i), label), title=label)
        for i, (code, label) in enumerate(units, start=2)
    ]
    return replace(form, rows=tuple(rows))
