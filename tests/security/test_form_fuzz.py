"""A form fuzzer: the portal's report and message forms and the intake desk, posted with
hostile text (tests/security/hostile.py) the way any client can send it. On SQLite and
PostgreSQL alike: no answer is a 5xx, and every tip answered with a receipt is stored.

Bounded in time: a fixed number of examples, no Hypothesis database, no shrinking
deadline; about ten seconds per database on a shared machine."""

from __future__ import annotations

import re
from datetime import datetime
from itertools import count
from zoneinfo import ZoneInfo

import pytest
import time_machine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import csrf_token, login
from tests.security.hostile import HOSTILE_TEXT, SAMPLES, form_body
from tips.portal import find_by_code

FUZZ = settings(
    max_examples=60, deadline=None, database=None, suppress_health_check=list(HealthCheck)
)
FORM = "application/x-www-form-urlencoded"
CODE = re.compile(r'data-testid="receipt-code">([\d ]+)<')
_clients = count(1)


@pytest.fixture(autouse=True)
def clock():
    at = datetime(2026, 6, 15, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
    with time_machine.travel(at, tick=False):
        yield


@pytest.fixture
def portal(app):
    app.config["QINGFENG"] = app.config["QINGFENG"].with_overrides(intake_unit="C01-D01")
    return app


def some(strategy, most: int = 3):
    return st.lists(strategy, min_size=1, max_size=most)


def post(client, path: str, fields: dict[str, list[str]]):
    # A new client address each time: the portal's rate limit is not what is tested here.
    n = next(_clients)
    return client.post(
        path,
        data=form_body(fields),
        content_type=FORM,
        environ_base={"REMOTE_ADDR": f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}"},
    )


def test_portal_report_never_answers_5xx_and_every_receipt_is_a_stored_tip(portal, client, db):
    token = csrf_token(client, "/portal/")
    secret = portal.config["QINGFENG"].secret_key
    answers: dict[int, int] = {}

    @FUZZ
    @given(
        content=st.one_of(HOSTILE_TEXT, st.just("某医院医生收红包")),
        accused=some(HOSTILE_TEXT),
        unit_name=HOSTILE_TEXT,
        post_code=st.one_of(st.sampled_from(["doctor", "nurse", "other"]), HOSTILE_TEXT),
        named=st.sampled_from(["y", "n", "", "\x00"]),
        reporter=HOSTILE_TEXT,
        phone=st.one_of(st.just("13600000001"), HOSTILE_TEXT),
        email=st.one_of(st.just("a@example.com"), HOSTILE_TEXT),
    )
    def check(content, accused, unit_name, post_code, named, reporter, phone, email):
        fields = {
            "csrf_token": [token],
            "content": [content],
            "accused_name": accused,
            "accused_post": [post_code],
            "accused_unit_name": [unit_name],
            "named": [named],
            "reporter_name": [reporter],
            "reporter_phone": [phone],
            "reporter_email": [email],
        }
        sent = post(client, "/portal/report", fields)
        answers[sent.status_code] = answers.get(sent.status_code, 0) + 1
        assert sent.status_code < 500, sent.get_data(as_text=True)[-500:]
        if sent.status_code == 200:
            match = CODE.search(sent.get_data(as_text=True))
            assert match, "200 without a receipt code"
            tip = find_by_code(db, secret, match.group(1))
            assert tip is not None, "a receipt was given for a tip that is not stored"
            try:
                content.encode("utf-8")
            except UnicodeEncodeError:
                # A lax client's bytes for a lone surrogate are no UTF-8: Werkzeug keeps them
                # percent-encoded, and the tip holds exactly what arrived (storable text).
                tip.content.encode("utf-8")
            else:
                assert tip.content == content.strip()

    check()
    assert answers.get(200, 0) and answers.get(422, 0) + answers.get(400, 0), answers


def test_portal_status_and_message_forms_never_answer_5xx(portal, client):
    token = csrf_token(client, "/portal/status")

    @FUZZ
    @given(code=st.one_of(HOSTILE_TEXT, st.just("1234 5678 9012 3456")), body=HOSTILE_TEXT)
    def check(code, body):
        fields = {"csrf_token": [token], "code": [code], "body": [body]}
        sent = post(client, "/portal/status", fields)
        assert sent.status_code < 500, sent.get_data(as_text=True)[-500:]

    check()


def test_intake_desk_never_answers_5xx(client, db):
    login(client, "clerk")
    tokens = {ch: csrf_token(client, f"/intake/?channel={ch}") for ch in ("hotline", "letter")}
    answers: dict[int, int] = {}

    @FUZZ
    @given(
        channel=st.sampled_from(["hotline", "letter", "visit"]),
        content=st.one_of(HOSTILE_TEXT, st.just("某医院医生收红包")),
        summary=HOSTILE_TEXT,
        accused=some(HOSTILE_TEXT),
        unit_id=st.one_of(st.sampled_from(["", "1", "0", "-1", "9" * 30]), HOSTILE_TEXT),
        meta=st.fixed_dictionaries(
            {
                name: st.one_of(st.sampled_from(["2026-06-15T09:30", "3", "y"]), HOSTILE_TEXT)
                for name in ("call_time", "clerk", "postmark", "pages", "visitors")
            }
        ),
        identity=st.fixed_dictionaries(
            {k: HOSTILE_TEXT for k in ("reporter_name", "reporter_phone", "reporter_id_number")}
        ),
    )
    def check(channel, content, summary, accused, unit_id, meta, identity):
        fields = {
            "csrf_token": [tokens.get(channel, tokens["letter"])],
            "channel": [channel],
            "content": [content],
            "summary": [summary],
            "accused_name": accused,
            "unit_id": [unit_id],
            "named": ["y"],
            **{f"meta_{k}": [v] for k, v in meta.items()},
            **{k: [v] for k, v in identity.items()},
        }
        sent = post(client, "/intake/", fields)
        answers[sent.status_code] = answers.get(sent.status_code, 0) + 1
        assert sent.status_code < 500, sent.get_data(as_text=True)[-500:]

    check()
    assert set(answers) <= {302, 400, 403, 404, 422}, answers


def test_the_samples_cover_every_kind_of_hostile_text():
    text = "".join(SAMPLES)
    for probe in ("\x00", "\ud800", "\u0301", "\u202e", "😀", "=HYPERLINK"):
        assert probe in text
    assert max(len(s) for s in SAMPLES) > 50_000


def test_the_portal_form_and_the_api_give_the_same_answer(portal, client, db):
    """Differential: the same texts through the portal form and the JSON API are accepted
    or refused alike, with the same message. (Lone surrogates are left out: a form cannot
    carry one, the browser's bytes are decoded with replacement characters.)"""
    api = portal.test_client()
    login(api, "clerk")
    headers = {"X-CSRFToken": csrf_token(api, "/intake/")}
    token = csrf_token(client, "/portal/")
    plain = HOSTILE_TEXT.map(lambda t: t.encode("utf-8", "replace").decode("utf-8"))

    @FUZZ
    @given(
        content=st.one_of(plain, st.just("某医院医生收红包")),
        accused=plain,
        unit_name=st.one_of(plain, st.just("")),
    )
    def check(content, accused, unit_name):
        fields = {
            "csrf_token": [token],
            "content": [content],
            "accused_name": [accused],
            "accused_unit_name": [unit_name],
            "named": ["n"],
        }
        form = post(client, "/portal/report", fields)
        body = {
            "channel": "portal",
            "content": content,
            "accused": [{"name": accused}],
            "accused_unit_name": unit_name,
        }
        answer = api.post("/api/tips", json=body, headers=headers)
        assert (form.status_code, answer.status_code) in ((200, 201), (422, 422), (400, 400))
        if answer.status_code == 422:
            assert answer.get_json()["error"]["message"] in form.get_data(as_text=True)

    check()
