from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pyotp
import pytest
import time_machine
from sqlalchemy import select

from config.audit_log import AuditEvent
from directory.totp import TotpKeys, begin_enrolment, confirm_enrolment, totp_enabled
from tests.conftest import login, post_form, user

T0 = datetime(2026, 3, 2, 9, 0, 10, tzinfo=UTC)
SECRET_RE = re.compile(r'data-testid="totp-secret">([A-Z2-7]+)<')


@pytest.fixture
def settings(settings):
    return settings.with_overrides(admin_totp_required=True)


def _keys(app):
    return TotpKeys.from_secret(app.config["QINGFENG"].secret_key)


def _code(secret, at):
    with time_machine.travel(at, tick=False):
        return pyotp.TOTP(secret).now()


def test_admin_without_totp_can_only_enrol_then_works(client, db):
    with time_machine.travel(T0, tick=False):
        assert login(client, "admin").status_code == 302
        blocked = client.get("/admin/users")
        assert blocked.status_code == 302 and blocked.headers["Location"] == "/me/totp/enrol"
        page = client.get("/me/totp/enrol").get_data(as_text=True)
        secret = SECRET_RE.search(page).group(1)
        assert '<img src="/me/totp/qr.svg"' in page and "<script>" not in page
        qr = client.get("/me/totp/qr.svg")
        assert qr.mimetype == "image/svg+xml" and b"<svg" in qr.data
        assert qr.headers["Cache-Control"] == "no-store"
        wrong = post_form(client, "/me/totp/enrol", {"code": "000000"})
        assert wrong.status_code == 422
        done = post_form(client, "/me/totp/enrol", {"code": pyotp.TOTP(secret).now()})
        body = done.get_data(as_text=True)
        assert done.status_code == 200 and body.count("<li><code>") == 10
        assert client.get("/admin/users").status_code == 200
    assert totp_enabled(db, user(db, "admin"))


def _enrol(app, db, username):
    person = user(db, username)
    secret = begin_enrolment(db, person, _keys(app))
    confirm_enrolment(db, person, _keys(app), _code(secret, T0), now=T0)
    db.commit()
    return secret


def test_sign_in_takes_two_steps_and_a_code_works_once(app, client, db):
    secret = _enrol(app, db, "handler")
    at = T0 + timedelta(minutes=10)
    with time_machine.travel(at, tick=False):
        first = login(client, "handler")
        assert first.headers["Location"] == "/login/code"
        # Half signed in: nothing else is reachable yet.
        assert client.get("/").headers["Location"].startswith("/login")
        code = pyotp.TOTP(secret).now()
        ok = post_form(client, "/login/code", {"code": code})
        assert ok.status_code == 302 and ok.headers["Location"] == "/"
        assert client.get("/").status_code == 200
        post_form(client, "/logout", {}, token_from="/")
        login(client, "handler")
        replay = post_form(client, "/login/code", {"code": code})
        assert replay.status_code == 401
        assert "已使用过" in replay.get_data(as_text=True)
        assert client.get("/").status_code == 302


def test_half_signed_in_state_expires(app, client, db):
    _enrol(app, db, "handler")
    at = T0 + timedelta(minutes=10)
    with time_machine.travel(at, tick=False) as traveller:
        login(client, "handler")
        assert client.get("/login/code").status_code == 200
        traveller.shift(timedelta(minutes=6))
        assert client.get("/login/code").headers["Location"] == "/login"


def test_recovery_code_signs_in(app, client, db):
    person = user(db, "clerk")
    secret = begin_enrolment(db, person, _keys(app))
    codes = confirm_enrolment(db, person, _keys(app), _code(secret, T0), now=T0)
    db.commit()
    with time_machine.travel(T0 + timedelta(hours=1), tick=False):
        login(client, "clerk")
        assert post_form(client, "/login/code", {"code": codes[0]}).status_code == 302
        assert client.get("/").status_code == 200


def test_too_many_wrong_codes_send_back_to_password(app, client, db):
    _enrol(app, db, "handler")
    with time_machine.travel(T0 + timedelta(minutes=10), tick=False):
        login(client, "handler")
        for _ in range(4):
            assert post_form(client, "/login/code", {"code": "000000"}).status_code == 401
        last = post_form(client, "/login/code", {"code": "000000"})
        assert last.headers["Location"] == "/login"


def test_admin_resets_a_users_totp_from_the_user_page(app, client, db):
    admin_secret = _enrol(app, db, "admin")
    _enrol(app, db, "handler")
    handler = user(db, "handler")
    with time_machine.travel(T0 + timedelta(minutes=10), tick=False):
        login(client, "admin")
        post_form(client, "/login/code", {"code": pyotp.TOTP(admin_secret).now()})
        page = client.get(f"/admin/users/{handler.id}").get_data(as_text=True)
        assert 'data-testid="reset-totp"' in page
        done = post_form(
            client,
            f"/admin/users/{handler.id}/reset-totp",
            {},
            token_from=f"/admin/users/{handler.id}",
        )
        assert done.status_code == 302
    db.expire_all()
    assert not totp_enabled(db, handler)
    assert db.scalar(select(AuditEvent).where(AuditEvent.kind == "totp.reset")) is not None


def test_staff_without_totp_sign_in_with_password_only(client):
    assert login(client, "leader").headers["Location"] == "/"
