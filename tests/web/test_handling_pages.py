"""The handling journey through the Flask client, the ledger pages and export, the
red-packet register, uploads and the printable card."""

from __future__ import annotations

import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from openpyxl import load_workbook

from cases.ledger_export import LEDGER_COLUMNS
from cases.states import ClueState
from tests.cases.factories import clue_in_state, new_clue
from tests.conftest import csrf_token, login, unit

SH = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def _june():
    with time_machine.travel(datetime(2026, 6, 15, 10, tzinfo=SH), tick=False):
        yield


def post(client, clue, path, data, **kwargs):
    token = csrf_token(client, f"/clues/{clue.id}")
    return client.post(f"/clues/{clue.id}/{path}", data={"csrf_token": token, **data}, **kwargs)


def fire(client, db, clue, trigger, data=None):
    db.refresh(clue)
    response = post(client, clue, f"fire/{trigger}", {"version": clue.version, **(data or {})})
    assert response.status_code == 302, response.get_data(as_text=True)[-800:]
    return response


def record(client, clue, action, data):
    response = post(client, clue, f"records/{action}", data)
    assert response.status_code == 302, action
    return response


def switch(app, username):
    """A fresh browser signed in as ``username``."""
    fresh = app.test_client()
    login(fresh, username)
    return fresh


def page(client, clue):
    return client.get(f"/clues/{clue.id}").get_data(as_text=True)


def test_handling_journey_in_the_browser_with_every_step_in_the_timeline(client, db, app):
    clue = new_clue(db)
    login(client, "clerk")
    fire(client, db, clue, "register")
    client = switch(app, "leader")
    from tests.conftest import user

    fire(client, db, clue, "assign", {"handler_id": user(db, "handler").id})
    client = switch(app, "handler")
    fire(client, db, clue, "propose", {"route": "talk_inquiry", "reason": "先行函询"})
    client = switch(app, "leader")
    fire(client, db, clue, "approve_talk_inquiry")
    client = switch(app, "handler")
    assert "登记函询" in page(client, clue) and "登记处理决定" not in page(client, clue)
    record(client, clue, "inquiry", {"recipient": "张某", "sent_on": "2026-06-15"})
    fire(client, db, clue, "inquiry_to_verify", {"reason": "说明不清"})
    record(client, clue, "plan", {"plan": "调取病历"})
    record(client, clue, "subject", {"kind": "person", "name": "张某", "post": "doctor"})
    record(client, clue, "facts", {"category": "check_08", "amount_involved": "0.5"})
    fire(
        client, db, clue, "record_findings", {"findings": "substantiated", "reason": "查实收受红包"}
    )
    fire(client, db, clue, "refer", {"organ": "清河县公安局", "reason": "涉嫌犯罪"})
    html = page(client, clue)
    assert "登记处理决定" in html and "登记回执" in html
    from cases.outcomes import referrals
    from cases.records import subjects

    (subject,) = subjects(db, clue)
    record(
        client,
        clue,
        "sanction",
        {"subject_id": subject.id, "kind": "license_suspended", "decided_on": "2026-06-15"},
    )
    fire(client, db, clue, "submit_result", {"reason": "已处理"})
    client = switch(app, "leader")
    fire(client, db, clue, "approve_result")
    client = switch(app, "handler")
    html = page(client, clue)
    assert "销号前尚缺" in html and "张某（暂停执业）" in html and "清河县公安局" in html
    db.refresh(clue)
    refused = post(client, clue, "fire/request_write_off", {"version": clue.version})
    assert refused.status_code == 409
    assert "档案不完整" in refused.get_data(as_text=True)

    from cases.outcomes import sanctions

    (sanction,) = sanctions(db, clue)
    record(
        client, clue, "sanction_executed", {"sanction_id": sanction.id, "executed_on": "2026-06-15"}
    )
    (referral,) = referrals(db, clue)
    record(
        client, clue, "referral_receipt", {"referral_id": referral.id, "received_on": "2026-06-15"}
    )
    record(client, clue, "feedback", {"mode": "not_applicable", "na_reason": "匿名且无联系方式"})
    fire(client, db, clue, "request_write_off")
    client = switch(app, "leader")
    fire(client, db, clue, "approve_write_off")
    db.refresh(clue)
    assert clue.state == ClueState.WRITTEN_OFF
    html = page(client, clue)
    for text in (
        "<dt>被函询人</dt><dd>张某</dd>",
        "更新核查方案",
        "登记当事人：张某",
        "查实收受红包",
        "暂停执业已于 2026-06-15 执行",
        "清河县公安局已于 2026-06-15 签收",
        "无需反馈：匿名且无联系方式",
        "批准销号",
    ):
        assert text in html, text
    card = client.get(f"/clues/{clue.id}/card").get_data(as_text=True)
    assert "问题线索处置卡" in card and "暂停执业" in card


