"""Cell parsing and the checks: units, sums, relations, 逐月累计."""

from __future__ import annotations

from decimal import Decimal

import pytest

from config.errors import ValidationError
from reporting.checks import CellError, Rule, check, compute, parse_cell
from reporting.forms import FORMS

ZL1, ZL2, ZL3, LH2 = FORMS["zl1"], FORMS["zl2"], FORMS["zl3"], FORMS["lh2"]


def _only(errors: list[CellError]) -> CellError:
    assert len(errors) == 1, [e.message for e in errors]
    return errors[0]


def test_text_in_a_count_cell_is_refused_naming_cell_and_rule():
    error = _only(check(ZL3, {("public_l3", "clues"): "三条"}))
    assert (error.row, error.col, error.rule) == ("public_l3", "clues", Rule.NOT_A_NUMBER)
    assert error.message == (
        "「公立医院三级」行「核查线索（条）（第5列）」列：单位为「条」，应填写数字，不能填写文字「三条」"
    )


def test_negative_and_fractional_counts_are_refused():
    errors = check(ZL1, {("self", "found"): -1, ("self", "admonished"): Decimal("1.5")})
    assert [(e.col, e.rule) for e in errors] == [
        ("found", Rule.NEGATIVE),
        ("admonished", Rule.NOT_WHOLE),
    ]
    assert "「本单位」行「自查自纠（个）—发现问题（第1列）」列：不能为负数" in errors[0].message
    assert "单位为「人」，应填写整数" in errors[1].message


def test_money_takes_four_places_and_no_more():
    assert check(ZL3, {("public_l3", "kb_amount"): Decimal("12.3456")}) == []
    error = _only(check(ZL3, {("public_l3", "kb_amount"): Decimal("12.34567")}))
    assert error.rule is Rule.TOO_MANY_PLACES
    assert "以万元为单位，最多保留4位小数" in error.message


def test_text_only_in_text_columns():
    assert check(ZL3, {("public_l3", "remarks"): "含外院转诊"}) == []
    assert _only(check(ZL3, {("public_l3", "remarks"): 3})).rule is Rule.NOT_TEXT


def test_unknown_cell_is_refused():
    assert _only(check(ZL3, {("public_l4", "clues"): 1})).rule is Rule.UNKNOWN_CELL


def test_subtotal_that_does_not_add_up():
    values = {
        ("public_l3", "warnings"): 2,
        ("public_l2", "warnings"): 3,
        ("public", "warnings"): 4,  # should be 5
    }
    errors = check(ZL3, values)
    error = _only(errors)
    assert (error.row, error.col, error.rule) == ("public", "warnings", Rule.SUM_MISMATCH)
    assert error.message == (
        "「公立医院小计」行「警示教育活动（次）（第1列）」列："
        "应等于「公立医院三级」、「公立医院二级」、「公立医院一级及以下」之和 5，实际填写 4"
    )
    values[("public", "warnings")] = 5
    values[("all", "warnings")] = 5
    assert check(ZL3, values) == []


def test_column_subtotal_that_does_not_add_up():
    values = {("public_l3", "refunded"): Decimal("1.5"), ("public_l3", "fines"): 2}
    values[("public_l3", "funds")] = Decimal("3")
    error = _only(check(ZL2, values))
    assert error.rule is Rule.SUM_MISMATCH and error.col == "funds"
    assert "「清退违规医保基金—主动清退基金（万元）（第12列）」" in error.message


def test_compute_fills_subtotals_totals_and_column_subtotals():
    values = compute(
        ZL2,
        {
            ("public_l3", "talk"): 2,
            ("public_l3", "clues"): 1,
            ("private_l1", "fined"): 4,
            ("private_l1", "recovered_funds"): Decimal("0.5"),
            ("private_l1", "fines"): Decimal("1.25"),
        },
    )
    assert values[("public_l3", "handled")] == 3
    assert values[("public", "handled")] == 3
    assert values[("private", "handled")] == 4
    assert values[("all", "handled")] == 7
    assert values[("total", "handled")] == 7
    assert values[("total", "funds")] == Decimal("1.75")
    assert values[("total", "designated")] == 0
    assert ("total", "remarks") not in values
    assert check(ZL2, values) == []


