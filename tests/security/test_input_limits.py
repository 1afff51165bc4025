"""Bad input never loses a tip or answers 500, on SQLite and on PostgreSQL alike: every
text has a limit read from its column, refused with a message that names the field (a
page message on forms, a structured error in the API); derived columns are cut to their
width; imports name the row and field and keep nothing."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlalchemy import func, select

from cases.legacy import import_ledger
from cases.models import Clue
from config.errors import ValidationError
from directory.importer import import_directory
from tests.cases.test_legacy_ledger import GOOD, xlsx
from tests.conftest import csrf_token, login, post_form, unit, user
from tests.tips.helpers import make_vault
from tips.mailbox import IngestReport, ingest
from tips.models import MailQuarantine, Tip, TipAccused

# The input found by the outside test: 30 names in the 被反映人 field, 179 characters.
THIRTY_NAMES = "、".join(f"张{i:02d}某某" for i in range(30))
TOO_LONG = "被反映人不能超过 100 个字（现为 179 个字）"


@pytest.fixture(autouse=True)
def clock():
    at = datetime(2026, 6, 15, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
    with time_machine.travel(at, tick=False):
        yield


@pytest.fixture
def portal(app):
    app.config["QINGFENG"] = app.config["QINGFENG"].with_overrides(intake_unit="C01-D01")
    return app


def tips(db) -> int:
    return db.scalar(select(func.count()).select_from(Tip))


def test_portal_refuses_an_over_long_field_by_name_and_keeps_what_was_typed(portal, client, db):
    assert len(THIRTY_NAMES) == 179
    before = tips(db)
    content = "清河县中医医院药剂科多人收取药品回扣"
    sent = post_form(
        client,
        "/portal/report",
        {"content": content, "accused_name": THIRTY_NAMES, "named": "n"},
        token_from="/portal/",
    )
    page = sent.get_data(as_text=True)
    assert sent.status_code == 422, page
    assert TOO_LONG in page
    assert content in page and THIRTY_NAMES in page  # the form comes back filled in
    assert tips(db) == before
    names = "张某某、李某某"
    sent = post_form(
        client,
        "/portal/report",
        {"content": content, "accused_name": names, "named": "n"},
        token_from="/portal/",
    )
    assert sent.status_code == 200 and 'data-testid="receipt-code"' in sent.get_data(as_text=True)
    assert tips(db) == before + 1
    assert db.scalar(select(TipAccused.name).order_by(TipAccused.id.desc())) == names


def test_the_api_gives_the_same_answer_with_the_field_named(client, db):
    login(client, "clerk")
    headers = {"X-CSRFToken": csrf_token(client, "/intake/")}
    body = {
        "channel": "letter",
        "content": "清河县中医医院药剂科多人收取药品回扣",
        "accused": [{"name": "王某"}, {"name": THIRTY_NAMES}],
    }
    sent = client.post("/api/tips", json=body, headers=headers)
    assert sent.status_code == 422, sent.get_json()
    error = sent.get_json()["error"]
    assert error["code"] == "validation_error" and TOO_LONG in error["message"]
    assert list(error["details"]) == ["accused.1.name"]
    sent = client.post("/api/tips", json=body | {"summary": "摘" * 201}, headers=headers)
    assert list(sent.get_json()["error"]["details"]) in (["accused.1.name"], ["summary"])
    body["accused"] = [{"name": "王某"}]
    sent = client.post("/api/tips", json=body | {"summary": "摘" * 201}, headers=headers)
    assert sent.status_code == 422
    assert "摘要不能超过 200 个字" in sent.get_json()["error"]["message"]
    sent = client.post("/api/tips", json=body, headers=headers)
    assert sent.status_code == 201
    assert db.get(Tip, sent.get_json()["tip"]["id"]) is not None


def test_the_desk_form_names_the_field(client, db):
    login(client, "clerk")
    sent = post_form(
        client,
        "/intake/?channel=letter",
        {"content": "某医院医生收红包", "accused_unit_name": "院" * 201, "unit_id": ""},
        token_from="/intake/?channel=letter",
    )
    assert sent.status_code == 422
    assert "被反映机构不能超过 200 个字（现为 201 个字）" in sent.get_data(as_text=True)


def test_a_derived_key_is_cut_to_its_width(portal, client, db):
    # "İ".lower() is two characters: the key of a 100-character name would be 200 long.
    name = "İ" * 100
    sent = post_form(
        client,
        "/portal/report",
        {"content": "某医院医生收红包", "accused_name": name, "named": "n"},
        token_from="/portal/",
    )
    assert sent.status_code == 200
    accused = db.scalar(select(TipAccused).where(TipAccused.name == name))
    assert accused is not None and len(accused.name_key) == 100


def test_the_flush_guard_refuses_alike_on_both_databases_and_keeps_the_session_usable(db):
    tip = Tip(unit=unit(db, "C01-D01"), channel="letter", summary="摘要", content="内容")
    db.add(tip)
    db.flush()
    db.add(TipAccused(tip_id=tip.id, name="名" * 101, name_key="k", post="other"))
    with pytest.raises(ValidationError) as err:
        db.flush()
    assert "不能超过 100 个字（现为 101 个字）" in err.value.message
    assert set(err.value.details) == {"name"}
    db.rollback()
    tip = Tip(unit=unit(db, "C01-D01"), channel="letter", summary="摘要", content="内容")
    db.add(tip)
    db.flush()
    tip.content = "含有\x00空字符"
    with pytest.raises(ValidationError, match="无法保存的字符"):
        db.flush()
    tip.content = "改正后的内容"
    db.flush()  # the refused flush sent nothing; the session goes on


def test_nul_in_a_repeated_field_and_lone_surrogates_in_json_are_refused(portal, client):
    token = csrf_token(client, "/portal/")
    sent = client.post(
        "/portal/report",
        data={
            "csrf_token": token,
            "content": "某医院医生收红包",
            "accused_name": ["张某", "李\x00某"],
        },
    )
    assert sent.status_code == 400 and "无法保存的字符" in sent.get_data(as_text=True)
    login(client, "clerk")
    headers = {"X-CSRFToken": csrf_token(client, "/intake/"), "Content-Type": "application/json"}
    raw = '{"channel": "letter", "content": "\\ud800 某医院"}'
    sent = client.post("/api/tips", data=raw, headers=headers)
    assert sent.status_code == 400 and sent.get_json()["error"]["code"] == "bad_input"


def test_ledger_import_names_the_row_and_column_and_imports_nothing(db, tmp_path):
    before = db.scalar(select(func.count()).select_from(Clue))
    rows = [*GOOD, [4, "2023-06-01", "来电", THIRTY_NAMES, "多人收回扣", "办理中", "", ""]]
    rows.append([5, "2023-06-02", "来电", "某医院", "收回扣", "已受理", "", ""])
    with pytest.raises(ValidationError) as err:
        import_ledger(db, unit(db, "C01-D01"), "台账.xlsx", xlsx(rows), make_vault(tmp_path))
    assert len(err.value.details) == 1
    assert err.value.details[0].startswith(f"第 5 行「反映对象」：{TOO_LONG}，多人可填写")
    assert db.scalar(select(func.count()).select_from(Clue)) == before


def test_directory_import_names_the_row_and_column(db):
    admin = user(db, "admin")
    csv_text = "编码,名称,类型,上级编码\nX-1,某卫生院,内设科室,C01-D01\nX-2," + "名" * 201
    csv_text += ",内设科室,C01-D01\n"
    with pytest.raises(ValidationError) as err:
        import_directory(db, admin, "名册.csv", csv_text.encode())
    assert any(re.match(r"第 3 行「名称」：名称不能超过 200 个字", d) for d in err.value.details)


def test_a_mail_that_does_not_fit_is_quarantined_with_the_reason_not_lost(db, tmp_path):
    sender = "名" * 120
    raw = (
        f"From: {sender} <a@example.com>\r\nTo: jubao@example.com\r\n"
        "Subject: =?utf-8?b?5Li+5oql?=\r\nMessage-ID: <long-name@example.com>\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\n某医院医生收红包\r\n"
    ).encode()
    report = IngestReport()
    ingest(db, unit(db, "C01-D01"), raw, make_vault(tmp_path), report, source="test")
    assert report.tips == [] and len(report.quarantined) == 1
    kept = db.get(MailQuarantine, report.quarantined[0])
    assert "举报人姓名不能超过 100 个字" in kept.reason
