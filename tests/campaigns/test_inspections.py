"""Inspections against the checklist, a finding turned into a clue, and the forms prefilled."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from campaigns.inspections import (
    NewInspection,
    clue_source,
    finding_to_clue,
    findings,
    record_inspection,
)
from cases.service import get_clue
from config.errors import Conflict, NotFound, ValidationError
from reporting.forms import FORMS
from reporting.prefill import prefill
from tests.campaigns.helpers import shaanxi_campaign
from tests.conftest import unit, user

ANSWERS = {
    "1": {"sampled": "20", "violating": "2"},
    "8": {"found": "1", "note": "外科医生收受红包"},
    "14": {"found": "1"},
    "31": {"found": "1", "fine": "1.5", "confiscated": "违法所得"},
    "34_doctor": {"found": "1", "persons": "1"},
}


def _inspect(db, code="C01-D01-H01", answers=None, on=date(2020, 8, 20)):
    leader = user(db, "leader")
    campaign = shaanxi_campaign(db, user(db, "admin"))
    inspection = record_inspection(
        db,
        leader,
        campaign,
        NewInspection(unit(db, code).id, on, "钱分管、孙承办", "医务科张科长", answers or ANSWERS),
    )
    return leader, campaign, inspection


def test_a_finding_becomes_a_clue_in_one_step(db):
    leader, campaign, inspection = _inspect(db)
    assert [i.code for i in findings(inspection)] == ["1", "8", "14", "31", "34_doctor"]
    assert inspection.answers["36_penalty"]["persons"] == 1
    clue = finding_to_clue(db, leader, inspection, "8")
    assert clue.channel == "special_check"
    assert clue.category == "check_08"
    assert clue.accused_unit_id == unit(db, "C01-D01-H01").id
    assert clue.unit_id == unit(db, "C01-D01").id  # the inspecting body's ledger
    assert "陕卫办医发〔2020〕36号" in clue.content and f"#{inspection.id}" in clue.content
    source = clue_source(db, clue.id)
    assert source is not None and source.inspection is inspection and source.item.number == 8
    assert get_clue(db, leader, clue.id) is clue
    with pytest.raises(Conflict):
        finding_to_clue(db, leader, inspection, "8")
    with pytest.raises(ValidationError):
        finding_to_clue(db, leader, inspection, "9")  # answered 无


def test_answers_are_validated(db):
    with pytest.raises(ValidationError, match="违法违规人数不能大于抽查人数"):
        _inspect(db, answers={"1": {"sampled": "3", "violating": "5"}})
    with pytest.raises(ValidationError, match="不在专项行动期间内"):
        _inspect(db, on=date(2021, 3, 1))


def test_institution_outside_jurisdiction_is_refused(db):
    with pytest.raises(NotFound):
        _inspect(db, code="C02-D03-H01")  # the leader is in 清河县


def test_forms_one_and_two_prefilled_from_inspections(db):
    _inspect(db)
    _inspect(db, code="C01-D01-H07", answers={"8": {"found": "1"}, "14": {"found": "1"}})
    county = unit(db, "C01-D01")
    lh1 = prefill(db, FORMS["lh1"], county, date(2020, 8, 1), date(2020, 8, 31))
    assert lh1.pending == {}
    assert lh1.values[("pub2_general", "total")] == 1
    assert lh1.values[("pub2_general", "inspected")] == 1
    assert lh1.values[("pri2_general", "inspected")] == 1
    assert lh1.values[("pub2_tcm", "total")] == 1 and lh1.values[("pub2_tcm", "inspected")] == 0
    lh2 = prefill(db, FORMS["lh2"], county, date(2020, 8, 1), date(2020, 8, 31))
    v = lh2.values
    assert v[("hired_license", "public_l2plus")] == 2  # two violating doctors in the sample
    assert v[("overcharging", "public_l2plus")] == 1
    assert v[("overcharging", "private_l2plus")] == 1
    assert v[("fined", "public_l2plus")] == 1
    assert v[("fine_amount", "public_l2plus")] == Decimal("1.5")
    assert v[("penalised_total", "public_l2plus")] == 1
    assert v[("suspended_doctor", "public_l2plus")] == 1
    # 红包 comes from the ledger's cases (none here), not the checklist; adverts removed
    # are typed by hand.
    assert lh2.values[("redpacket", "public_l2plus")] == 0
    assert lh2.pending == {}
    assert ("ads_removed", "public_l2plus") not in lh2.values
    # Another period, and a county that was not inspected, give zeros.
    later = prefill(db, FORMS["lh2"], county, date(2020, 9, 1), date(2020, 9, 30))
    assert later.values[("overcharging", "public_l2plus")] == 0
    other = prefill(db, FORMS["lh1"], unit(db, "C02-D03"), date(2020, 8, 1), date(2020, 8, 31))
    assert other.values[("pub2_general", "inspected")] == 0
