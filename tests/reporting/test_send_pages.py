"""The editor's one form: 报送 saves what is on screen; refusals keep every typed field;
撤回 until the reviewer opens it; the JSON API's submit carries values (issue 15, §1)."""

from __future__ import annotations

import re

import pytest
import time_machine

from reporting import cells
from reporting.forms import FORMS
from reporting.models import Submission
from reporting.submissions import start_draft
from tests.conftest import csrf_token, login, post_form, user
from tests.reporting.journey import obligation
from tests.reporting.test_submissions import NOV_5


@pytest.fixture(autouse=True)
def _november():
    with time_machine.travel(NOV_5, tick=False):
        yield


@pytest.fixture
def sub(db) -> Submission:
    return start_draft(db, user(db, "reporter"), obligation(db, "C01-D01-H01"))


def _page(client, sub) -> str:
    return client.get(f"/reporting/submissions/{sub.id}").get_data(as_text=True)


def _send(client, sub, data: dict):
    version = re.search(r'name="version" value="(\d+)"', _page(client, sub))
    assert version
    return post_form(
        client,
        f"/reporting/submissions/{sub.id}/send",
        {"version": version.group(1), **data},
        token_from=f"/reporting/submissions/{sub.id}",
    )


def _stored(db, sub) -> dict:
    db.expire_all()
    return cells.decode(FORMS["zl3"], db.get(Submission, sub.id).values)


def test_the_send_button_is_part_of_the_cells_form(client, sub):
    login(client, "reporter")
    page = _page(client, sub)
    start = page.index('id="report-form"')
    form = page[start : page.index("</form>", start)]
    assert 'name="public_l2|warnings"' in form
    assert 'formaction="/reporting/submissions/' in form and 'data-send="报送"' in form
    assert 'name="leader_name"' in form
    assert "/fire/submit" not in page  # no separate form that would drop what was typed
    assert 'name="public_l3|warnings"' not in page  # another class's row is read-only
    assert "本单位只填写「公立医院二级」行" in page
    assert "2026年深入整治" in page and "本表报2026年1月-12月" in page
    assert "2021年" not in page
    assert "report_form.js" in page


def test_confirmed_send_saves_the_typed_values_and_submits(client, db, sub):
    login(client, "reporter")
    done = _send(
        client,
        sub,
        {
            "public_l2|warnings": "3",
            "public_l2|trainees": "40",
            "leader_name": "张院长",
            "confirmed": "1",
        },
    )
    assert done.status_code == 302
    db.expire_all()
    sent = db.get(Submission, sub.id)
    assert sent.state == "submitted" and sent.leader_name == "张院长"
    assert _stored(db, sub)[("public_l2", "warnings")] == 3
    page = _page(client, sub)
    assert "已报送" in page and "撤回" in page and "尚未打开" in page


def test_without_javascript_send_saves_then_asks_with_the_totals(client, db, sub):
    login(client, "reporter")
    asked = _send(client, sub, {"public_l2|warnings": "3", "public_l2|trainees": "40"})
    assert asked.status_code == 200
    page = asked.get_data(as_text=True)
    assert 'data-testid="send-confirm"' in page
    assert re.search(r"<dt>培训班—（人）</dt><dd>40</dd>", page)
    assert 'name="confirmed" value="1"' in page
    assert db.get(Submission, sub.id).state == "draft"  # saved, not sent yet
    assert _stored(db, sub)[("public_l2", "trainees")] == 40
    done = _send(
        client, sub, {"public_l2|warnings": "3", "public_l2|trainees": "40", "confirmed": "1"}
    )
    assert done.status_code == 302
    db.expire_all()
    assert db.get(Submission, sub.id).state == "submitted"


def test_a_refused_send_keeps_every_typed_field_and_names_the_cells(client, db, sub):
    login(client, "reporter")
    refused = _send(
        client,
        sub,
        {
            "public_l2|warnings": "三次",
            "public_l2|trainees": "40",
            "leader_name": "张院长",
            "filler_name": "周填报",
            "contact": "0772-6815001",
            "confirmed": "1",
        },
    )
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert 'value="三次"' in page and 'name="public_l2|trainees" value="40"' in page
    assert 'id="leader_name" name="leader_name" value="张院长"' in page
    assert 'value="0772-6815001"' in page
    assert "应填写数字" in page
    assert "data-unsaved" in page  # leaving now warns: what is shown is not saved
    db.expire_all()
    assert db.get(Submission, sub.id).state == "draft"


