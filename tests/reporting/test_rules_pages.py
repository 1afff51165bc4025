"""报送规则 page and API: receiving offices, a period's deadline, a one-off obligation; bad
input answered in Chinese with nothing written; roles without the capability refused."""

from __future__ import annotations

import pytest
import time_machine
from sqlalchemy import func, select

from reporting.models import DeadlineOverride, ObligationRule, RuleRecipient
from reporting.obligations import ensure_default_rules
from tests.conftest import csrf_token, login, post_form, unit
from tests.reporting.test_submissions import NOV_5

PAGE = "/reporting/rules"


@pytest.fixture(autouse=True)
def _november():
    with time_machine.travel(NOV_5, tick=False):
        yield


def _rule_id(db, code: str) -> int:
    return {r.code: r.id for r in ensure_default_rules(db)}[code]


def _count(db, model) -> int:
    return db.scalar(select(func.count()).select_from(model)) or 0


def test_leader_routes_a_form_to_an_office_on_the_page(client, db):
    login(client, "leader")
    rid = _rule_id(db, "zl3_institution")
    page = client.get(PAGE)
    assert page.status_code == 200
    assert "医政体改和中医股" in page.get_data(as_text=True)
    office = unit(db, "C01-D01-O02").id
    resp = post_form(client, f"{PAGE}/{rid}/recipients", {"offices": [office]}, token_from=PAGE)
    assert resp.status_code == 302
    db.expire_all()
    assert [r.office_id for r in db.get(ObligationRule, rid).recipients] == [office]
    shown = client.get(PAGE).get_data(as_text=True)
    assert f'value="{office}" checked' in shown


def test_admin_sets_a_periods_deadline_and_a_bad_one_is_refused(client, db):
    login(client, "admin")
    rid = _rule_id(db, "quarterly_progress")
    bad = post_form(
        client,
        f"{PAGE}/{rid}/overrides",
        {"period": "2026-08-01", "due": "十月八日", "reason": ""},
        token_from=PAGE,
    )
    assert bad.status_code == 422 and "格式不正确" in bad.get_data(as_text=True)
    assert _count(db, DeadlineOverride) == 0
    good = post_form(
        client,
        f"{PAGE}/{rid}/overrides",
        {"period": "2026-08-01", "due": "2026-10-08", "reason": "首次报送"},
        token_from=PAGE,
    )
    assert good.status_code == 302
    assert "2026年第3季度期限调整为 2026年10月8日 前" in client.get(PAGE).get_data(as_text=True)


def test_one_off_entered_on_the_page_and_bad_input_keeps_the_form(client, db):
    login(client, "leader")
    base = {
        "label": "专项整治工作总结及量表",
        "source": "鹿卫医〔2021〕22号",
        "form_code": "campaign_summary",
        "unit_kinds": ["institution"],
        "due": "2026-12-01",
    }
    before = _count(db, ObligationRule)
    long_label = post_form(
        client, "/reporting/oneoff", base | {"label": "长" * 300}, token_from=PAGE
    )
    assert long_label.status_code == 422
    text = long_label.get_data(as_text=True)
    assert "不能超过 200 个字" in text and "鹿卫医〔2021〕22号" in text  # the form kept
    hostile = post_form(
        client, "/reporting/oneoff", base | {"label": "<script>alert(1)</script>"}, token_from=PAGE
    )
    assert hostile.status_code == 302
    page = client.get(PAGE).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    assert _count(db, ObligationRule) == before + 1


@pytest.mark.parametrize("name", ["reporter", "clerk"])
def test_reporter_and_clerk_cannot_reach_it(client, db, name):
    login(client, name)
    assert client.get(PAGE).status_code == 403
    assert _count(db, RuleRecipient) == 0


def test_api_creates_a_one_off_and_answers_errors_as_json(client, db):
    login(client, "leader")
    token = csrf_token(client, PAGE)
    headers = {"X-CSRFToken": token}
    ok = client.post(
        "/api/reporting/oneoff",
        json={
            "label": "工作总结报告、附件3和附件4",
            "form_code": "campaign_summary",
            "unit_kinds": ["institution"],
            "due": "2026-11-25",
            "offices": [unit(db, "C01-D01-O01").id],
        },
        headers=headers,
    )
    assert ok.status_code == 201, ok.get_json()
    assert ok.get_json()["obligations"] > 0
    listed = client.get("/api/reporting/rules").get_json()
    assert any(r["label"] == "工作总结报告、附件3和附件4" for r in listed["oneoff"])
    bad = client.post("/api/reporting/oneoff", json={"label": ""}, headers=headers)
    assert bad.status_code == 422
    assert bad.get_json()["error"]["message"] == "请填写报送事项。"
    not_json = client.post("/api/reporting/oneoff", data="x", headers=headers)
    assert not_json.status_code == 400 and "JSON" in not_json.get_json()["error"]["message"]
    no_token = client.post("/api/reporting/oneoff", json={"label": "x"})
    assert no_token.status_code == 400
