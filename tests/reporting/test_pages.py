"""Reporting pages and API: the done-when journey through the browser's forms, errors, export."""

from __future__ import annotations

import io
import re
from urllib.parse import unquote

import pytest
import time_machine
from openpyxl import load_workbook

from tests.conftest import csrf_token, login, post_form, user
from tests.reporting.journey import SH, obligation, reporter_of, verified_clue
from tests.reporting.test_submissions import NOV_5


@pytest.fixture(autouse=True)
def _november():
    with time_machine.travel(NOV_5, tick=False):
        yield


def _fire(client, sub_id: int, trigger: str, **data):
    return post_form(
        client,
        f"/reporting/submissions/{sub_id}/fire/{trigger}",
        data,
        token_from=f"/reporting/submissions/{sub_id}",
    )


def _submission_id(response) -> int:
    match = re.search(r"/reporting/submissions/(\d+)", response.headers["Location"])
    assert match, response.headers.get("Location")
    return int(match.group(1))


def test_reporter_journey_through_the_pages(client, app, db):
    from datetime import datetime

    verified_clue(db, "C01-D01-H01", datetime(2026, 10, 20, 9, tzinfo=SH))
    ob = obligation(db, "C01-D01-H01")
    login(client, "reporter")
    tasks = client.get("/reporting/").get_data(as_text=True)
    assert "2026年10月" in tasks and "2026年11月12日" in tasks and "即将到期" not in tasks
    assert "报表任务" in tasks  # navigation

    started = post_form(client, f"/reporting/obligations/{ob.id}", {})
    sub_id = _submission_id(started)
    page = client.get(f"/reporting/submissions/{sub_id}").get_data(as_text=True)
    assert "来自台账：1" in page  # clues verified; the other ledger figures are 0 here
    assert "来自台账：0" in page
    assert 'name="public_l2|clues" value="1"' in page
    assert 'name="all|warnings"' not in page  # 合计 is computed, read-only

    bad = post_form(
        client,
        f"/reporting/submissions/{sub_id}/save",
        {"public_l2|warnings": "三次", "public_l2|courses": "-2", "public_l2|clues": "1"},
        token_from=f"/reporting/submissions/{sub_id}",
    )
    text = bad.get_data(as_text=True)
    assert bad.status_code == 422
    assert "应填写数字" in text or "不能填写文字" in text
    assert "不能为负数" in text
    assert 'value="三次"' in text  # what was typed is kept

    good = post_form(
        client,
        f"/reporting/submissions/{sub_id}/save",
        {"public_l2|warnings": "3", "public_l2|clues": "2", "leader_name": "张院长"},
        token_from=f"/reporting/submissions/{sub_id}",
    )
    assert good.status_code == 302
    page = client.get(f"/reporting/submissions/{sub_id}").get_data(as_text=True)
    assert "台账记录为 1" in page  # 2 entered, the ledger knows 1: a warning, saved anyway
    assert _fire(client, sub_id, "submit").status_code == 302

    client.post("/logout", data={"csrf_token": csrf_token(client, "/reporting/")})
    login(client, "handler")
    queue = client.get("/reporting/review").get_data(as_text=True)
    assert "2026年10月" in queue
    _fire(client, sub_id, "send_back", reason="警示教育次数请附活动记录")

    client.post("/logout", data={"csrf_token": csrf_token(client, "/reporting/review")})
    login(client, "reporter")
    page = client.get(f"/reporting/submissions/{sub_id}").get_data(as_text=True)
    assert "警示教育次数请附活动记录" in page
    steps = page.split('data-testid="submission-steps"')[1].split("</ol>")[0]
    current = 'aria-current="step"><span class="via">退回修改</span><span class="state">已退回'
    assert current in steps
    assert "重新报送" in steps  # the way on, from the lifecycle's declaration
    _fire(client, sub_id, "resubmit")

    client.post("/logout", data={"csrf_token": csrf_token(client, "/reporting/")})
    login(client, "leader")
    _fire(client, sub_id, "accept")
    page = client.get(f"/reporting/submissions/{sub_id}").get_data(as_text=True)
    assert "已接收（锁定）" in page
    steps = page.split('data-testid="submission-steps"')[1].split("</ol>")[0]
    # The 流程 line names the lifecycle's own steps, the way back through 退回修改 included.
    for word in ("草稿", "报送", "已报送", "审核接收", "已接收（锁定）"):
        assert word in steps, word
    assert 'aria-current="step"><span class="via">审核接收' in steps
    compliance = client.get("/reporting/compliance?period=2026-10").get_data(as_text=True)
    assert "查看汇总" in compliance
    rollup = client.get("/reporting/rollup?form=zl3&period=2026-10").get_data(as_text=True)
    assert "清河县人民医院" in rollup

    export = client.get(f"/reporting/submissions/{sub_id}/export.xlsx")
    assert export.status_code == 200
    # 单位_表名_期间.xlsx (RFC 5987), with a plain fallback for old clients (issue 18).
    disposition = export.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="') and "zl" not in disposition
    name = unquote(disposition.split("filename*=UTF-8''")[1])
    assert re.fullmatch(r"清河县人民医院_[^_]+（三）[^_]*_2026年10月(_第\d+版)?\.xlsx", name), name
    book = load_workbook(io.BytesIO(export.data))
    texts = [str(c.value) for row in book.active.iter_rows() for c in row if c.value]
    assert any("统计表（三）" in t for t in texts)
    assert any("填报单位" in t and "清河县人民医院" in t for t in texts)
    assert any("张院长" in t for t in texts)
    rolled = client.get("/reporting/rollup?form=zl3&period=2026-10&format=xlsx")
    sheet = load_workbook(io.BytesIO(rolled.data)).active
    assert any("清河县卫生健康局" in str(c.value) for row in sheet.iter_rows() for c in row)


