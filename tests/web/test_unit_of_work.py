"""web/unit_of_work.py: commit on success; on a domain error roll back, then the form's
page with the message, or the app's error handler (structured JSON under /api/)."""

from __future__ import annotations

import pytest
from flask import Blueprint, get_flashed_messages
from sqlalchemy import select

from config.errors import Conflict, PermissionDenied, ValidationError
from tests.conftest import login
from web.db import db_session
from web.unit_of_work import commit_now, unit_of_work
from workflow.calendar_models import CalendarRequest

bp = Blueprint("uow_probe", __name__)


def _write(year: int) -> None:
    db_session().add(CalendarRequest(year=year, context="probe"))
    db_session().flush()


def _form_again(err, **_view_args):
    return f"again:{err.status}:{'|'.join(get_flashed_messages())}", 422


@bp.post("/probe/<int:year>/<outcome>")
@unit_of_work(_form_again)
def probe(year: int, outcome: str):
    _write(year)
    if outcome == "refused":
        raise ValidationError("日期不对。")
    if outcome == "forbidden":
        raise PermissionDenied("无权。")
    if outcome == "early":
        commit_now()
        _write(year + 1)
        raise ValidationError("第二步不对。")
    return "done"


@bp.post("/api/probe/<int:year>")
@unit_of_work()
def api_probe(year: int):
    _write(year)
    raise Conflict("已被他人修改。")


@pytest.fixture
def probe_client(settings, session_factory):
    from web.app import create_app

    app = create_app(settings, session_factory=session_factory)
    app.config["TESTING"] = True
    app.register_blueprint(bp)
    client = app.test_client()
    login(client, "admin")
    app.config["WTF_CSRF_ENABLED"] = False  # the probes are no forms of ours
    return client


def _years(db) -> set[int]:
    db.expire_all()
    return set(db.scalars(select(CalendarRequest.year).where(CalendarRequest.context == "probe")))


def test_success_commits(probe_client, db):
    assert probe_client.post("/probe/3001/ok").text == "done"
    assert _years(db) == {3001}


def test_a_refusal_rolls_back_and_shows_the_form_with_the_message(probe_client, db):
    answer = probe_client.post("/probe/3002/refused")
    assert answer.status_code == 422
    assert answer.text == "again:422:日期不对。"
    assert _years(db) == set()


def test_a_403_is_the_error_page_and_leaves_no_message_behind(probe_client, db):
    answer = probe_client.post("/probe/3003/forbidden")
    assert answer.status_code == 403
    with probe_client.session_transaction() as cookie:
        assert not cookie.get("_flashes")
    assert _years(db) == set()


def test_commit_now_keeps_the_first_step_of_a_refused_request(probe_client, db):
    assert probe_client.post("/probe/3004/early").status_code == 422
    assert _years(db) == {3004}


def test_the_api_gets_a_structured_error_and_nothing_is_written(probe_client, db):
    answer = probe_client.post("/api/probe/3006")
    assert answer.status_code == 409
    assert answer.json["error"]["code"] == "conflict"
    assert answer.json["error"]["message"] == "已被他人修改。"
    assert _years(db) == set()
