"""No page shown to the public names a server path or an internal error (issue 16 §6):
the reporter key becoming unusable while the app runs is the server's trouble, logged for
the operator; the portal and the API say only that it failed, and nothing is stored."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import func, select

from config.settings import SettingsError
from tests.conftest import csrf_token, login, post_form
from tips.models import Tip
from tips.protection import load_keyring
from web.app import create_app


@pytest.fixture
def broken_key(app, settings):
    app.config["QINGFENG"] = settings.with_overrides(intake_unit="C01-D01")
    key = settings.reporter_key_file
    load_keyring(key)
    key.chmod(0o644)  # readable by others: refused, with the path, in the message
    return key


def test_portal_and_api_hide_the_key_path_and_log_it(client, db, broken_key, caplog):
    before = db.scalar(select(func.count()).select_from(Tip))
    with caplog.at_level(logging.ERROR):
        page = post_form(
            client,
            "/portal/report",
            {"content": "某医院收受红包", "named": "n"},
            token_from="/portal/",
        )
    text = page.get_data(as_text=True)
    assert page.status_code == 500
    assert "服务器内部错误" in text
    assert str(broken_key) not in text and "chmod" not in text and "密钥" not in text
    assert str(broken_key) in caplog.text  # the operator finds it in the log
    db.expire_all()
    assert db.scalar(select(func.count()).select_from(Tip)) == before


def test_api_5xx_is_structured_and_names_nothing_internal(client, broken_key):
    login(client, "clerk")
    response = client.post(
        "/api/tips",
        json={"channel": "hotline", "content": "电话反映某院乱收费"},
        headers={"X-CSRFToken": csrf_token(client, "/")},
    )
    body = response.get_json()
    assert response.status_code == 500
    assert body["error"]["code"] == "internal"
    assert str(broken_key) not in response.get_data(as_text=True)
    assert "details" not in body["error"]


def test_production_app_refuses_to_start_without_the_key(settings, tmp_path):
    production = settings.with_overrides(
        env="production", reporter_key_file=tmp_path / "missing" / "reporter.key"
    )
    with pytest.raises(SettingsError, match="拒绝启动") as refused:
        create_app(production)
    assert "qingfeng init" in str(refused.value)
    assert "missing/reporter.key" in str(refused.value)  # the operator is told which file
    assert not (tmp_path / "missing" / "reporter.key").exists()  # never made silently


def test_development_app_still_makes_its_own_key(settings, session_factory, tmp_path):
    dev = settings.with_overrides(reporter_key_file=tmp_path / "dev" / "reporter.key")
    # Nothing to refuse: the key is created on first use. (The suite's session factory:
    # an app with an engine of its own would leave a connection open on PostgreSQL.)
    create_app(dev, session_factory=session_factory)
