"""Each handling record is declared once (``cases.record_actions``) and that declaration
is what the clue page's form handler, its forms, the JSON API and the OpenAPI description
use (issue 17, move 1)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cases.handling_models import ClueSubject, InquiryLetter, Referral, TalkRecord
from cases.record_actions import _ACTIONS, RECORD_ACTIONS
from tests.cases.factories import clue_in_state
from tests.conftest import csrf_token, login, user
from tests.web.test_api_handling import bearer
from web.openapi import SPEC
from workflow.fields import body_schema

HANDLING_TEMPLATE = Path(__file__).parents[2] / "web/templates/clues/_handling.html"


def test_every_record_action_is_declared_once_with_a_known_section():
    names = [a.name for a in _ACTIONS]
    assert len(names) == len(set(names)) == len(RECORD_ACTIONS)
    for action in _ACTIONS:
        assert action.states, f"{action.name} is offered in no state"
        fields = [f.name for f in action.fields]
        assert len(fields) == len(set(fields)), f"{action.name} declares a field twice"
        assert action.target is None or action.target in fields


def test_the_clue_page_draws_every_action_from_the_table():
    source = HANDLING_TEMPLATE.read_text(encoding="utf-8")
    drawn = set(re.findall(r"render_fields\(A\.(\w+)", source))
    posted = set(re.findall(r"act\('(\w+)'\)", source))
    assert drawn == posted == RECORD_ACTIONS.keys()
    # No record's field is written out by hand next to the macro (uploads are no record).
    by_hand = source.replace('<input id="f-files" type="file"', "")
    assert "<input id=" not in by_hand and "<select id=" not in by_hand


def test_the_openapi_description_is_generated_from_the_table():
    for name, action in RECORD_ACTIONS.items():
        post = SPEC["paths"][f"/api/clues/{{clue_id}}/records/{name}"]["post"]
        schema = post["requestBody"]["content"]["application/json"]["schema"]
        assert schema == body_schema(action.fields)
        assert post["summary"] == action.summary
        assert ("201" if action.creates else "200") in post["responses"]


def test_text_widths_are_read_from_the_columns():
    widths = {
        ("subject", "name"): ClueSubject.name,
        ("subject", "institution_name"): ClueSubject.institution_name,
        ("talk", "person"): TalkRecord.person,
        ("inquiry", "recipient"): InquiryLetter.recipient,
        ("referral", "organ"): Referral.organ,
    }
    for (action, field), column in widths.items():
        assert RECORD_ACTIONS[action].field(field).max_len == column.type.length


@pytest.mark.parametrize("name", sorted(RECORD_ACTIONS))
def test_both_paths_refuse_an_empty_record_naming_its_required_fields(client, db, name):
    """The page and the API answer from the same declaration: the same fields, named by
    the same labels, and nothing is written."""
    action = RECORD_ACTIONS[name]
    clue = clue_in_state(db, sorted(action.states)[0])
    required = {f.name for f in action.fields if f.required}

    api = client.post(
        f"/api/clues/{clue.id}/records/{name}", headers=bearer(db, "handler"), json={}
    )
    assert api.status_code == 422, api.get_json()
    assert set(api.get_json()["error"]["details"]) == required

    login(client, "handler")
    path = f"/clues/{clue.id}/records/{name}"
    page = client.post(path, data={"csrf_token": csrf_token(client, f"/clues/{clue.id}")})
    html = page.get_data(as_text=True)
    assert page.status_code == 422
    for field in action.fields:
        if field.required:
            assert f"“{field.label}”" in html, (name, field.name)
    assert user(db, "handler").id == clue.handler_id
