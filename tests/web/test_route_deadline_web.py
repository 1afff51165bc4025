"""The route's deadline on the approval form (page and JSON API): default offered, a chosen
date kept, a past or malformed one refused by name with what was typed kept."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from cases.states import ClueState
from cases.timelimits import apply_overrides
from directory.tokens import create_token
from tests.cases.factories import clue_in_state
from tests.conftest import csrf_token, login, user


@pytest.fixture(autouse=True)
def _midyear():
    with time_machine.travel(
        datetime(2026, 6, 15, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False
    ):
        yield


def pending(db, route="verifying"):
    clue = clue_in_state(db, ClueState.PENDING_APPROVAL)
    clue.proposed_route = route
    db.flush()
    return clue


def approve_form(client, clue, data):
    token = csrf_token(client, f"/clues/{clue.id}")
    return client.post(
        f"/clues/{clue.id}/fire/approve_verifying",
        data={"csrf_token": token, "version": clue.version, **data},
    )


def test_the_form_offers_the_default_date_and_names_its_source(client, db):
    clue = pending(db)
    login(client, "leader")
    page = client.get(f"/clues/{clue.id}").get_data(as_text=True)
    # 30 days after Mon 15 June 2026: Wed 15 July.
    assert 'name="route_due" value="2026-07-15" min="2026-06-15"' in page
    assert "默认自批准之日起30日（本办规定）" in page


def test_the_leaders_date_shows_under_the_deadlines(client, db):
    clue = pending(db)
    login(client, "leader")
    response = approve_form(client, clue, {"route_due": "2026-07-31", "reason": "30日内完成"})
    assert response.status_code == 302
    db.expire_all()
    page = client.get(f"/clues/{clue.id}").get_data(as_text=True)
    table = page[page.index("办理期限") :]
    assert "初步核实办理期限" in table and "2026年7月31日" in table
    assert "本办规定：初步核实" in table  # the source, on the label's title


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2026-06-14", "“办理期限”不能早于今天（2026-06-15）。"),
        ("2026-02-30", "“办理期限”不是有效日期（格式：2026-06-01）。"),
    ],
)
def test_a_past_or_malformed_date_is_refused_on_the_page(client, db, value, message):
    clue = pending(db)
    login(client, "leader")
    response = approve_form(client, clue, {"route_due": value, "reason": "请抓紧"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page and f'value="{value}"' in page and "请抓紧" in page
    db.expire_all()
    assert clue.state == ClueState.PENDING_APPROVAL


def test_the_api_offers_the_field_and_refuses_a_bad_date_structurally(client, db):
    clue = pending(db)
    leader = user(db, "leader")
    _, secret = create_token(db, leader, leader, "测试集成")
    db.flush()
    headers = {"Authorization": f"Bearer {secret}"}
    detail = client.get(f"/api/clues/{clue.id}", headers=headers).get_json()
    action = next(a for a in detail["actions"] if a["trigger"] == "approve_verifying")
    field = next(f for f in action["fields"] if f["name"] == "route_due")
    assert field["kind"] == "date" and field["default"] == "2026-07-15" and field["not_past"]
    url = f"/api/clues/{clue.id}/transitions"
    bad = client.post(
        url, headers=headers, json={"trigger": "approve_verifying", "data": {"route_due": "x"}}
    )
    assert bad.status_code == 422
    assert bad.get_json()["error"]["details"] == {
        "route_due": "“办理期限”不是有效日期（格式：2026-06-01）。"
    }
    past = client.post(
        url,
        headers=headers,
        json={"trigger": "approve_verifying", "data": {"route_due": "2026-01-01"}},
    )
    assert (
        past.status_code == 422
        and "不能早于今天" in past.get_json()["error"]["details"]["route_due"]
    )
    ok = client.post(
        url,
        headers=headers,
        json={"trigger": "approve_verifying", "data": {"route_due": "2026-08-03"}},
    )
    assert ok.status_code == 200 and ok.get_json()["state"] == "verifying"
    after = client.get(f"/api/clues/{clue.id}", headers=headers).get_json()
    clock = next(d for d in after["deadlines"] if d["name"] == "route_verify")
    assert clock["due"] == "2026-08-03" and clock["source"].startswith("本办规定")


def test_the_openapi_description_names_the_field(client):
    login(client, "clerk")
    spec = client.get("/api/openapi.json").get_json()
    body = spec["paths"]["/api/clues/{clue_id}/transitions"]["post"]["requestBody"]
    data = body["content"]["application/json"]["schema"]["properties"]["data"]
    assert data["properties"]["route_due"]["format"] == "date"


def test_the_extension_form_offers_only_the_running_route_deadline(client, db):
    clue = pending(db)
    login(client, "leader")
    approve_form(client, clue, {"route_due": "2026-07-31"})
    db.expire_all()
    page = client.get(f"/clues/{clue.id}").get_data(as_text=True)
    form = page[page.index("/fire/extend") :]
    form = form[: form.index("</form>")]
    assert '<option value="route_verify"' in form
    assert "petition_conclusion" not in form and "route_talk" not in form
    token = csrf_token(client, f"/clues/{clue.id}")
    response = client.post(
        f"/clues/{clue.id}/fire/extend",
        data={
            "csrf_token": token,
            "version": clue.version,
            "clock": "route_verify",
            "days": "10",
            "reason": "需调取病历",
        },
    )
    assert response.status_code == 302
    db.expire_all()
    assert clue.clocks["route_verify"]["due"] == "2026-08-10"  # 31 July + 10 = Mon 10 Aug
    page = client.get(f"/clues/{clue.id}").get_data(as_text=True)
    assert "（已延长 10 日）" in page and "/fire/extend" not in page  # once only


def test_a_default_in_an_unconfirmed_year_is_offered_and_announced_as_pending(client, db):
    with time_machine.travel(
        datetime(2026, 12, 14, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False
    ):
        clue = pending(db)
        login(client, "leader")
        page = client.get(f"/clues/{clue.id}").get_data(as_text=True)
        assert 'name="route_due" value="2027-01-13"' in page  # 30 natural days
        assert "2027 年工作日历尚未确认：办理期限先记为待定" in page
        response = approve_form(client, clue, {"route_due": "2027-01-13"})
        assert response.status_code == 302
        db.expire_all()
        page = client.get(f"/clues/{clue.id}").get_data(as_text=True)
        assert "待定（2027 年工作日历未确认）" in page


@pytest.fixture
def route_verify_20_days():
    apply_overrides("route_verify=20")  # as QINGFENG_TIME_LIMITS does at start-up
    yield
    apply_overrides("")


def test_an_overridden_default_is_what_the_form_offers_and_approval_uses(
    client, db, route_verify_20_days
):
    clue = pending(db)
    login(client, "leader")
    page = client.get(f"/clues/{clue.id}").get_data(as_text=True)
    # 20 days after 15 June 2026 is Sun 5 July: the next working day, Mon 6 July.
    assert 'name="route_due" value="2026-07-06"' in page
    assert "默认自批准之日起20日（本办规定）" in page
    token = csrf_token(client, f"/clues/{clue.id}")
    client.post(
        f"/clues/{clue.id}/fire/approve_verifying",
        data={"csrf_token": token, "version": clue.version},  # no date: the default
    )
    db.expire_all()
    assert clue.clocks["route_verify"]["due"] == "2026-07-06"
