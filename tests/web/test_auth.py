from __future__ import annotations

import pytest

from directory.roles import ROLE_LABELS, Role
from tests.conftest import csrf_token, login, post_form


def test_sign_in_and_out(client):
    response = login(client, "leader")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    home = client.get("/").get_data(as_text=True)
    assert "清河县卫生健康局" in home and "分管/主要负责人" in home
    out = post_form(client, "/logout", {}, token_from="/")
    assert out.status_code == 302
    assert client.get("/").status_code == 302


def test_wrong_password_shows_a_chinese_message(client):
    response = login(client, "leader", "wrong")
    assert response.status_code == 401
    assert "用户名或密码错误" in response.get_data(as_text=True)


def test_post_without_csrf_token_is_refused(client):
    response = client.post("/login", data={"username": "leader", "password": "x"})
    assert response.status_code == 400
    assert "表单已过期" in response.get_data(as_text=True)


def test_logout_needs_csrf_too(client):
    login(client, "leader")
    assert client.post("/logout").status_code == 400


def test_next_parameter_cannot_redirect_off_site(client):
    token = csrf_token(client, "/login")
    response = client.post(
        "/login?next=https://evil.example/",
        data={"username": "leader", "password": "qingfeng2026", "csrf_token": token},
    )
    assert response.headers["Location"] == "/"


def test_every_route_needs_sign_in_except_the_open_ones(app, client):
    open_endpoints = {"auth.login", "static", "api.openapi"}
    open_blueprints = {"portal"}  # the public portal (tips intake), nothing else
    for rule in app.url_map.iter_rules():
        if rule.endpoint.split(".")[0] in open_blueprints:
            assert rule.rule.startswith("/portal/"), rule.rule
            continue
        if rule.endpoint in open_endpoints or "GET" not in rule.methods:
            continue
        url = rule.rule
        for arg in rule.arguments:
            url = url.replace(f"<int:{arg}>", "1").replace(f"<{arg}>", "x")
        response = client.get(url)
        assert response.status_code in (302, 401), (url, response.status_code)
        if response.status_code == 302:
            assert "/login" in response.headers["Location"]


def test_security_headers_and_cookie_flags(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    login(client, "leader")
    cookie = client.get_cookie("session")
    assert cookie is not None and cookie.http_only and cookie.same_site == "Lax"


@pytest.mark.parametrize(
    ("username", "visible", "hidden"),
    [
        ("admin", ["用户管理", "组织机构", "导入机构"], []),
        ("leader", ["组织机构"], ["用户管理", "导入机构"]),
        ("inspector", ["组织机构"], ["用户管理"]),
        ("handler", ["工作台"], ["用户管理", "组织机构"]),
        ("clerk", ["工作台"], ["用户管理", "组织机构"]),
        ("reporter", ["工作台"], ["用户管理", "组织机构"]),
    ],
)
def test_navigation_by_role(client, username, visible, hidden):
    login(client, username)
    page = client.get("/").get_data(as_text=True)
    nav = page.split('aria-label="主导航"')[1].split("</nav>")[0]
    for label in visible:
        assert label in nav
    for label in hidden:
        assert label not in nav


def test_home_shows_role_label_for_each_role(client):
    for username, role in [("clerk", Role.CLERK), ("reporter", Role.REPORTER)]:
        login(client, username)
        assert ROLE_LABELS[role] in client.get("/").get_data(as_text=True)
        post_form(client, "/logout", {}, token_from="/")


def test_api_paths_answer_json_when_signed_out(client):
    response = client.get("/api/anything")
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthenticated"


def test_production_cookies_are_secure(settings, session_factory):
    """Over HTTPS in production the session and remember-me cookies never travel in clear."""
    from dataclasses import replace

    from config.filestore import file_keys_for
    from tips.protection import load_keyring
    from web.app import create_app

    # Production refuses to start without its keys; here they are made as in development.
    load_keyring(settings.reporter_key_file)
    file_keys_for(settings)
    prod = create_app(replace(settings, env="production"), session_factory=session_factory)
    assert prod.config["SESSION_COOKIE_SECURE"] and prod.config["REMEMBER_COOKIE_SECURE"]
    assert prod.config["SESSION_COOKIE_HTTPONLY"] and prod.config["SESSION_COOKIE_SAMESITE"]
    client = prod.test_client()
    page = client.get("/login", base_url="https://qf.example")
    assert page.status_code == 200
    cookie = next(v for k, v in page.headers.items() if k == "Set-Cookie" and "session=" in v)
    assert "Secure" in cookie and "HttpOnly" in cookie
