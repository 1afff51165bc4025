"""The public portal: no sign-in, CSRF, a receipt code stored only as a hash, public status,
messages with the office, the same answer for any invalid code, and throttling."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlalchemy import select

from cases.models import Clue
from cases.states import ClueState
from tests.conftest import csrf_token, login, post_form
from tests.tips.helpers import plaintext_hits
from tips.models import Tip
from tips.portal import LOOKUP_LIMIT, SUBMIT_LIMIT

START = datetime(2026, 6, 15, 10, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def _county_intake(app):
    # Portal tips go to the configured body (QINGFENG_INTAKE_UNIT); the demo clerk's county.
    app.config["QINGFENG"] = app.config["QINGFENG"].with_overrides(intake_unit="C01-D01")


def report(client, **fields):
    data = {"content": "清河县中医医院药剂科人员收取药品回扣", "named": "n", **fields}
    return post_form(client, "/portal/report", data, token_from="/portal/")


def code_of(response) -> str:
    match = re.search(r'data-testid="receipt-code">([\d ]+)<', response.get_data(as_text=True))
    assert match, response.get_data(as_text=True)
    return match.group(1).replace(" ", "")


def lookup(client, code, **extra):
    return post_form(client, "/portal/status", {"code": code, **extra}, token_from="/portal/status")


def test_portal_is_open_and_shows_the_public_notice(client):
    page = client.get("/portal/")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and 'data-testid="public-notice"' in text
    assert "<script" not in text.split("</main>")[0]


def test_portal_needs_csrf(client):
    assert client.post("/portal/report", data={"content": "x"}).status_code == 400


def test_portal_tip_is_registered_and_reporter_follows_it(client, db):
    response = report(client, named="y", reporter_name="陈晓梅", reporter_phone="13712345678")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    code = code_of(response)
    assert len(code) == 16
    db.expire_all()
    tip = db.scalar(select(Tip).order_by(Tip.id.desc()).limit(1))
    assert tip.channel == "portal" and tip.named and tip.receipt_hash != code
    assert plaintext_hits(db, code, "陈晓梅", "13712345678") == []
    assert "已收到，正在审核" in lookup(client, code).get_data(as_text=True)

    login(client, "clerk")
    post_form(client, f"/intake/tips/{tip.id}/decision", {"decision": "register"})
    db.expire_all()
    clue = db.get(Clue, tip.clue_id)
    assert clue.state == ClueState.REGISTERED and clue.channel == "portal"
    assert "网络举报" in client.get(f"/clues/{clue.id}").get_data(as_text=True)
    post_form(
        client,
        f"/tips/{tip.id}/reply",
        {"body": "已受理，请保持电话畅通。"},
        token_from=f"/tips/{tip.id}",
    )
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})

    status = lookup(client, code).get_data(as_text=True)
    assert "已受理，正在办理" in status and "请保持电话畅通" in status
    assert "受理意见" not in status  # no internal notes
    sent = lookup(client, code, body="补充：还有一位同事知情。").get_data(as_text=True)
    assert "留言已发送" in sent and "还有一位同事知情" in sent


def test_invalid_codes_get_the_same_answer_and_are_throttled(client, db, clock):
    report(client)
    answers = {
        lookup(client, c).get_data(as_text=True) for c in ("1234", "0000000000000000", "abc")
    }
    assert len(answers) == 1 and "查询码无效" in answers.pop()
    limit = LOOKUP_LIMIT[0]
    for _ in range(limit - 3):
        assert lookup(client, "0000000000000001").status_code == 200
    throttled = lookup(client, "0000000000000002")
    assert throttled.status_code == 429 and "过于频繁" in throttled.get_data(as_text=True)
    clock.shift(LOOKUP_LIMIT[1] + timedelta(seconds=1))
    assert lookup(client, "0000000000000003").status_code == 200


def test_empty_portal_tip_is_refused_and_the_form_kept(client, db):
    db.expire_all()
    before = db.scalar(select(Tip.id).order_by(Tip.id.desc()).limit(1))
    response = report(client, content=" ", accused_unit_name="博爱医院")
    text = response.get_data(as_text=True)
    assert response.status_code == 422 and "内容不能为空" in text and "博爱医院" in text
    db.expire_all()
    assert db.scalar(select(Tip.id).order_by(Tip.id.desc()).limit(1)) == before


def test_submissions_are_throttled_per_client_and_nothing_is_lost(client, db, clock):
    """Past the hourly quota a client is told to wait; every tip it was thanked for exists."""
    limit, window = SUBMIT_LIMIT
    marks = [f"限流测试举报{i}：某医院医生收受红包" for i in range(limit + 1)]
    answers = [report(client, content=m) for m in marks]
    assert [a.status_code for a in answers[:limit]] == [200] * limit
    assert answers[limit].status_code == 429
    assert "过于频繁" in answers[limit].get_data(as_text=True)
    db.expire_all()
    stored = set(db.scalars(select(Tip.content).where(Tip.content.like("限流测试举报%"))))
    assert stored == set(marks[:limit])  # the refused one was not half-stored either
    clock.shift(window + timedelta(seconds=1))
    assert report(client, content="限流过后再次举报").status_code == 200


def test_anonymous_tip_keeps_no_name_or_phone_typed_before_switching(client, db):
    response = report(client, named="n", reporter_name="陈晓梅", reporter_phone="13712345678")
    assert response.status_code == 200
    db.expire_all()
    tip = db.scalar(select(Tip).order_by(Tip.id.desc()).limit(1))
    assert not tip.named and tip.identity_token is None


def test_public_notice_carries_no_seed_hotlines(client):
    page = client.get("/portal/").get_data(as_text=True)
    for copied in ("0772", "鹿寨", "lzwsjyzk", "chubb@126.com"):
        assert copied not in page
