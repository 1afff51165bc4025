"""Registers fill the typed cells: 警示教育, 培训, 约谈供应商, 建议书 and replies, measures
against institutions (统计表二) and 定点医疗机构数 from the 医保定点 flag; pages, import,
export, and bad input refused in Chinese with nothing written."""

from __future__ import annotations

import io
from datetime import date, datetime

import pytest
import time_machine
from openpyxl import load_workbook
from sqlalchemy import func, select

from config.errors import PermissionDenied, ValidationError
from config.reference import Grade, InstitutionCategory, Ownership
from directory.models import OrgUnit
from reporting.forms import FORMS
from reporting.prefill import prefill
from reporting.registers.figures import register_figures
from reporting.registers.models import RegisterEntry
from reporting.registers.service import add_entry, answer, export_xlsx, import_file, kind_of
from reporting.rollup import class_code
from tests.conftest import login, post_form, unit, user
from tests.reporting.journey import SH

NOV_5 = datetime(2026, 11, 5, 10, tzinfo=SH)
H01 = "C01-D01-H01"


@pytest.fixture(autouse=True)
def travel():
    with time_machine.travel(NOV_5, tick=False):
        yield


def _count(db) -> int:
    return db.scalar(select(func.count()).select_from(RegisterEntry)) or 0


def _hospital_entries(db):
    reporter = user(db, "reporter")
    add_entry(db, reporter, "warning", {"occurred_on": "2026-11-02", "subtype": "meeting",
                                        "title": "警示教育大会", "participants": "80"})  # fmt: skip
    add_entry(db, reporter, "warning", {"occurred_on": "2026-10-20", "subtype": "case",
                                        "title": "案例通报学习"})  # fmt: skip
    add_entry(db, reporter, "study", {"occurred_on": "2026-11-03", "subtype": "training",
                                      "title": "廉洁从业培训班", "participants": "45"})  # fmt: skip
    add_entry(db, reporter, "talk", {"occurred_on": "2026-11-04", "subtype": "supplier",
                                     "title": "约谈耗材供应商",
                                     "counterpart": "某医疗器械公司"})  # fmt: skip


def test_registers_fill_statistics_form_three_of_the_hospital(db):
    _hospital_entries(db)
    hospital = unit(db, H01)
    got = prefill(db, FORMS["zl3"], hospital, date(2026, 11, 1), date(2026, 11, 30))
    row = next(iter({r for r, _ in got.values}))
    assert got.values[(row, "warnings")] == 2  # 逐月累计: October's counts too
    assert got.values[(row, "courses")] == 1 and got.values[(row, "trainees")] == 45
    assert got.values[(row, "suppliers")] == 1
    assert (row, "found") not in got.values  # rectification's cells are not ours


def test_advice_received_and_answered_feed_form_one_and_the_county_includes_below(db):
    leader = user(db, "leader")
    entry = add_entry(db, leader, "advice", {"occurred_on": "2026-09-10", "subtype": "discipline",
                                             "title": "关于加强药品采购监管的建议书",
                                             "counterpart": "县纪委监委"})  # fmt: skip
    _hospital_entries(db)
    county = unit(db, "C01-D01")
    got = prefill(db, FORMS["zl1"], county, date(2026, 11, 1), date(2026, 11, 30))
    assert got.values[("self", "advice_received")] == 1
    assert got.values[("self", "advice_done")] == 0
    assert got.values[("self", "warnings")] == 2  # the hospital's, rolled up
    with pytest.raises(ValidationError, match="不能早于"):
        answer(db, leader, entry.id, "2026-09-01")
    answer(db, leader, entry.id, "2026-11-02")
    got = prefill(db, FORMS["zl1"], county, date(2026, 11, 1), date(2026, 11, 30))
    assert got.values[("self", "advice_done")] == 1


