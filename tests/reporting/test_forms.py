"""Each definition reproduces its seed: titles, headers, column numbers, rows, units."""

from __future__ import annotations

import re

import pytest

from reporting.export import export_xlsx
from reporting.formdef import CellKind, FormKind, Unit, with_rows
from reporting.forms import FORMS
from tests.reporting.seedtext import SEED_000, SEED_004, open_sheet, seed_cells, table_texts

# (form, seed, text the table starts after, text it ends before)
TABLES = [
    (
        "zl1",
        SEED_004,
        "附件1\n卫生健康系统开展群众身边腐败和作风问题治理情况统计表（一）",
        "单位负责人",
    ),
    (
        "zl2",
        SEED_004,
        "附件2\n卫生健康系统开展群众身边腐败和作风问题治理情况统计表（二）",
        "单位负责人",
    ),
    (
        "zl3",
        SEED_004,
        "2021年深入整治医疗领域腐败和作风问题工作情况统计表（三）\n填报单位",
        "单位负责人",
    ),
    ("lh1", SEED_000, "工作量化统计表一", "附件4"),
    ("lh2", SEED_000, "工作量化统计表二", "填表人："),
]


def _printed(code: str) -> bytes:
    form = FORMS[code]
    if code == "zl1":
        form = with_rows(form, [("xxx", "XXX")])  # the seed's placeholder unit row
    return export_xlsx(form, {}, unit_name="测试单位", period_label="2021年1-7月")


@pytest.mark.parametrize(("code", "seed", "start", "end"), TABLES)
def test_exported_table_reads_like_the_seed_cell_by_cell(code, seed, start, end):
    expected = seed_cells(seed, start, end)
    if code == "lh2":
        # The seed repeats the first group label where the printed table breaks a page.
        group = "发现、处理违法违规行为情况"
        again = expected.index(group, expected.index(group) + 1)
        assert expected[again + 1] == "违规开展肝、肾、心、肺等大型器官移植"
        del expected[again]
    assert table_texts(open_sheet(_printed(code))) == expected


@pytest.mark.parametrize(("code", "seed", "start", "end"), TABLES)
def test_title_is_the_seeds(code, seed, start, end):
    ws = open_sheet(_printed(code))
    title = ws["A1"].value.replace("\n", "")
    assert title == FORMS[code].title
    assert title in seed.read_text(encoding="utf-8").replace("\n", "")


def test_zl1_columns_in_order_with_units_and_numbers():
    form = FORMS["zl1"]
    assert [c.headers[-1] for c in form.columns] == [
        "发现问题", "完成整改问题", "诫勉谈话", "通报批评", "其他", "收到检查监察建议书",
        "执行完成回复数", "召开民主（组织）生活会（次）", "开展警示教育活动（次）",
        "建立完善制度（个）", "解决群众实际问题（个）",
    ]  # fmt: skip
    assert [c.unit.value for c in form.columns] == list("个个人人人份份次次个个")
    assert [c.number for c in form.columns] == [f"（{n}）" for n in range(1, 12)]
    assert form.cumulative  # 填报说明5: 逐月累计


def test_zl2_and_zl3_rows_by_ownership_and_grade():
    grades = ["三级", "二级", "一级及以下"]
    assert [r.cells[-1] for r in FORMS["zl2"].rows] == [
        "总计", "合计", "小计", *grades, "小计", *grades,
    ]  # fmt: skip
    zl3 = FORMS["zl3"]
    assert [r.name for r in zl3.rows] == [
        "医疗机构合计", "公立医院小计", "公立医院三级", "公立医院二级", "公立医院一级及以下",
        "民营医院小计", "民营医院三级", "民营医院二级", "民营医院一级及以下",
    ]  # fmt: skip
    assert [c.unit.value for c in zl3.columns] == [
        "次", "次", "人", "个", "条", "人", "家、次",
        "起", "人", "万元", "起", "人", "万元", "文字",
    ]  # fmt: skip


def _printed_unit(headers: tuple[str, ...]) -> str | None:
    found = [m for h in headers for m in re.findall(r"（([^（）]+)）$", h)]
    return found[-1] if found else None


@pytest.mark.parametrize("code", ["zl1", "zl2", "zl3"])
def test_units_agree_with_the_units_printed_in_the_headers(code):
    form = FORMS[code]
    for column in form.columns:
        printed = _printed_unit(column.headers)
        if printed and printed != "组织":
            assert column.unit.value == printed, column.name


def test_lh1_rows_are_the_reference_stat_rows():
    from config.reference import STAT_ROWS

    assert [r.code for r in FORMS["lh1"].rows] == [code for code, _, _ in STAT_ROWS]


def test_lh2_units_per_row_as_printed():
    form = FORMS["lh2"]
    units = [r.unit.value for r in form.rows]
    assert units.count("条") == 1 and units.count("万元") == 1
    assert form.row("cosmetic_doctor").unit is Unit.PERSONS
    assert form.row("cosmetic_nurse").unit is Unit.CASES  # as the seed prints it
    assert [c.headers for c in form.columns][0] == ("数量", "二级以上公立医疗机构")


def test_cell_kinds_and_prefill_keys():
    zl3 = FORMS["zl3"]
    assert zl3.cell_kind("all", "kb_cases") is CellKind.COMPUTED
    assert zl3.cell_kind("public_l3", "kb_cases") is CellKind.PREFILLED
    assert zl3.prefill_key("public_l3", "kb_amount") == "ledger.kickback.amount"
    assert zl3.prefill_key("private_l1", "rp_persons") == "ledger.redpacket.persons"
    assert zl3.prefill_key("public_l3", "clues") == "ledger.clues_verified"
    assert zl3.prefill_key("all", "clues") is None
    assert zl3.prefill_key("public_l3", "warnings") == "registers.warning"  # 警示教育 register
    assert zl3.cell_kind("public_l3", "cases_written") is CellKind.ENTERED
    lh1 = FORMS["lh1"]
    assert lh1.prefill_key("pub2_tcm", "total") == "inspections.total_in_jurisdiction.pub2_tcm"
    zl2 = FORMS["zl2"]
    assert zl2.prefill_key("private_l2", "revoked") == "ledger.sanctions.license_revoked"
    assert zl2.cell_kind("public_l3", "handled") is CellKind.COMPUTED
    assert FORMS["lh2"].prefill_key("kickback", "private_other") == (
        "ledger.kickback.cases.private_other"
    )


def test_registry_codes_and_text_reports():
    assert list(FORMS) == [
        "zl1", "zl2", "zl3", "lh1", "lh2",
        "quarterly_progress", "annual_summary", "campaign_summary",
    ]  # fmt: skip
    annual = FORMS["annual_summary"]
    assert annual.kind is FormKind.TEXT and annual.attachments_allowed
    assert [s.title for s in annual.sections] == ["年度工作总结", "下一年度工作计划"]
