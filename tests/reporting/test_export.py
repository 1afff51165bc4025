"""The XLSX export, reopened with openpyxl: title, 填报单位, merged headers, numbers, footer."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from io import BytesIO

from openpyxl import load_workbook

from reporting.export import SheetSpec, export_many, export_xlsx
from reporting.forms import FORMS
from tests.reporting.seedtext import open_sheet

META = {
    "unit_name": "鹿寨县人民医院",
    "period_label": "2021年1-7月",
    "filled_at": date(2021, 8, 10),
    "leader": "张三",
    "filler": "李四",
    "contact": "0772-6815093",
}


def _texts(ws) -> list[str]:
    return [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]


def test_zl1_layout():
    ws = open_sheet(export_xlsx(FORMS["zl1"], {("self", "found"): 3}, **META))
    assert ws["A1"].value == "卫生健康系统开展群众身边腐败和作风问题治理情况统计表（一）"
    assert ws["A2"].value == "填报单位：鹿寨县人民医院"
    assert "填报时间：2021年8月10日" in _texts(ws)[2]
    merged = {str(r) for r in ws.merged_cells.ranges}
    # 序号/单位 run down the header and numbers rows; groups span their columns.
    assert {"A3:A5", "B3:B5", "C3:D3", "E3:G3", "H3:I3", "J3:L3", "M3:M4"} <= merged
    assert [ws.cell(5, c).value for c in range(3, 14)] == [f"（{n}）" for n in range(1, 12)]
    assert [ws.cell(r, 2).value for r in (6, 7)] == ["合计", "本单位"]
    assert ws["C6"].value == 3 and ws["C7"].value == 3  # 合计 computed
    footer = [t for t in _texts(ws) if t.startswith(("单位负责人", "填表人", "联系方式"))]
    assert footer == ["单位负责人：张三", "填表人：李四", "联系方式：0772-6815093"]
    assert any("逐月累计" in t for t in _texts(ws))  # 填报说明
    assert ws.page_setup.orientation == "landscape"
    assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows == "$3:$5"


def test_zl2_layout_with_groups_and_money():
    values = {("public_l3", "refunded"): Decimal("1.2345"), ("public_l3", "remarks"): "备注"}
    ws = open_sheet(export_xlsx(FORMS["zl2"], values, **META))
    merged = {str(r) for r in ws.merged_cells.ranges}
    # 项目 over three label columns; 处理违法违规机构数量 over columns 3–10; 总计 across labels.
    assert {"A3:C5", "F3:M3", "N3:Q3", "R3:T3", "U3:U4", "A6:C6", "A7:A15", "B9:B11"} <= merged
    assert ws["A7"].value == "医保定点医疗机构"
    assert ws["B9"].value == "公立医院" and ws["C9"].value == "三级"
    assert ws["O9"].value == 1.2345  # 主动清退基金, read back as a float
    assert ws["N9"].value == 1.2345 and ws["N6"].value == 1.2345  # 小计 and 总计 computed
    assert ws["U9"].value == "备注"


def test_lh_forms_print_period_and_their_own_footer():
    ws = open_sheet(export_xlsx(FORMS["lh2"], {}, reviewer="王五", **META))
    assert ws["A1"].value == "广西卫生健康行业作风整治专项行动工作量化统计表二"
    assert "鹿寨县人民医院" in ws["A2"].value and "2021年1-7月" in ws["A2"].value
    assert ws["H3"].value == "单位"
    assert ws["D3"].value == "数量" and "D3:G3" in {str(r) for r in ws.merged_cells.ranges}
    texts = _texts(ws)
    assert "审核人：王五" in texts and "填表日期：2021年8月10日" in texts
    lh1 = open_sheet(export_xlsx(FORMS["lh1"], {}, **META))
    assert lh1["A1"].value == "广西卫生健康行业作风整治专项行动\n工作量化统计表一"
    assert not any(t.startswith("填表人") for t in _texts(lh1))  # the seed has no footer


def test_export_many_one_sheet_per_unit_and_text_reports():
    data = export_many(
        [
            SheetSpec(FORMS["zl3"], {("public_l3", "kb_cases"): 1}, "甲医院", "7月"),
            SheetSpec(FORMS["zl3"], {("public_l2", "kb_cases"): 2}, "甲医院", "8月"),
            SheetSpec(
                FORMS["quarterly_progress"],
                {("progress", "text"): "完成自查自纠"},
                "乙医院",
                sheet_title="季度进展:2021/3",
            ),
        ]
    )
    book = load_workbook(BytesIO(data))
    assert book.sheetnames == ["甲医院", "甲医院(2)", "季度进展_2021_3"]
    first, second = book["甲医院"], book["甲医院(2)"]
    assert (first["K8"].value, first["K9"].value, first["K6"].value) == (1, None, 1)
    assert (second["K8"].value, second["K9"].value, second["K6"].value) == (None, 2, 2)
    text = book["季度进展_2021_3"]
    assert text["A1"].value == "季度工作进展"
    assert "完成自查自纠" in _texts(text)
