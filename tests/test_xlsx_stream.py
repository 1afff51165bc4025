"""config.xlsx_stream: the ledger's own XLSX writer opens in openpyxl with its title merged,
its header frozen and styled, widths set, values typed, and formula-like text kept as text."""

from __future__ import annotations

import io
from datetime import date, datetime

from openpyxl import load_workbook

from config.xlsx_stream import XlsxStream


def test_a_stream_opens_typed_styled_and_safe():
    buf = io.BytesIO()
    out = XlsxStream(buf, "问题线索台账", (6, 20, 30))
    out.freeze(2)
    out.title("问题线索台账（某县，导出时间 2026年12月5日 06:00）", 3)
    out.append(("序号", "编号", "摘要"), out.header)
    for n in range(3):  # the same labels again: remembered, written the same
        out.append((1 + n, "=1+1", "a & <b> \x01 ok"))
    out.append((2.5, date(2026, 6, 3), datetime(2026, 6, 3, 9, 30)))
    out.append((True, None, "-5"))
    out.close()
    ws = load_workbook(io.BytesIO(buf.getvalue())).active
    assert ws.title == "问题线索台账" and ws.freeze_panes == "A3"
    assert [str(r) for r in ws.merged_cells.ranges] == ["A1:C1"]
    assert ws.column_dimensions["C"].width == 30
    assert ws["A1"].font.b and ws["A1"].font.sz == 14 and ws["B2"].font.b
    for row in (3, 4, 5):
        assert ws.cell(row, 1).value == row - 2
        formula = ws.cell(row, 2)
        assert (formula.value, formula.data_type, formula.quotePrefix) == ("=1+1", "s", True)
        assert ws.cell(row, 3).value == "a & <b>  ok"  # the control character dropped
    assert ws["A6"].value == 2.5 and ws["B6"].value == datetime(2026, 6, 3)
    assert ws["C6"].value == datetime(2026, 6, 3, 9, 30)
    assert ws["A7"].value is True and ws["B7"].value is None
    assert (ws["C7"].value, ws["C7"].quotePrefix) == ("-5", True)
    assert not [c for row in ws.iter_rows() for c in row if c.data_type == "f"]
