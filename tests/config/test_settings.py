from __future__ import annotations

import pytest

from config.settings import Settings, SettingsError


def test_dev_defaults_generate_and_keep_a_secret(tmp_path):
    env = {"QINGFENG_INSTANCE_PATH": str(tmp_path)}
    first = Settings.from_env(env)
    second = Settings.from_env(env)
    assert len(first.secret_key) >= 32
    assert first.secret_key == second.secret_key
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    assert first.database_url == f"sqlite:///{tmp_path / 'qingfeng.db'}"


def test_production_refuses_to_start_without_a_secret(tmp_path):
    with pytest.raises(SettingsError, match="QINGFENG_SECRET_KEY"):
        Settings.from_env({"QINGFENG_ENV": "production", "QINGFENG_INSTANCE_PATH": str(tmp_path)})
    with pytest.raises(SettingsError, match="太短"):
        Settings.from_env({"QINGFENG_ENV": "production", "QINGFENG_SECRET_KEY": "short"})


def test_production_with_a_real_secret(tmp_path):
    s = Settings.from_env(
        {
            "QINGFENG_ENV": "production",
            "QINGFENG_SECRET_KEY": "x" * 40,
            "QINGFENG_DATABASE_URL": "postgresql://db/qf",
        }
    )
    assert s.is_production
    assert s.database_url == "postgresql://db/qf"


def test_settings_are_frozen(tmp_path):
    s = Settings.from_env({"QINGFENG_INSTANCE_PATH": str(tmp_path)})
    with pytest.raises(AttributeError):
        s.secret_key = "other"  # type: ignore[misc]


def test_the_time_zone_is_not_a_setting(tmp_path):
    """Deadlines and reminders are Beijing dates (config.localtime): a different zone is
    refused by name, never silently ignored."""
    env = {"QINGFENG_INSTANCE_PATH": str(tmp_path)}
    Settings.from_env({**env, "QINGFENG_TIMEZONE": "Asia/Shanghai"})
    with pytest.raises(SettingsError, match="QINGFENG_TIMEZONE"):
        Settings.from_env({**env, "QINGFENG_TIMEZONE": "Europe/Berlin"})