def test_inspector_reads_the_handling_sections_without_forms(client, db):
    clue = clue_in_state(db, ClueState.DISPOSING)
    login(client, "inspector")
    html = page(client, clue)
    assert "处理处置" in html and "登记处理决定" not in html
    response = post(
        client, clue, "records/subject", {"kind": "person", "name": "x", "post": "other"}
    )
    assert response.status_code == 403
    assert "只有本线索的承办人" in response.get_data(as_text=True)


def test_a_refused_record_keeps_what_was_typed_with_its_form_open(client, db):
    clue = clue_in_state(db, ClueState.DISPOSING)
    login(client, "handler")
    response = post(
        client,
        clue,
        "records/referral",
        {"target": "judicial", "organ": "清河县公安局经侦大队", "sent_on": "不是日期"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'value="清河县公安局经侦大队"' in html
    assert '<option value="judicial" selected>' in html
    assert '<details class="action" open><summary class="button">登记移送</summary>' in html


def test_ledger_page_filters_pages_and_exports_within_jurisdiction(client, db, app):
    for i in range(3):
        new_clue(db, summary=f"台账测试{i}")
    new_clue(db, unit_code="C01-D02", actor=None, summary="台账测试外县")
    login(client, "handler")
    html = client.get("/ledger?q=台账测试").get_data(as_text=True)
    assert "台账测试0" in html and "台账测试外县" not in html
    first = client.get("/ledger?q=台账测试&_=1").get_data(as_text=True)
    assert "下一页" not in first
    export = client.get("/ledger/export.xlsx?q=台账测试")
    assert export.status_code == 200 and export.is_streamed
    sheet = load_workbook(io.BytesIO(export.get_data())).active
    assert tuple(c.value for c in sheet[2]) == LEDGER_COLUMNS
    assert sheet.max_row == 5  # title, header, three clues
    client = switch(app, "reporter")
    assert client.get("/ledger").status_code == 403


def test_red_packet_register_pages(client, db, app):
    login(client, "reporter")
    token = csrf_token(client, "/redpackets")
    response = client.post(
        "/redpackets",
        data={
            "csrf_token": token,
            "staff_name": "王医生",
            "department": "外科",
            "amount_yuan": "800",
            "received_on": "2026-06-01",
            "surrendered_on": "2026-06-02",
            "receipt_no": "HB-9",
        },
    )
    assert response.status_code == 302
    assert "王医生" in client.get("/redpackets").get_data(as_text=True)
    client = switch(app, "handler")
    assert "HB-9" in client.get("/redpackets?from=2026-06-01").get_data(as_text=True)
    export = client.get("/redpackets/export.xlsx")
    assert load_workbook(io.BytesIO(export.get_data())).active.cell(2, 3).value == "王医生"


def test_upload_messages_name_refused_files_and_keep_the_rest(client, db, app):
    clue = clue_in_state(db, ClueState.VERIFYING)
    login(client, "handler")
    response = post(
        client,
        clue,
        "attachments",
        {
            "files": [
                (io.BytesIO(b"%PDF-1.4 x"), "证据.pdf"),
                (io.BytesIO(b"MZ"), "病毒.exe"),
            ]
        },
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    html = response.get_data(as_text=True)
    assert "“病毒.exe”的文件类型不允许上传" in html and "已上传 1 个附件" in html
    assert "证据.pdf" in html


def test_the_card_names_the_institution_before_any_subject_is_recorded(client, db):
    hospital = unit(db, "C01-D01-H01")
    clue = clue_in_state(db, ClueState.VERIFYING, accused_unit_id=hospital.id)
    db.commit()
    login(client, "leader")
    card = client.get(f"/clues/{clue.id}/card").get_data(as_text=True)
    row = card.split("反映对象", 1)[1].split("</tr>", 1)[0]
    assert hospital.name in row
