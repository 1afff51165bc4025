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