def test_lh2_totals_of_persons():
    values = compute(
        LH2,
        {
            ("revoked_doctor", "public_l2plus"): 1,
            ("suspended_nurse", "public_l2plus"): 2,
            ("judicial_other", "public_l2plus"): 5,
        },
    )  # noqa: E501
    assert values[("total_penalised", "public_l2plus")] == 3
    assert values[("total_judicial", "public_l2plus")] == 5


def test_relations_named_rectified_and_persons():
    error = _only(check(ZL1, {("self", "found"): 2, ("self", "rectified"): 3}))
    assert (error.col, error.rule) == ("rectified", Rule.RELATION)
    assert "完成整改问题数不能大于发现问题数" in error.message
    error = _only(check(ZL3, {("private_l2", "rp_cases"): 2, ("private_l2", "rp_persons"): 1}))
    assert error.row == "private_l2" and "人数不能少于起数" in error.message
    error = _only(
        check(LH2, {("fined", "private_other"): 2, ("penalised_total", "private_other"): 1})
    )  # noqa: E501
    assert error.row == "fined" and "罚款的机构数不能大于予以行政处罚的机构总数" in error.message


def test_cumulative_figure_lower_than_last_month():
    previous = {("self", "found"): 5, ("self", "meetings"): 1}
    error = _only(check(ZL1, {("self", "found"): 4, ("self", "meetings"): 1}, previous))
    assert (error.row, error.col, error.rule) == ("self", "found", Rule.DECREASED)
    assert error.message == (
        "「本单位」行「自查自纠（个）—发现问题（第1列）」列："
        "本表逐月累计，本月数 4 不能小于上月已接受的数 5"
    )
    assert check(ZL1, {("self", "found"): 5, ("self", "meetings"): 2}, previous) == []


def test_stock_column_may_go_down():
    previous = {("public_l3", "designated"): 10}
    assert check(ZL2, {("public_l3", "designated"): 9}, previous) == []
    assert _only(check(ZL2, {}, {("public_l3", "inspected"): 1})).rule is Rule.DECREASED


@pytest.mark.parametrize(
    ("text", "value"),
    [("12", 12), (" １２ ", 12), ("1,200", 1200), ("3.0", 3), ("", None)],
)
def test_parse_count(text, value):
    parsed = parse_cell(ZL3, "public_l3", "kb_cases", text)
    assert parsed == value and (value is None or type(parsed) is int)


def test_parse_money_and_text():
    assert parse_cell(ZL3, "public_l3", "kb_amount", "１２.５") == Decimal("12.5")
    assert parse_cell(ZL3, "public_l3", "remarks", "  另有2起在查 ") == "另有2起在查"


@pytest.mark.parametrize(
    ("col", "text", "rule", "words"),
    [
        ("kb_cases", "两起", Rule.NOT_A_NUMBER, "应填写数字，不能填写文字「两起」"),
        ("kb_cases", "1.5", Rule.NOT_WHOLE, "应填写整数"),
        ("kb_cases", "-2", Rule.NEGATIVE, "不能为负数"),
        ("kb_amount", "0.00001", Rule.TOO_MANY_PLACES, "最多保留4位小数"),
        ("kb_amount", "NaN", Rule.NOT_A_NUMBER, "应填写数字"),
    ],
)
def test_parse_errors_in_chinese(col, text, rule, words):
    with pytest.raises(ValidationError) as caught:
        parse_cell(ZL3, "public_l3", col, text)
    assert caught.value.details.rule is rule
    assert caught.value.message.startswith("「公立医院三级」行「查处收受回扣案件")
    assert words in caught.value.message


def test_text_report_sections():
    form = FORMS["annual_summary"]
    errors = check(form, {("summary", "text"): "全年完成……"})
    error = _only(errors)
    assert error.rule is Rule.REQUIRED and error.message == "「下一年度工作计划」：此部分必须填写"
    assert check(form, {("summary", "text"): "……", ("plan", "text"): "……"}) == []
