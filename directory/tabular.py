"""Reading CSV and XLSX files into rows of strings, with errors people can act on."""

from __future__ import annotations

import csv
import io
import logging
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from config.errors import ValidationError

log = logging.getLogger(__name__)


@dataclass
class RowError:
    row: int  # 1-based spreadsheet row (the header is row 1)
    field: str
    message: str

    def __str__(self) -> str:
        where = f"第 {self.row} 行" + (f"「{self.field}」" if self.field else "")
        return f"{where}：{self.message}"


@dataclass
class Report:
    errors: list[RowError] = field(default_factory=list)
    created: int = 0

    def add(self, row: int, field_name: str, message: str) -> None:
        self.errors.append(RowError(row, field_name, message))

    def raise_if_errors(self, what: str) -> None:
        if self.errors:
            raise ValidationError(
                f"{what}未导入：发现 {len(self.errors)} 处错误，文件中的数据均未写入。",
                details=[str(e) for e in self.errors],
            )


def database_refusal(err: SQLAlchemyError) -> tuple[str, str]:
    """The column (or constraint) a database refused, when it says, and a message for
    the row's error line; the driver's own text is logged, not shown."""
    diag = getattr(getattr(err, "orig", None), "diag", None)
    column = getattr(diag, "column_name", None) or getattr(diag, "constraint_name", None) or ""
    log.warning("import row refused by the database: %s", err)
    return column, "数据库拒绝保存此行（内容过长、重复或格式不符），请核对后重新导入"


def read_table(filename: str, data: bytes) -> tuple[list[str], list[list[str]]]:
    """Header and rows (as stripped strings) from a .csv (UTF-8) or .xlsx file."""
    suffix = Path(filename).suffix.lower()
    if suffix == ".csv":
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ValidationError(
                "CSV 文件不是 UTF-8 编码：请在 Excel 中选择"
                "“另存为 → CSV UTF-8（逗号分隔）”后重新导入。"
            ) from exc
        rows = [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text))]
    elif suffix == ".xlsx":
        rows = _read_xlsx(data)
    else:
        raise ValidationError("文件类型不支持：请上传 .csv（UTF-8）或 .xlsx 文件。")
    rows = [r for r in rows if any(r)]
    if not rows:
        raise ValidationError("文件为空：没有找到表头。")
    return rows[0], rows[1:]


def _read_xlsx(data: bytes) -> list[list[str]]:
    from zipfile import BadZipFile

    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ValidationError("无法读取该 Excel 文件：请确认是 .xlsx 格式且未损坏。") from exc
    ws = wb.worksheets[0]
    rows = []
    for row in ws.iter_rows(values_only=True):
        rows.append(["" if v is None else _cell_text(v) for v in row])
    wb.close()
    return rows


def _cell_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def map_header(header: list[str], aliases: dict[str, tuple[str, ...]], report: Report) -> dict:
    """Column index by field name; unknown columns are errors (a typo must not be ignored)."""
    index: dict[str, int] = {}
    lookup = {alias: name for name, names in aliases.items() for alias in (name, *names)}
    for i, title in enumerate(header):
        name = lookup.get(title.strip())
        if name is None:
            report.add(1, title, "未知的列名")
        elif name in index:
            report.add(1, title, "列名重复")
        else:
            index[name] = i
    return index
