"""Schemathesis with hostile values: every JSON API operation, its generated bodies and
query strings rewritten with over-long, NUL, emoji, combining, right-to-left text, lone
surrogates and huge numbers (tests/security/hostile.py). Zero 5xx on SQLite and
PostgreSQL, and a tip answered with 201 is stored.

The plain schema-driven run is tests/web/test_api_fuzz.py; this one is bounded to a few
examples per operation (about 20 s per database)."""

from __future__ import annotations

import json
from datetime import date, datetime
from zoneinfo import ZoneInfo

import schemathesis
import time_machine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from directory.tokens import create_token
from reporting.submissions import fire, start_draft
from tests.conftest import user
from tests.reporting.journey import obligation
from tests.security.hostile import HOSTILE_TEXT, HUGE_NUMBERS
from tests.web.test_api_fuzz import RECORD_STATES, handling_clues
from tips.models import Tip

EXAMPLES = 12


def test_api_never_answers_5xx_to_hostile_values(app, db):
    with time_machine.travel(datetime(2026, 6, 15, 10, tzinfo=ZoneInfo("Asia/Shanghai"))):
        tokens = {}
        for name in ("clerk", "reporter", "handler", "leader"):
            person = user(db, name)
            tokens[name] = create_token(db, person, person, "fuzz")[1]
        clues = handling_clues(db)
        reporter = user(db, "reporter")
        form = start_draft(db, reporter, obligation(db, "C01-D01-H01", start=date(2026, 5, 1)))
        fire(db, reporter, form, "submit", zero_report=True)
        db.flush()
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    statuses: dict[int, int] = {}
    for operation in operations:
        as_user, path = "clerk", {}
        if operation.path.startswith("/api/clues/{clue_id}/records"):
            action = operation.path.rsplit("/", 1)[1]
            as_user = "handler" if action != "records" else "clerk"
            path = {"clue_id": clues[RECORD_STATES.get(action, "disposing")]}
        elif operation.path.endswith(("/accept", "/return")):
            as_user, path = "leader", {"submission_id": form.id}
        elif any(word in operation.path for word in ("submission", "obligation", "redpacket")):
            as_user = "reporter"
        auth = {"Authorization": f"Bearer {tokens[as_user]}"}
        fuzz(app.test_client(), operation, auth, path, db, statuses)
    assert sum(statuses.values()) >= EXAMPLES * len(operations) // 2, statuses
    assert not any(code >= 500 for code in statuses), statuses


def hostile(draw, value):
    """``value`` with its strings and numbers replaced, each with even odds."""
    if isinstance(value, dict):
        return {k: hostile(draw, v) for k, v in value.items()}
    if isinstance(value, list):
        return [hostile(draw, v) for v in value]
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, str) and draw(st.booleans()):
        return draw(HOSTILE_TEXT)
    if isinstance(value, int | float) and draw(st.booleans()):
        return draw(HUGE_NUMBERS)
    return value


def fuzz(client, operation, headers, path, db, statuses) -> None:
    @given(case=operation.as_strategy(), data=st.data())
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def check(case, data):
        case.path_parameters = {**(case.path_parameters or {}), **path}
        if isinstance(case.body, dict):
            case.body = hostile(data.draw, case.body)
            if operation.path == "/api/tips" and data.draw(st.booleans()):
                # A body the service takes further than the schema's: a real channel and
                # the texts the portal also has (the found case: a long 被反映人).
                case.body |= {
                    "channel": "letter",
                    "content": data.draw(st.one_of(HOSTILE_TEXT, st.just("某医院医生收红包"))),
                    "accused": [{"name": data.draw(HOSTILE_TEXT)}],
                    "accused_unit_name": data.draw(HOSTILE_TEXT),
                    "summary": data.draw(HOSTILE_TEXT),
                }
        if case.query:
            case.query = {k: _query_text(data.draw(HOSTILE_TEXT)) for k in case.query}
        # Sent by hand: schemathesis cannot serialise a lone surrogate, JSON can (escaped).
        body = None if not isinstance(case.body, dict | list) else json.dumps(case.body)
        response = client.open(
            operation.path.format(**case.path_parameters),
            method=operation.method.upper(),
            query_string=case.query or None,
            data=body,
            content_type="application/json" if body is not None else None,
            headers=headers,
        )
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
        text = response.get_data(as_text=True)[:300]
        assert response.status_code < 500, (operation.path, case.body, text)
        if operation.path == "/api/tips" and response.status_code == 201:
            assert db.get(Tip, response.get_json()["tip"]["id"]) is not None

    check()


def _query_text(text: str) -> str:
    # A URL cannot carry a lone surrogate; a client sends the replacement character.
    return text.encode("utf-8", "replace").decode("utf-8")
