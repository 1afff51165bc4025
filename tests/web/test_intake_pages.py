"""The intake desk, the decision page, the tip page and its logged reveal, and the JSON API."""

from __future__ import annotations

import io
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlalchemy import select

from cases.models import Clue
from cases.states import ClueState
from tests.conftest import csrf_token, login, post_form, user
from tests.tips.helpers import PDF, plaintext_hits
from tips.models import RevealLog, Tip, TipStatus


@pytest.fixture(autouse=True)
def _midyear():
    with time_machine.travel(
        datetime(2026, 6, 15, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False
    ):
        yield


HOTLINE = {
    "reporter_phone": "13800001111",
    "meta_call_time": "2026-06-15T09:40",
    "meta_duration_seconds": "180",
    "meta_callback_wanted": "y",
    "meta_clerk": "李登记",
    "content": "清河县人民医院外科张建国医生收受患者家属红包两千元",
    "accused_unit_name": "清河县人民医院",
    "accused_name": "张建国",
    "accused_post": "doctor",
    "named": "y",
    "reporter_name": "刘桂芳",
}


def submit_hotline(client, **changes):
    return post_form(client, "/intake/?channel=hotline", {**HOTLINE, **changes})


def latest_tip(db) -> Tip:
    db.expire_all()  # the app wrote through its own session
    tip = db.scalar(select(Tip).order_by(Tip.id.desc()).limit(1))
    assert tip is not None
    return tip


def test_hotline_tip_is_registered_and_shows_its_source(client, db):
    login(client, "clerk")
    desk = client.get("/intake/").get_data(as_text=True)
    assert 'id="reporter_phone" name="reporter_phone" inputmode="tel" autofocus' in desk
    assert "intake.js" in desk and "<script>" not in desk
    response = submit_hotline(client)
    assert response.status_code == 302 and "/decision" in response.location
    tip = latest_tip(db)
    assert tip.channel == "hotline" and tip.meta["callback_wanted"] is True
    page = client.get(response.location).get_data(as_text=True)
    assert "来电" in page and "未发现可能的重复件" in page
    done = post_form(client, response.location, {"decision": "register"})
    assert done.status_code == 302
    db.expire_all()
    clue = db.get(Clue, tip.clue_id)
    assert clue.state == ClueState.REGISTERED and tip.status == TipStatus.REGISTERED
    clue_page = client.get(f"/clues/{clue.id}").get_data(as_text=True)
    assert re.search(r'data-testid="clue-channel">来电', clue_page)
    assert f"原始举报 #{tip.id}" in clue_page
    assert plaintext_hits(db, "刘桂芳", "13800001111") == []


def test_duplicate_is_proposed_and_merged_on_the_decision_page(client, db):
    login(client, "clerk")
    submit_hotline(client)
    first = latest_tip(db)
    post_form(client, f"/intake/tips/{first.id}/decision", {"decision": "register"})
    response = submit_hotline(
        client,
        content="反映人民医院外科张建国收红包2000元",
        reporter_phone="13900002222",
        reporter_name="另一位",
    )
    page = client.get(response.location).get_data(as_text=True)
    assert 'data-testid="duplicates"' in page and "同一被反映人：张建国" in page
    second = latest_tip(db)
    merged = post_form(
        client,
        response.location,
        {"decision": "merge", "target_clue_id": str(first.clue_id)},
    )
    assert merged.status_code == 302
    db.expire_all()
    assert db.get(Clue, second.clue_id).state == ClueState.MERGED
    assert db.get(Clue, first.clue_id).repeat_count == 1
    assert "重复举报" in client.get(f"/clues/{first.clue_id}").get_data(as_text=True)


def test_not_accept_needs_a_reason_and_says_so(client, db):
    login(client, "clerk")
    response = submit_hotline(client)
    refused = post_form(client, response.location, {"decision": "not_accept", "reason": ""})
    assert refused.status_code == 422 and "不予受理理由" in refused.get_data(as_text=True)
    db.expire_all()
    assert db.get(Clue, latest_tip(db).clue_id).state == ClueState.RECEIVED


def test_superior_referral_records_its_metadata(client, db):
    login(client, "clerk")
    response = post_form(
        client,
        "/intake/?channel=superior",
        {
            "meta_reference": "东纪转〔2026〕7号",
            "meta_deadline": "2026-07-31",
            "meta_reply_requested": "y",
            "content": "上级交办：反映博爱医院过度检查",
        },
    )
    assert response.status_code == 302
    tip = latest_tip(db)
    clue = db.get(Clue, tip.clue_id)
    assert clue.handed_down and clue.superior_ref == "东纪转〔2026〕7号"
    post_form(client, response.location, {"decision": "register"})
    db.expire_all()
    assert clue.state == ClueState.REGISTERED
    assert "上级交办" in client.get(f"/tips/{tip.id}").get_data(as_text=True)


def test_bad_attachments_are_refused_with_a_message_and_the_tip_kept(client, app, db):
    app.config["QINGFENG"] = app.config["QINGFENG"].with_overrides(max_upload_bytes=200)
    login(client, "clerk")
    data = {
        **HOTLINE,
        "csrf_token": csrf_token(client, "/intake/"),
        "attachments": [
            (io.BytesIO(PDF), "录音记录.pdf"),
            (io.BytesIO(b"#!/bin/sh\nrm -rf /"), "照片.jpg"),
            (io.BytesIO(PDF + b"0" * 500), "大.pdf"),
        ],
    }
    response = client.post(
        "/intake/?channel=hotline",
        data=data,
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert "“照片.jpg”的文件类型不被接受" in page and "“大.pdf”超过大小上限" in page
    tip = latest_tip(db)
    assert [a.filename for a in tip.attachments] == ["录音记录.pdf"]
    download = client.get(f"/tips/{tip.id}/attachments/{tip.attachments[0].id}")
    assert download.data == PDF
    download.close()


def test_empty_content_is_refused_and_nothing_written(client, db):
    login(client, "clerk")
    before = db.scalar(select(Tip.id).order_by(Tip.id.desc()).limit(1))
    response = submit_hotline(client, content="  ")
    assert response.status_code == 422 and "内容不能为空" in response.get_data(as_text=True)
    assert db.scalar(select(Tip.id).order_by(Tip.id.desc()).limit(1)) == before


def test_reveal_is_logged_and_refused_to_inspectors(client, db):
    login(client, "clerk")
    submit_hotline(client)
    tip = latest_tip(db)
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    login(client, "inspector")
    page = client.get(f"/tips/{tip.id}").get_data(as_text=True)
    assert "无权查看" in page and "刘桂芳" not in page
    token = csrf_token(client, f"/tips/{tip.id}")
    assert client.post(f"/tips/{tip.id}/reveal", data={"csrf_token": token}).status_code == 403
    client.post("/logout", data={"csrf_token": token})
    login(client, "leader")
    shown = post_form(
        client, f"/tips/{tip.id}/reveal", {"purpose": "核实"}, token_from=f"/tips/{tip.id}"
    )
    assert "刘桂芳" in shown.get_data(as_text=True) and "13800001111" in shown.get_data(
        as_text=True
    )
    assert shown.headers["Cache-Control"] == "no-store"
    logs = db.scalars(select(RevealLog).where(RevealLog.tip_id == tip.id)).all()
    assert [(log.user_id, log.purpose) for log in logs] == [(user(db, "leader").id, "核实")]


def test_tip_list_filters_by_channel_and_registration(client, db):
    login(client, "clerk")
    submit_hotline(client)
    post_form(client, "/intake/?channel=letter", {"content": "来信反映卫生院乱收费"})
    letters = client.get("/tips/?channel=letter").get_data(as_text=True)
    assert "来信反映卫生院乱收费" in letters and "张建国医生" not in letters
    waiting = client.get("/tips/?registered=no").get_data(as_text=True)
    assert "来信反映卫生院乱收费" in waiting
    assert "来信反映卫生院乱收费" not in client.get("/tips/?registered=yes").get_data(as_text=True)


def test_json_api_creates_reads_and_lists(client, db):
    login(client, "clerk")
    token = csrf_token(client, "/intake/")
    headers = {"X-CSRFToken": token}
    created = client.post(
        "/api/tips",
        json={"channel": "letter", "content": "来信反映药剂科收回扣", "named": False},
        headers=headers,
    )
    assert created.status_code == 201
    db.expire_all()
    tip_id = created.json["tip"]["id"]
    assert created.json["clue_id"] == db.get(Tip, tip_id).clue_id
    assert client.get(f"/api/tips/{tip_id}").json["tip"]["channel"] == "letter"
    listed = client.get("/api/tips?channel=letter&registered=false").json
    assert tip_id in [t["id"] for t in listed["tips"]]
    bad = client.post("/api/tips", json={"channel": "letter", "content": ""}, headers=headers)
    assert bad.status_code == 422 and "内容不能为空" in bad.json["error"]["message"]
    assert client.get("/api/tips/999999").json["error"]["code"] == "not_found"


def _negative(db, unit_code: str, supplier: str) -> None:
    from datetime import date

    from cases.handling_models import NegativeListEntry
    from tests.conftest import unit

    db.add(
        NegativeListEntry(
            unit_id=unit(db, unit_code).id,
            supplier=supplier,
            reason="回扣案查实",
            listed_on=date(2026, 3, 2),
        )
    )
    db.commit()


def test_decision_page_flags_suppliers_on_the_negative_lists_that_bind_the_clerk(client, db):
    _negative(db, "C01-D01", "瑞康医药有限公司")  # the clerk's own county bureau
    _negative(db, "P", "华通器械公司")  # the province above it: binds the county too
    _negative(db, "C02-D03", "远方耗材公司")  # another city's county: not the clerk's to see
    login(client, "clerk")
    text = "瑞康 医药有限公司的业务员给心内科医生回扣；华通器械公司也有；远方耗材公司也有"
    response = submit_hotline(client, content=text, named="", reporter_name="")
    page = client.get(response.location).get_data(as_text=True)
    flagged = page[page.index('data-testid="negative-list-hits"') :]
    flagged = flagged[: flagged.index("</section>")]
    assert "瑞康医药有限公司" in flagged and "华通器械公司" in flagged
    assert "远方耗材公司" not in flagged  # listed outside the clerk's jurisdiction
    assert "回扣案查实" in flagged


def test_decision_page_shows_no_flag_when_no_listed_supplier_is_named(client, db):
    _negative(db, "C01-D01", "瑞康医药有限公司")
    login(client, "clerk")
    response = submit_hotline(client)
    page = client.get(response.location).get_data(as_text=True)
    assert 'data-testid="negative-list-hits"' not in page
