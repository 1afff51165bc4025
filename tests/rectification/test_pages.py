"""Rectification pages: the ledger with counts that drill down, a new item with bad input
told by field, an item's steps, the XLSX export (formula text stays text), jurisdiction."""

from __future__ import annotations

import re
from datetime import date
from io import BytesIO

import time_machine
from openpyxl import load_workbook
from sqlalchemy import func, select

import cases.demo
import rectification.demo
from rectification.models import RectificationItem
from tests.conftest import login, post_form, unit
from tests.rectification.helpers import issue, item_data, on


def test_demo_ledger_shows_each_stage_and_counts_drill_down(client, db):
    cases.demo.load_demo(db)
    rectification.demo.load_demo(db)
    login(client, "leader")
    page = client.get("/rectification/").get_data(as_text=True)
    assert "整改台账" in client.get("/").get_data(as_text=True)
    for words in ("整改中", "待验收", "已验收销号", "已逾期", "部分科室存在大处方"):
        assert words in page, words
    counts = re.search(r'data-testid="counts">(.*?)</ul>', page, re.S).group(1)
    assert (
        re.search(r"共 <strong>4</strong>", counts)
        and '逾期未完成 <strong class="overdue">1' in counts
    )
    overdue = client.get("/rectification/?state=overdue").get_data(as_text=True)
    assert "部分科室存在大处方" in overdue and "住院部未在显著位置" not in overdue


def test_new_item_from_the_page_then_reported_by_the_hospital(client, db):
    with time_machine.travel(on(date(2026, 6, 1)), tick=False):
        login(client, "leader")
        form = client.get("/rectification/new").get_data(as_text=True)
        assert "责任单位" in form and "整改期限" in form and "清河县人民医院" in form
        resp = post_form(client, "/rectification/new", item_data(db))
        assert resp.status_code == 302
        item_path = resp.headers["Location"]
        page = client.get(item_path).get_data(as_text=True)
        assert "整改〔2026〕1号" in page and "门诊收费处未公示" in page
        assert "报告整改完成" not in page  # the county bureau is not the responsible unit
    client.get("/logout")
    with time_machine.travel(on(date(2026, 6, 5)), tick=False):
        login(client, "reporter")
        page = client.get(item_path).get_data(as_text=True)
        assert "报告整改完成" in page
        resp = post_form(client, f"{item_path}/fire/report_done",
                         {"evidence": "", "completed_on": "2026-06-05", "version": "1"},
                         token_from=item_path)  # fmt: skip
        assert resp.status_code == 422
        assert "请填写“整改完成情况及佐证材料”" in resp.get_data(as_text=True)
        resp = post_form(client, f"{item_path}/fire/report_done",
                         {"evidence": "已公示", "completed_on": "2026-06-05", "version": "1"},
                         token_from=item_path)  # fmt: skip
        assert resp.status_code == 302
        assert "待验收" in client.get(item_path).get_data(as_text=True)


def test_bad_input_on_the_form_is_told_and_nothing_is_written(client, db):
    before = db.scalar(select(func.count()).select_from(RectificationItem))
    with time_machine.travel(on(date(2026, 6, 1)), tick=False):
        login(client, "leader")
        bad = item_data(db, problem="问" * 3000, deadline="昨天", responsible_unit_id="99999999999")
        resp = post_form(client, "/rectification/new", bad)
    body = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert "不能超过 2000 个字" in body and "不是有效日期" in body and "“责任单位”的值无效" in body
    assert db.scalar(select(func.count()).select_from(RectificationItem)) == before


def test_a_stale_form_is_a_conflict_not_an_overwrite(client, db):
    item = issue(db)
    path = f"/rectification/{item.id}"
    with time_machine.travel(on(date(2026, 6, 5)), tick=False):
        login(client, "reporter")
        resp = post_form(client, f"{path}/fire/report_done",
                         {"evidence": "已公示", "completed_on": "2026-06-05", "version": "0"},
                         token_from=path)  # fmt: skip
    assert resp.status_code == 409 and "已被他人修改" in resp.get_data(as_text=True)


def test_export_is_xlsx_with_formula_text_kept_as_text(client, db):
    issue(db, problem='=HYPERLINK("http://evil")')
    login(client, "leader")
    resp = client.get("/rectification/export.xlsx")
    assert resp.status_code == 200
    ws = load_workbook(BytesIO(resp.data)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:3] == ("序号", "编号", "下达单位")
    cell = ws.cell(row=2, column=6)
    assert cell.value == '=HYPERLINK("http://evil")' and cell.data_type == "s"


def test_other_units_see_neither_the_item_nor_its_export_row(client, db):
    item = issue(db)
    login(client, "clerk_sm")
    assert client.get(f"/rectification/{item.id}").status_code == 404
    ws = load_workbook(BytesIO(client.get("/rectification/export.xlsx").data)).active
    assert ws.max_row == 1
    assert client.get("/rectification/new").status_code == 403


def test_filters_ignore_hostile_values(client, db):
    issue(db)
    login(client, "leader")
    for query in ("state=<script>", "unit_id=99999999999999", "source=x", "unit_id=-1"):
        assert client.get(f"/rectification/?{query}").status_code == 200
    nul = client.get("/rectification/?source=%00")
    assert nul.status_code == 400 and "无法保存的字符" in nul.get_data(as_text=True)
    hospital = unit(db, "C01-D01-H01")
    assert "门诊收费处" in client.get(f"/rectification/?unit_id={hospital.id}").get_data(
        as_text=True
    )
