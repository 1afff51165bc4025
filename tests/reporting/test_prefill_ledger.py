"""Kickback figures of 统计表（三） come from the handling records (cases.stats)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from cases.handling_models import ClueSubject
from reporting.forms import FORMS
from reporting.prefill import prefill
from tests.cases.factories import new_clue
from tests.conftest import unit


def test_kickback_cases_persons_and_amount_are_prefilled(db):
    county = unit(db, "C01-D01")
    clue = new_clue(db, summary="耗材回扣")
    clue.category = "kickback"
    clue.findings = "substantiated"
    clue.findings_on = date(2026, 6, 10)
    clue.amount_involved = Decimal("1.5")
    for name in ("甲", "乙"):
        db.add(ClueSubject(clue_id=clue.id, kind="person", name=name, post="doctor"))
    outside = new_clue(db, unit_code="C02-D03", actor=None, summary="外县回扣")
    outside.category, outside.findings = "kickback", "substantiated"
    outside.findings_on = date(2026, 6, 11)
    db.flush()

    form = FORMS["zl3"]
    result = prefill(db, form, county, date(2026, 6, 1), date(2026, 6, 30))
    by_col = {col: value for (_row, col), value in result.values.items()}
    assert by_col["kb_cases"] == 1
    assert by_col["kb_persons"] == 2
    assert by_col["kb_amount"] == Decimal("1.5")
    assert "kb_cases" not in {col for (_row, col) in result.pending}


def test_lh2_red_packet_and_kickback_rows_are_split_by_the_institutions_class(db):
    county = unit(db, "C01-D01")
    public_hospital = unit(db, "C01-D01-H01")  # 县人民医院: public, 二级
    assert public_hospital.stat_class == "public_l2plus"

    def case(category: str, day: int, **fields) -> None:
        clue = new_clue(db, summary=f"{category} 案", **fields)
        clue.category, clue.findings = category, "substantiated"
        clue.findings_on = date(2026, 6, day)

    case("kickback", 3, accused_unit_id=public_hospital.id)
    case("kickback", 4, accused_unit_id=public_hospital.id)
    case("redpacket", 5, accused_unit_id=public_hospital.id)
    case("kickback", 6)  # held by the county bureau itself, no institution: no column
    case("kickback", 6, accused_unit_id=public_hospital.id)
    db.flush()
    late = new_clue(db, summary="七月的案", accused_unit_id=public_hospital.id)
    late.category, late.findings, late.findings_on = "kickback", "substantiated", date(2026, 7, 2)
    db.flush()

    result = prefill(db, FORMS["lh2"], county, date(2026, 6, 1), date(2026, 6, 30))
    values = result.values
    assert values[("kickback", "public_l2plus")] == 3
    assert values[("kickback", "private_other")] == 0
    assert values[("redpacket", "public_l2plus")] == 1
    assert not {key for key in result.pending if key[0] in ("kickback", "redpacket")}