def test_an_empty_send_is_refused_with_the_cell_messages(client, db, sub):
    login(client, "reporter")
    refused = _send(client, sub, {"leader_name": "张院长", "confirmed": "1"})
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert "报表是空的" in page and "报送前请填写" in page
    assert 'value="张院长"' in page
    db.expire_all()
    assert db.get(Submission, sub.id).state == "draft"


def test_a_failed_save_keeps_the_signatures(client, sub):
    login(client, "reporter")
    refused = post_form(
        client,
        f"/reporting/submissions/{sub.id}/save",
        {"public_l2|courses": "-2", "leader_name": "张院长", "filler_name": "李四"},
        token_from=f"/reporting/submissions/{sub.id}",
    )
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert 'name="leader_name" value="张院长"' in page and 'value="李四"' in page


def test_withdraw_until_the_reviewer_opens_it(client, db, sub):
    login(client, "reporter")
    _send(client, sub, {"public_l2|warnings": "1", "confirmed": "1"})
    withdrawn = post_form(
        client,
        f"/reporting/submissions/{sub.id}/fire/withdraw",
        {},
        token_from=f"/reporting/submissions/{sub.id}",
    )
    assert withdrawn.status_code == 302
    db.expire_all()
    assert db.get(Submission, sub.id).state == "draft"
    assert "撤回" in _page(client, sub)  # in the timeline
    _send(client, sub, {"public_l2|warnings": "1", "confirmed": "1"})
    client.post("/logout", data={"csrf_token": csrf_token(client, "/reporting/")})

    login(client, "handler")
    assert "上级审核人员已于" in _page(client, sub)
    client.post("/logout", data={"csrf_token": csrf_token(client, "/reporting/")})

    login(client, "reporter")
    page = _page(client, sub)
    assert "/fire/withdraw" not in page and "不能再撤回" in page
    refused = post_form(
        client,
        f"/reporting/submissions/{sub.id}/fire/withdraw",
        {},
        token_from=f"/reporting/submissions/{sub.id}",
        follow_redirects=True,
    )
    assert "不能撤回" in refused.get_data(as_text=True)
    db.expire_all()
    assert db.get(Submission, sub.id).state == "submitted"


def _api(client, path: str, body=None):
    token = csrf_token(client, "/reporting/")
    return client.post(path, json=body, headers={"X-CSRFToken": token})


def test_api_submit_with_values_saves_them_first(client, db, sub):
    login(client, "reporter")
    sent = _api(
        client,
        f"/api/submissions/{sub.id}/submit",
        {"values": {"public_l2|warnings": 4}, "leader_name": "张院长"},
    )
    assert sent.status_code == 200, sent.get_json()
    body = sent.get_json()
    assert body["state"] == "submitted" and body["values"]["public_l2|warnings"] == 4
    assert body["opened_at"] is None
    back = _api(client, f"/api/submissions/{sub.id}/withdraw")
    assert back.status_code == 200 and back.get_json()["state"] == "draft"


def test_api_submit_refuses_with_the_same_cell_messages_and_changes_nothing(client, db, sub):
    login(client, "reporter")
    before = dict(sub.values)
    refused = _api(
        client,
        f"/api/submissions/{sub.id}/submit",
        {"values": {"public_l2|warnings": "三次", "public_l3|warnings": 1}},
    )
    assert refused.status_code == 422
    details = refused.get_json()["error"]["details"]
    by_cell = {d["cell"]: d["rule"] for d in details}
    assert by_cell == {"public_l2|warnings": "not_a_number", "public_l3|warnings": "not_own_row"}
    empty = _api(client, f"/api/submissions/{sub.id}/submit")
    assert empty.status_code == 422
    assert {d["rule"] for d in empty.get_json()["error"]["details"]} == {"empty"}
    db.expire_all()
    again = db.get(Submission, sub.id)
    assert again.state == "draft" and again.values == before
    bad = _api(client, f"/api/submissions/{sub.id}/submit", {"values": [1]})
    assert bad.status_code == 422
