"""The JSON API for a clue's handling records and the red-packet register: each kind
written and read back with a token, refusals by role and jurisdiction, and bad input
answered with a structured error that writes nothing."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlalchemy import func, select

from cases.handling_models import ClueEvent, FeedbackRecord
from cases.record_actions import RECORD_ACTIONS
from cases.states import ClueState
from directory.tokens import create_token
from tests.cases.factories import clue_in_state, new_clue
from tests.conftest import csrf_token, login, unit, user
from web.openapi import SPEC


@pytest.fixture(autouse=True)
def _june():
    with time_machine.travel(
        datetime(2026, 6, 15, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False
    ):
        yield


def bearer(db, username: str) -> dict[str, str]:
    owner = user(db, username)
    _, secret = create_token(db, owner, owner, "办理记录接口测试")
    db.flush()
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def handler(db):
    return bearer(db, "handler")


def write(client, headers, clue, action, body):
    return client.post(f"/api/clues/{clue.id}/records/{action}", headers=headers, json=body)


def created(client, headers, clue, action, body, status=201):
    response = write(client, headers, clue, action, body)
    assert response.status_code == status, response.get_json()
    return response.get_json()


def read(client, headers, clue):
    response = client.get(f"/api/clues/{clue.id}/records", headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def events(db, clue) -> int:
    return db.scalar(select(func.count()).where(ClueEvent.clue_id == clue.id)) or 0


def test_talks_and_inquiry_letters_round_trip(client, db, handler):
    clue = clue_in_state(db, ClueState.TALK_INQUIRY)
    talk = created(
        client,
        handler,
        clue,
        "talk",
        {
            "talked_on": "2026-06-12",
            "person": "张某",
            "talkers": "李某、王某",
            "content": "说明情况",
        },
    )
    assert talk["person"] == "张某" and talk["talked_on"] == "2026-06-12"
    letter = created(
        client, handler, clue, "inquiry", {"recipient": "张某", "sent_on": "2026-06-15"}
    )
    assert letter["reply_due"] > "2026-06-15" and letter["reply_received_on"] is None
    reply = created(
        client,
        handler,
        clue,
        "inquiry_reply",
        {"letter_id": letter["id"], "reply_received_on": "2026-06-20", "reply_summary": "已说明"},
        status=200,
    )
    assert reply["reply_received_on"] == "2026-06-20"

    records = read(client, handler, clue)
    assert [t["content"] for t in records["talks"]] == ["说明情况"]
    assert records["inquiries"] == [reply]
    assert "talks" in records["editable"]
    assert events(db, clue) == 3  # each change is in the clue's timeline


def test_subjects_sanctions_and_their_execution_round_trip(client, db, handler):
    clue = clue_in_state(db, ClueState.DISPOSING)
    hospital = unit(db, "C01-D01-H01")
    person = created(
        client,
        handler,
        clue,
        "subject",
        {"kind": "person", "name": "张某", "post": "doctor", "institution_id": hospital.id},
    )
    assert person["institution"] == {"id": hospital.id, "name": hospital.name}
    assert person["label"].startswith("张某（")
    created(client, handler, clue, "subject", {"kind": "institution", "name": "某医院"})
    sanction = created(
        client,
        handler,
        clue,
        "sanction",
        {"subject_id": person["id"], "kind": "admonishment", "decided_on": "2026-06-15"},
    )
    assert sanction["executed_on"] is None and sanction["kind_label"] == "诫勉谈话"
    done = created(
        client,
        handler,
        clue,
        "sanction_executed",
        {"sanction_id": sanction["id"], "executed_on": "2026-06-16"},
        status=200,
    )
    assert done["executed_on"] == "2026-06-16"

    records = read(client, handler, clue)
    assert [s["name"] for s in records["subjects"]] == ["张某", "某医院"]
    assert records["sanctions"] == [done]


def test_referral_receipt_and_outcome_round_trip(client, db, handler):
    clue = clue_in_state(db, ClueState.DISPOSING)
    referral = created(
        client,
        handler,
        clue,
        "referral",
        {"target": "judicial", "organ": "清河县公安局", "sent_on": "2026-06-15"},
    )
    assert referral["receipt_due"] > "2026-06-15" and referral["target_label"] == "司法机关"
    receipt = {
        "referral_id": referral["id"],
        "received_on": "2026-06-18",
        "outcome": "已立案侦查",
        "outcome_on": "2026-06-30",
    }
    answer = created(client, handler, clue, "referral_receipt", receipt, status=200)
    assert answer["outcome"] == "已立案侦查" and answer["outcome_on"] == "2026-06-30"
    assert read(client, handler, clue)["referrals"] == [answer]


def test_feedback_round_trip_keeps_the_internal_note_out_of_the_api(client, db, handler):
    clue = clue_in_state(db, ClueState.FEEDBACK, reporter_named=False)
    body = {"mode": "anonymous", "public_wording": "已查实并处理", "internal_note": "仅内部可见"}
    answer = created(client, handler, clue, "feedback", body)
    assert answer["public_wording"] == "已查实并处理" and answer["method"] == "portal"
    assert "internal_note" not in answer
    (listed,) = read(client, handler, clue)["feedback"]
    assert listed == answer
    stored = db.scalar(select(FeedbackRecord).where(FeedbackRecord.clue_id == clue.id))
    assert stored is not None and stored.internal_note == "仅内部可见"


def test_facts_plan_hand_down_and_negative_list_round_trip(client, db, handler):
    clue = clue_in_state(db, ClueState.VERIFYING)
    facts = created(
        client,
        handler,
        clue,
        "facts",
        {"category": "check_08", "amount_involved": "0.5", "funds_recovered": 0.25},
        status=200,
    )
    assert facts["amount_involved"] == "0.5" and facts["funds_recovered"] == "0.25"
    created(client, handler, clue, "plan", {"plan": "调取病历"}, status=200)
    hospital = unit(db, "C01-D01-H01")
    child = created(
        client,
        handler,
        clue,
        "hand_down",
        {"target_unit_id": hospital.id, "due": "2026-07-15", "note": "请核实"},
    )
    assert child["unit"]["id"] == hospital.id and child["superior_due"] == "2026-07-15"
    records = read(client, handler, clue)
    assert records["facts"]["verification_plan"] == "调取病历"
    assert records["facts"]["category_label"] == "8. 索取或收受患者及其家属“红包”行为"
    assert [c["id"] for c in records["handed_down"]] == [child["id"]]

    kickback = clue_in_state(db, ClueState.DISPOSING, category="kickback")
    entry = created(
        client, handler, kickback, "negative_list", {"supplier": "某医药公司", "reason": "回扣"}
    )
    assert entry["supplier"] == "某医药公司" and entry["listed_on"] == "2026-06-15"


def test_red_packet_register_round_trip(client, db):
    reporter = bearer(db, "reporter")
    body = {
        "staff_name": "王医生",
        "department": "外科",
        "amount_yuan": "500",
        "received_on": "2026-06-10",
        "surrendered_on": "2026-06-11",
        "receipt_no": "HB-2026-001",
    }
    response = client.post("/api/redpackets", headers=reporter, json=body)
    assert response.status_code == 201, response.get_json()
    row = response.get_json()
    assert row["amount_yuan"] == "500.00" and row["unit"]["id"] == user(db, "reporter").unit_id
    mine = client.get("/api/redpackets", headers=reporter).get_json()
    assert row in mine["items"]
    # The county office sees the register of the institutions below it.
    county = client.get(
        f"/api/redpackets?unit_id={row['unit']['id']}", headers=bearer(db, "leader")
    )
    assert [r["id"] for r in county.get_json()["items"]] == [row["id"]]
    refused = client.post("/api/redpackets", headers=bearer(db, "clerk"), json=body)
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "permission_denied"
    assert client.get("/api/redpackets?from=yesterday", headers=reporter).status_code == 422


@pytest.mark.parametrize(
    ("username", "status"),
    [("inspector", 403), ("clerk", 403), ("reporter", 404), ("admin", 403)],
)
def test_roles_that_may_not_write_are_refused_and_nothing_is_written(client, db, username, status):
    clue = clue_in_state(db, ClueState.DISPOSING)
    headers = bearer(db, username)
    response = write(client, headers, clue, "subject", {"kind": "person", "name": "张某"})
    assert response.status_code == status
    assert response.get_json()["error"]["code"] in ("permission_denied", "not_found")
    assert events(db, clue) == 0
    if status == 403:  # they may read what the clue page shows them, with nothing editable
        assert read(client, headers, clue)["editable"] == []


def test_a_clue_outside_the_jurisdiction_is_404_even_for_its_named_handler(client, db, handler):
    clue = clue_in_state(db, ClueState.DISPOSING, unit_code="C02-D03", actor=None)
    assert client.get(f"/api/clues/{clue.id}/records", headers=handler).status_code == 404
    response = write(client, handler, clue, "subject", {"kind": "person", "name": "张某"})
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"
    assert events(db, clue) == 0


@pytest.mark.parametrize(
    ("action", "body", "field"),
    [
        ("subject", {"kind": "person"}, "name"),  # required, named by the service
        ("subject", {"kind": "person", "name": "张某", "age": 40}, "age"),  # unknown field
        ("subject", {"kind": "person", "name": "张某", "institution_id": 2**40}, "institution_id"),
        ("subject", {"kind": "person", "name": ["张某"]}, "name"),  # wrong JSON type
        ("facts", {"category": "check_08", "amount_involved": "1e12"}, "amount_involved"),
        ("facts", {"category": "check_08", "amount_involved": True}, "amount_involved"),
        ("sanction", {"subject_id": "1", "kind": "admonishment"}, "subject_id"),
        ("sanction_executed", {"executed_on": "2026-06-15"}, "sanction_id"),
        ("referral", {"target": "military", "organ": "公安局", "sent_on": "2026-06-15"}, "target"),
        ("referral", {"target": "judicial", "organ": "公安局", "sent_on": "6月15日"}, "sent_on"),
    ],
)
def test_bad_input_is_a_structured_422_and_writes_nothing(client, db, handler, action, body, field):
    clue = clue_in_state(db, ClueState.DISPOSING)
    response = write(client, handler, clue, action, body)
    assert response.status_code == 422, response.get_json()
    error = response.get_json()["error"]
    assert error["code"] == "validation_error" and field in error["details"]
    assert events(db, clue) == 0
    records = read(client, handler, clue)
    assert records["subjects"] == [] and records["referrals"] == []


def test_malformed_bodies_unknown_records_and_wrong_states(client, db, handler):
    clue = clue_in_state(db, ClueState.DISPOSING)
    url = f"/api/clues/{clue.id}/records/subject"
    assert client.post(url, headers=handler, data="kind=person").status_code == 422
    assert client.post(url, headers=handler, json=["kind", "person"]).status_code == 422
    missing = write(
        client,
        handler,
        clue,
        "sanction_executed",
        {"sanction_id": 999999, "executed_on": "2026-06-15"},
    )
    assert missing.status_code == 404
    # Talks are recorded during 谈话函询 only: the service refuses, nothing is written.
    wrong_state = write(
        client, handler, clue, "talk", {"talked_on": "2026-06-15", "person": "张某", "content": "x"}
    )
    assert wrong_state.status_code == 409
    assert wrong_state.get_json()["error"]["code"] == "invalid_transition"
    assert (
        client.post(f"/api/clues/{clue.id}/records/unknown", headers=handler, json={}).status_code
        == 404
    )
    assert events(db, clue) == 0


def test_cookie_session_writes_need_the_csrf_header(client, db):
    clue = clue_in_state(db, ClueState.DISPOSING)
    login(client, "handler")
    body = {"kind": "person", "name": "张某", "post": "doctor"}
    refused = client.post(f"/api/clues/{clue.id}/records/subject", json=body)
    assert refused.status_code == 400 and refused.get_json()["error"]["code"] == "csrf"
    token = csrf_token(client, "/")
    ok = client.post(
        f"/api/clues/{clue.id}/records/subject", json=body, headers={"X-CSRFToken": token}
    )
    assert ok.status_code == 201


def test_every_record_action_is_described_with_its_fields(client):
    served = client.get("/api/openapi.json").get_json()
    assert served["paths"].keys() == SPEC["paths"].keys()
    for name, action in RECORD_ACTIONS.items():
        post = served["paths"][f"/api/clues/{{clue_id}}/records/{name}"]["post"]
        schema = post["requestBody"]["content"]["application/json"]["schema"]
        names = {f.name for f in action.fields}
        assert schema["properties"].keys() == names
        assert set(schema["required"]) == {f.name for f in action.fields if f.required}
        assert ("201" if action.creates else "200") in post["responses"]
    stored = served["components"]["schemas"]["Feedback"]["properties"]
    assert "internal_note" not in stored


def test_the_call_time_is_checked_through_the_api_too(client, db):
    """告知时间 through the JSON API: bad values get a structured error naming the field and
    write nothing; a good one is answered back in UTC."""
    from cases.service import timeline

    clue = new_clue(db, reporter_named=True)
    headers = bearer(db, "clerk")
    url = f"/api/clues/{clue.id}/transitions"
    for raw in ("2026-06-15T11:00", "x" * 10_000, "2026-02-30T09:00", 20260615, ["x"], ""):
        answer = client.post(url, headers=headers, json={
            "trigger": "notify_acceptance", "data": {"method": "phone", "notified_at": raw}})
        if raw == "":  # optional: blank means the time of recording
            assert answer.status_code == 200, raw
            break
        assert answer.status_code == 422, raw
        assert "notified_at" in answer.get_json()["error"]["details"], raw
        db.expire_all()
        assert [log.trigger for log in timeline(db, user(db, "clerk"), clue)] == ["create"]
    other = new_clue(db, reporter_named=True)
    answer = client.post(f"/api/clues/{other.id}/transitions", headers=headers, json={
        "trigger": "notify_acceptance",
        "data": {"method": "phone", "notified_at": "2026-06-15T09:05"}})
    assert answer.status_code == 200
    [step] = [log for log in timeline(db, user(db, "clerk"), other) if log.trigger != "create"]
    assert step.payload["notified_at"] == "2026-06-15T01:05:00+00:00"
