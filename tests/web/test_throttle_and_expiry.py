from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from tests.conftest import csrf_token, login

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def settings(settings):
    return settings.with_overrides(
        login_ip_max_failures=4, login_ip_window_minutes=10, login_max_failures=3, idle_minutes=30
    )


def _attempt(client, username, password, ip="203.0.113.7"):
    token = csrf_token(client, "/login")
    return client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": token},
        environ_base={"REMOTE_ADDR": ip},
    )


def test_one_address_is_throttled_across_accounts_with_the_wait_time(client):
    with time_machine.travel(T0, tick=False) as traveller:
        for name in ("leader", "clerk", "handler"):
            assert _attempt(client, name, "wrong-password-1").status_code == 401
            traveller.shift(timedelta(minutes=1))
        assert _attempt(client, "nobody-here", "wrong-password-1").status_code == 401
        # Four failures in ten minutes from this address: even a right password waits.
        refused = _attempt(client, "inspector", "qingfeng2026")
        body = refused.get_data(as_text=True)
        assert refused.status_code == 401 and "此网络地址的登录失败次数过多" in body
        # The oldest failure (T0) leaves the window at T0+10 min: 7 minutes from now.
        assert "请 7 分钟后再试" in body
        # Another address is not affected.
        assert _attempt(client, "inspector", "qingfeng2026", ip="198.51.100.2").status_code == 302
        post = client.post  # sign out the inspector so the next sign-in is a fresh one
        post("/logout", data={"csrf_token": csrf_token(client, "/")})
        traveller.shift(timedelta(minutes=7, seconds=1))
        assert _attempt(client, "inspector", "qingfeng2026").status_code == 302


def test_lock_out_reads_the_same_for_real_and_unknown_users(client):
    with time_machine.travel(T0, tick=False):
        answers = {}
        for name in ("leader", "ghost-user"):
            for i in range(3):
                _attempt(client, name, "wrong-password-1", ip=f"192.0.2.{i + 10}")
            answers[name] = _attempt(client, name, "qingfeng2026", ip="192.0.2.99")
        assert answers["leader"].status_code == answers["ghost-user"].status_code == 401
        texts = [a.get_data(as_text=True) for a in answers.values()]
        assert all("账户已暂时锁定" in t for t in texts)
        # First failures too: one message whether the name exists or not.
        first_real = _attempt(client, "clerk", "nope-password-1", ip="192.0.2.50")
        first_ghost = _attempt(client, "ghost-two", "nope-password-1", ip="192.0.2.51")
        assert "用户名或密码错误" in first_real.get_data(as_text=True)
        assert "用户名或密码错误" in first_ghost.get_data(as_text=True)


def test_idle_session_is_signed_out(client):
    with time_machine.travel(T0, tick=False) as traveller:
        assert login(client, "leader").status_code == 302
        traveller.shift(timedelta(minutes=29))
        assert client.get("/").status_code == 200  # activity keeps the session alive
        traveller.shift(timedelta(minutes=29))
        assert client.get("/").status_code == 200
        traveller.shift(timedelta(minutes=31))
        gone = client.get("/")
        assert gone.status_code == 302 and gone.headers["Location"].startswith("/login")
        page = client.get(gone.headers["Location"]).get_data(as_text=True)
        assert "30 分钟未操作" in page


def test_session_ends_eight_hours_after_sign_in_despite_activity(client):
    with time_machine.travel(T0, tick=False) as traveller:
        login(client, "leader")
        for _ in range(23):  # a request every 20 minutes for 7 h 40 min
            traveller.shift(timedelta(minutes=20))
            assert client.get("/").status_code == 200
        traveller.shift(timedelta(minutes=21))
        assert client.get("/").status_code == 302


def test_security_headers(client):
    login(client, "leader")
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "<script>" not in response.get_data(as_text=True)