def test_another_institutions_reporter_gets_404(client, db):
    ob = obligation(db, "C01-D01-H01")
    reporter_of(db, "C01-D01-H02")
    login(client, "rep-c01-d01-h02", "another-password-1")
    assert client.get(f"/reporting/obligations/{ob.id}").status_code == 404
    assert client.get(f"/api/obligations/{ob.id}").status_code == 404
    assert client.get(f"/api/obligations/{ob.id}").get_json()["error"]["code"] == "not_found"


def test_api_lists_saves_with_structured_errors_and_submits(client, db):
    ob = obligation(db, "C01-D01-H01")
    login(client, "reporter")
    listed = client.get("/api/obligations?form=zl3").get_json()["obligations"]
    assert any(o["id"] == ob.id and o["due_on"] == "2026-11-12" for o in listed)
    token = csrf_token(client, "/reporting/")
    headers = {"X-CSRFToken": token}
    created = client.post(f"/api/obligations/{ob.id}/draft", headers=headers)
    assert created.status_code == 201
    sub = created.get_json()
    bad = client.put(
        f"/api/submissions/{sub['id']}",
        json={"values": {"public_l2|kb_cases": -1, "public|warnings": 9}},
        headers=headers,
    )
    assert bad.status_code == 422
    error = bad.get_json()["error"]
    assert error["code"] == "validation_error"
    assert {d["cell"]: d["rule"] for d in error["details"]} == {"public_l2|kb_cases": "negative"}
    assert client.get(f"/api/submissions/{sub['id']}").get_json()["values"] == sub["values"]
    mismatch = client.put(
        f"/api/submissions/{sub['id']}", json={"values": {"public|warnings": 9}}, headers=headers
    )
    assert mismatch.get_json()["error"]["details"][0]["rule"] == "sum_mismatch"
    ok = client.put(
        f"/api/submissions/{sub['id']}",
        json={"values": {"public_l2|warnings": 2, "public_l2|kb_amount": "0.75"}},
        headers=headers,
    )
    assert ok.status_code == 200 and ok.get_json()["values"]["all|kb_amount"] == "0.75"
    submitted = client.post(f"/api/submissions/{sub['id']}/submit", headers=headers)
    assert submitted.get_json()["state"] == "submitted"
    again = client.put(f"/api/submissions/{sub['id']}", json={"values": {}}, headers=headers)
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "invalid_transition"
    assert user(db, "reporter").role == "reporter"


def test_tasks_show_a_pending_deadline_instead_of_a_guessed_date(client, db):
    from datetime import date, datetime

    from reporting.obligations import generate_obligations

    with time_machine.travel(datetime(2026, 12, 20, 10, tzinfo=SH), tick=False):
        generate_obligations(db, date(2026, 12, 20))
        login(client, "reporter")
        page = client.get("/reporting/").get_data(as_text=True)
    assert "待定（2027 年工作日历未确认）" in page
    assert "2027 年的工作日历尚未确认" not in page  # the alert is not a reporter's business
    assert "2027-01-1" not in page  # no guessed date


def test_free_text_report_is_edited_by_sections(client, db):
    from datetime import date

    ob = obligation(db, "C01-D01-H01", form="quarterly_progress", start=date(2026, 7, 1))
    assert ob.due_on is not None and ob.due_on.isoformat() == "2026-10-10"
    login(client, "reporter")
    sub_id = _submission_id(post_form(client, f"/reporting/obligations/{ob.id}", {}))
    path = f"/reporting/submissions/{sub_id}"
    page = client.get(path).get_data(as_text=True)
    assert "本季度工作进展（必填）" in page
    empty = post_form(client, f"{path}/save", {"problems|text": "人手不足"}, token_from=path)
    assert empty.status_code == 422
    text = empty.get_data(as_text=True)
    assert "此部分必须填写" in text and "人手不足" in text
    saved = post_form(
        client, f"{path}/save", {"progress|text": "开展警示教育三次"}, token_from=path
    )
    assert saved.status_code == 302
    assert "开展警示教育三次" in client.get(path).get_data(as_text=True)