def test_measures_by_class_and_designated_institutions_fill_form_two(db):
    leader = user(db, "leader")
    county = unit(db, "C01-D01")
    hospital = unit(db, H01)
    hospital.insurance_designated = True
    db.flush()
    for subtype in ("talk", "talk", "deadline"):
        add_entry(db, leader, "measure", {"occurred_on": "2026-11-02", "subtype": subtype,
                                          "title": "医保基金使用问题",
                                          "target_unit_id": str(hospital.id)})  # fmt: skip
    row = class_code(
        FORMS["zl2"],
        category=InstitutionCategory(hospital.category),
        grade=Grade(hospital.grade),
        ownership=Ownership(hospital.ownership),
    )
    got = prefill(db, FORMS["zl2"], county, date(2026, 11, 1), date(2026, 11, 30))
    assert got.values[(row, "talk")] == 2 and got.values[(row, "deadline")] == 1
    assert got.values[(row, "criticised")] == 0
    designated = db.scalar(
        select(func.count()).where(
            OrgUnit.path.startswith(county.path),
            OrgUnit.kind == "institution",
            OrgUnit.insurance_designated.is_(True),
        )
    )
    assert sum(v for (_r, c), v in got.values.items() if c == "designated") == designated
    with pytest.raises(ValidationError, match="所辖的医疗机构"):
        add_entry(db, leader, "measure", {"occurred_on": "2026-11-02", "subtype": "talk",
                                          "title": "x",
                                          "target_unit_id": str(unit(db, "C02").id)})  # fmt: skip


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"title": ""}, "请填写事项"),
        ({"title": "长" * 201}, "200"),
        ({"title": "a\x00b"}, "无法保存"),
        ({"occurred_on": "11月2日"}, "格式不正确"),
        ({"occurred_on": ""}, "请填写日期"),
        ({"subtype": "<script>"}, "类别应为"),
        ({"participants": "-1"}, "参加人数"),
        ({"participants": "9" * 12}, "参加人数"),
        ({"note": "注" * 501}, "500"),
    ],
)
def test_bad_entries_are_refused_with_nothing_written(db, data, message):
    base = {"occurred_on": "2026-11-02", "subtype": "meeting", "title": "警示教育大会"}
    with pytest.raises(ValidationError) as err:
        add_entry(db, user(db, "reporter"), "warning", base | data)
    assert message in err.value.message
    assert _count(db) == 0


def test_inspector_cannot_register(db):
    with pytest.raises(PermissionDenied):
        add_entry(db, user(db, "inspector"), "warning", {})


def test_export_then_import_round_trips_and_a_bad_row_refuses_the_file(db):
    _hospital_entries(db)
    reporter = user(db, "reporter")
    from reporting.registers.service import list_entries

    data = export_xlsx(kind_of("warning"), list_entries(db, reporter, "warning"))
    sheet = load_workbook(io.BytesIO(data)).active
    rows = [[c.value for c in r] for r in sheet.iter_rows()]
    assert rows[0][:3] == ["日期", "类别", "事项"] and len(rows) == 3
    before = _count(db)
    assert import_file(db, reporter, "warning", "w.xlsx", data) == 2
    assert _count(db) == before + 2
    bad = (
        "日期,类别,事项,参加人数,备注\n"
        "2026-11-01,警示教育大会,=cmd|' /C calc'!A0,10,\n"
        "2026-13-01,x,y,1,\n"
    )
    with pytest.raises(ValidationError) as err:
        import_file(db, reporter, "warning", "w.csv", bad.encode())
    assert "第 3 行" in err.value.message and "没有保存任何一行" in err.value.message
    assert _count(db) == before + 2


def test_the_register_page_records_and_shows_the_entry(client, db):
    login(client, "reporter")
    page = client.get("/registers/warning")
    assert page.status_code == 200 and "警示教育活动" in page.get_data(as_text=True)
    bad = post_form(client, "/registers/warning", {"occurred_on": "2026-11-02",
                                                  "subtype": "meeting", "title": ""},
                    token_from="/registers/warning")  # fmt: skip
    assert bad.status_code == 422 and "请填写事项" in bad.get_data(as_text=True)
    ok = post_form(client, "/registers/warning", {"occurred_on": "2026-11-02",
                                                 "subtype": "meeting",
                                                 "title": "<b>警示教育大会</b>",
                                                 "participants": "60"},
                   token_from="/registers/warning")  # fmt: skip
    assert ok.status_code == 302
    shown = client.get("/registers/warning").get_data(as_text=True)
    assert "&lt;b&gt;警示教育大会&lt;/b&gt;" in shown
    export = client.get("/registers/warning/export.xlsx")
    assert export.status_code == 200 and export.data[:2] == b"PK"
    assert client.get("/registers/nope").status_code == 404


def test_registers_source_answers_zero_rather_than_unknown(db):
    figures = register_figures(db, unit(db, H01), date(2026, 1, 1), date(2026, 11, 30))
    assert figures["registers.warning"] == 0 and figures["registers.talk.supplier"] == 0


def test_a_bodys_draft_starts_from_the_accepted_returns_below(db):
    from reporting.submissions import fire, save_draft, start_draft
    from tests.reporting.journey import obligation

    hospital_ob = obligation(db, H01, "zl1")
    reporter, leader = user(db, "reporter"), user(db, "leader")
    sub = start_draft(db, reporter, hospital_ob)
    save_draft(db, reporter, sub, {"self|meetings": "3", "self|rules": "2"})
    fire(db, reporter, sub, "submit")
    fire(db, leader, sub, "accept")
    county_ob = obligation(db, "C01-D01", "zl1")
    draft = start_draft(db, leader, county_ob)
    from reporting import cells

    values = cells.decode(FORMS["zl1"], draft.values)
    assert values[("self", "meetings")] == 3 and values[("self", "rules")] == 2
    assert values[("self", "found")] == 0  # what the hospital reported (none)
