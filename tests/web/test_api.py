from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from directory.tokens import create_token, revoke_token
from tests.cases.factories import new_clue
from tests.conftest import csrf_token, login, user


@pytest.fixture(autouse=True)
def _midyear():
    with time_machine.travel(
        datetime(2026, 6, 15, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False
    ):
        yield


@pytest.fixture
def token(db):
    clerk = user(db, "clerk")
    _, secret = create_token(db, clerk, clerk, "测试集成")
    db.flush()
    return secret


def auth(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def test_token_reads_clues_in_jurisdiction_with_keyset_pages(client, db, token):
    ids = [new_clue(db, summary=f"线索{i}").id for i in range(5)]
    new_clue(db, unit_code="C02-D03", actor=None, summary="外地线索")
    first = client.get("/api/clues?limit=3", headers=auth(token)).get_json()
    second = client.get(
        f"/api/clues?limit=3&cursor={first['next_cursor']}", headers=auth(token)
    ).get_json()
    seen = [c["id"] for c in first["items"] + second["items"]]
    assert seen[:5] == sorted(ids, reverse=True)
    assert len(seen) == len(set(seen))
    assert "外地线索" not in {c["summary"] for c in first["items"] + second["items"]}


def test_token_fires_a_transition_and_stale_versions_conflict(client, db, token):
    clue = new_clue(db)
    detail = client.get(f"/api/clues/{clue.id}", headers=auth(token)).get_json()
    assert "register" in {a["trigger"] for a in detail["actions"]}
    ok = client.post(
        f"/api/clues/{clue.id}/transitions",
        headers=auth(token),
        json={"trigger": "register", "version": 1},
    )
    assert ok.status_code == 200 and ok.get_json()["state"] == "registered"
    stale = client.post(
        f"/api/clues/{clue.id}/transitions",
        headers=auth(token),
        json={"trigger": "not_accept", "version": 1, "data": {"reason": "x"}},
    )
    assert stale.status_code == 409
    assert stale.get_json()["error"]["code"] == "conflict"


def test_structured_errors(client, db, token):
    clue = new_clue(db)
    missing = client.post(
        f"/api/clues/{clue.id}/transitions", headers=auth(token), json={"trigger": "not_accept"}
    )
    assert missing.status_code == 422
    assert missing.get_json()["error"]["details"] == {"reason": "请填写“不予受理理由”。"}
    assert client.get("/api/clues/999999", headers=auth(token)).status_code == 404
    assert client.get("/api/clues?limit=abc", headers=auth(token)).status_code == 422
    bad = client.post(f"/api/clues/{clue.id}/transitions", headers=auth(token), data="nope")
    assert bad.status_code == 422


def test_bad_or_revoked_token_is_401(client, db, token):
    assert client.get("/api/clues", headers=auth("qf_wrong")).status_code == 401
    clerk = user(db, "clerk")
    from directory.tokens import ApiToken

    row = db.query(ApiToken).filter_by(user_id=clerk.id).one()
    revoke_token(db, clerk, row.id)
    assert client.get("/api/clues", headers=auth(token)).status_code == 401


def test_cookie_session_writes_need_the_csrf_header(client, db):
    clue = new_clue(db)
    login(client, "clerk")
    assert client.get("/api/clues").status_code == 200
    refused = client.post(f"/api/clues/{clue.id}/transitions", json={"trigger": "register"})
    assert refused.status_code == 400
    token = csrf_token(client, "/")
    ok = client.post(
        f"/api/clues/{clue.id}/transitions",
        json={"trigger": "register"},
        headers={"X-CSRFToken": token},
    )
    assert ok.status_code == 200


def test_openapi_description_is_served_and_lists_every_trigger(client):
    from cases.lifecycle import CLUE_LIFECYCLE

    spec = client.get("/api/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    body = spec["paths"]["/api/clues/{clue_id}/transitions"]["post"]["requestBody"]
    triggers = body["content"]["application/json"]["schema"]["properties"]["trigger"]["enum"]
    assert set(triggers) == set(CLUE_LIFECYCLE.by_trigger)


def test_ids_beyond_the_integer_columns_are_refused_not_a_server_error(client, db, token):
    huge = 2**70
    response = client.post(
        "/api/tips",
        headers=auth(token),
        json={"channel": "hotline", "content": "内容", "unit_id": huge},
    )
    assert response.status_code == 404
    clue = new_clue(db)
    response = client.post(
        f"/api/clues/{clue.id}/transitions",
        headers=auth(token),
        json={"trigger": "merge", "data": {"target_clue_id": huge}},
    )
    assert response.status_code == 422
    assert client.get(f"/api/clues/{huge}", headers=auth(token)).status_code == 404


def test_nul_characters_are_refused_everywhere(client, db, token):
    response = client.get("/api/clues?state=a%00b", headers=auth(token))
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "bad_input"
    response = client.post(
        "/api/tips", headers=auth(token), json={"channel": "hotline", "content": "含\u0000空字符"}
    )
    assert response.status_code == 400


def submitted_form(db, unit_code: str = "C01-D01-H01"):
    """May's 统计表（三） of a hospital, submitted by its reporter and waiting for review."""
    from datetime import date

    from reporting.submissions import fire, save_draft, start_draft
    from tests.reporting.journey import obligation, reporter_of

    reporter = reporter_of(db, unit_code)
    sub = start_draft(db, reporter, obligation(db, unit_code, start=date(2026, 5, 1)))
    save_draft(db, reporter, sub, {"public_l2|warnings": "1"})
    fire(db, reporter, sub, "submit")
    db.flush()
    return sub


def review(client, headers, sub, step, body=None):
    return client.post(f"/api/submissions/{sub.id}/{step}", headers=headers, json=body)


def test_the_county_returns_a_form_with_a_reason_and_accepts_the_resubmitted_one(client, db):
    from reporting.submissions import history

    sub = submitted_form(db)
    county, reporter = auth_for(db, "handler"), auth_for(db, "reporter")
    no_reason = review(client, county, sub, "return", {"version": sub.version})
    assert no_reason.status_code == 422 and "reason" in no_reason.get_json()["error"]["details"]
    stale = review(client, county, sub, "return", {"reason": "请核对", "version": sub.version - 1})
    assert stale.status_code == 409 and stale.get_json()["error"]["code"] == "conflict"
    db.refresh(sub)
    assert sub.state == "submitted"

    returned = review(
        client, county, sub, "return", {"reason": "红包金额请与台账核对", "version": sub.version}
    )
    assert returned.status_code == 200, returned.get_json()
    assert returned.get_json()["state"] == "returned"
    assert returned.get_json()["return_reason"] == "红包金额请与台账核对"
    db.refresh(sub)
    assert sub.return_reason == "红包金额请与台账核对" and sub.obligation.state == "returned"

    assert client.post(f"/api/submissions/{sub.id}/resubmit", headers=reporter).status_code == 200
    refused = review(client, reporter, sub, "accept")
    assert refused.status_code == 403  # the filler does not review their own form
    accepted = review(client, auth_for(db, "leader"), sub, "accept", {"reason": "数据无误"})
    assert accepted.status_code == 200, accepted.get_json()
    body = accepted.get_json()
    assert body["state"] == "accepted" and body["accepted_at"] is not None
    db.refresh(sub)
    logged = {log.trigger: log.reason for log in history(db, user(db, "leader"), sub)}
    assert logged["send_back"] == "红包金额请与台账核对" and logged["accept"] == "数据无误"
    # Accepted is locked: neither review step applies any more.
    assert review(client, county, sub, "return", {"reason": "再改"}).status_code == 409
    assert review(client, county, sub, "accept").status_code == 409


def test_review_outside_the_jurisdiction_is_404_and_bad_bodies_are_422(client, db):
    sub = submitted_form(db, "C02-D03-H01")  # another city's hospital
    leader = auth_for(db, "leader")
    assert review(client, leader, sub, "accept").status_code == 404
    assert review(client, leader, sub, "return", {"reason": "x"}).status_code == 404
    own = submitted_form(db)
    for body in ({"reason": 5}, {"version": "2"}, {"note": "x"}, ["reason"]):
        response = review(client, leader, own, "accept", body)
        assert response.status_code == 422, body
        assert response.get_json()["error"]["code"] == "validation_error"
    db.refresh(own)
    assert own.state == "submitted"


def auth_for(db, username: str) -> dict[str, str]:
    person = user(db, username)
    _, secret = create_token(db, person, person, "审核接口测试")
    db.flush()
    return auth(secret)
