"""Roll-up: 上级统计数应包含下级统计数据."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest

from config.reference import Grade, InstitutionCategory, Ownership
from reporting.checks import check, compute
from reporting.formdef import CellKind
from reporting.forms import FORMS
from reporting.rollup import by_class, class_code, rollup, rollup_units


def _random_values(form, rng):
    values = {}
    for row, col in form.numeric_cells():
        if form.cell_kind(row, col) is CellKind.COMPUTED:
            continue
        if form.unit(row, col).value == "万元":
            values[(row, col)] = Decimal(rng.randint(0, 99999)) / 10000
        else:
            values[(row, col)] = rng.randint(0, 9)
    return values


@pytest.mark.parametrize("code", ["zl1", "zl2", "zl3", "lh1", "lh2"])
def test_rollup_equals_the_cell_by_cell_sum(code):
    form, rng = FORMS[code], random.Random(code)
    subs = [_random_values(form, rng) for _ in range(3)]
    total = rollup(form, [compute(form, s) for s in subs])  # computed cells are not added twice
    expected = compute(form, {k: sum(s.get(k, 0) for s in subs) for k in subs[0]})
    assert total == expected
    assert all(total[k] == sum(compute(form, s)[k] for s in subs) for k in form.numeric_cells())


def test_rollup_drops_remarks_and_is_consistent():
    form = FORMS["zl3"]
    a = {
        ("public_l3", "kb_cases"): 1,
        ("public_l3", "kb_persons"): 2,
        ("public_l3", "remarks"): "x",
    }
    b = {("private_l2", "kb_cases"): 2, ("private_l2", "kb_persons"): 2}
    total = rollup(form, [a, b])
    assert ("public_l3", "remarks") not in total
    assert total[("all", "kb_cases")] == 3 and total[("all", "kb_persons")] == 4
    assert check(form, total) == []


def test_rollup_units_lists_each_unit_and_their_total():
    form = FORMS["zl1"]
    a = {("self", "found"): 3, ("self", "rectified"): 2}
    b = {("self", "found"): 4, ("self", "solved"): 1}
    sheet, values = rollup_units(form, [("u1", "县人民医院", a), ("u2", "县中医医院", b)])
    assert [r.cells for r in sheet.rows] == [
        ("1", "合计"),
        ("2", "县人民医院"),
        ("3", "县中医医院"),
    ]
    assert values[("u1", "found")] == 3 and values[("u2", "found")] == 4
    assert values[("total", "found")] == 7 and values[("total", "solved")] == 1
    assert check(sheet, values) == []
    # A county's sheet rolls up again into the city's.
    city, city_values = rollup_units(form, [("c1", "鹿寨县", values), ("c2", "融安县", a)])
    assert city_values[("c1", "found")] == 7 and city_values[("total", "found")] == 10


def test_by_class_places_institutions_in_their_rows():
    zl3 = FORMS["zl3"]
    rows = [
        class_code(zl3, category=InstitutionCategory.GENERAL_HOSPITAL, grade=g, ownership=o)
        for g, o in [
            (Grade.LEVEL3, Ownership.PUBLIC),
            (Grade.LEVEL3, Ownership.PUBLIC),
            (Grade.UNGRADED, Ownership.PRIVATE),
        ]
    ]
    assert rows == ["public_l3", "public_l3", "private_l1"]
    figures = [{"kb_cases": 1}, {"kb_cases": 2}, {"kb_cases": 5}]
    values = by_class(zl3, zip(rows, figures, strict=True))
    assert values[("public_l3", "kb_cases")] == 3
    assert values[("private_l1", "kb_cases")] == 5
    assert values[("all", "kb_cases")] == 8


def test_by_class_on_lh1_rows_and_lh2_columns():
    lh1, lh2 = FORMS["lh1"], FORMS["lh2"]
    kwargs = {
        "category": InstitutionCategory.CLINIC,
        "grade": Grade.UNGRADED,
        "ownership": Ownership.PRIVATE,
    }
    assert class_code(lh1, **kwargs) == "prio_other"
    assert class_code(lh2, **kwargs) == "private_other"
    values = by_class(lh1, [("prio_other", {"total": 4, "inspected": 1})] * 2)
    assert values == {("prio_other", "total"): 8, ("prio_other", "inspected"): 2}
    values = by_class(lh2, [("private_other", {"redpacket": 1, "judicial_doctor": 2})])
    assert values[("redpacket", "private_other")] == 1
    assert values[("total_judicial", "private_other")] == 2
    with pytest.raises(ValueError, match="not grouped"):
        class_code(FORMS["zl1"], **kwargs)
