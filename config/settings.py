"""Typed, immutable settings, built once from the environment at start-up.

Nothing reads the environment at import time; tests build their own instance.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from config.localtime import LOCAL_TZ_NAME

PREFIX = "QINGFENG_"
DEV_ENVS = ("development", "testing")
_YES = ("1", "true", "yes")


class SettingsError(RuntimeError):
    """A setting is missing or wrong; the message names the variable to set."""


@dataclass(frozen=True)
class Settings:
    env: str = "development"
    instance_path: Path = field(default_factory=lambda: Path("instance").resolve())
    database_url: str = ""
    secret_key: str = ""
    base_url: str = "http://127.0.0.1:5000"
    # Key file for reporter identities (Fernet); kept outside the database.
    reporter_key_file: Path | None = None
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 25
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_from: str = "qingfeng@localhost"
    smtp_starttls: bool = False
    max_upload_bytes: int = 20 * 1024 * 1024
    session_hours: int = 8
    login_max_failures: int = 5
    login_lock_minutes: int = 15
    # Failed sign-ins from one client address, across accounts, within a sliding window.
    login_ip_max_failures: int = 20
    login_ip_window_minutes: int = 15
    # Minutes without a request after which a signed-in user is signed out.
    idle_minutes: int = 30
    # Administrators must enrol a second factor. Deliberately not read from the environment:
    # only test suites about other features turn it off, in code.
    admin_totp_required: bool = True
    # The tip mailbox (信访举报邮箱) read by ``qingfeng mailbox poll``; empty host = not configured.
    imap_host: str = ""
    imap_port: int = 143
    imap_user: str = ""
    imap_password: str = ""
    imap_mailbox: str = "INBOX"
    imap_ssl: bool = False
    # Code of the body whose intake receives mailbox and portal tips (default: the root unit).
    intake_unit: str = ""
    # Overrides of the default time limits, e.g. "accept_notice=15,shelved_review=90".
    time_limits: str = ""
    # Where uploaded files live, sealed (config/filestore.py): "database" or "directory".
    file_store: str = "database"
    # The instance key that wraps every file's key; default ``instance/file.key``.
    file_key_file: Path | None = None
    # Days after a clue is written off (销号) before its evidence may be removed; 0 = kept.
    evidence_retention_days: int = 0
    # Revealing a reporter needs a second authorised person's approval (custodian rule).
    reveal_two_person: bool = False
    # Local hours [start, end) in which e-mail and webhook messages go out on working days.
    working_hours: tuple[int, int] = (8, 18)

    @property
    def is_production(self) -> bool:
        return self.env not in DEV_ENVS

    @property
    def upload_path(self) -> Path:
        return self.instance_path / "uploads"

    @property
    def file_key_path(self) -> Path:
        return self.file_key_file or self.instance_path / "file.key"

    @property
    def file_store_path(self) -> Path:
        return self.upload_path / "sealed"

    def with_overrides(self, **changes: object) -> Settings:
        return replace(self, **changes)  # type: ignore[arg-type]

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Build settings from ``QINGFENG_*`` variables with working dev defaults.

        In production a real secret key is required: we refuse to start rather than
        sign sessions with a key an attacker might know.
        """
        env_map = os.environ if environ is None else environ

        def get(name: str, default: str = "") -> str:
            return env_map.get(PREFIX + name, default)

        env = get("ENV", "development")
        instance = Path(get("INSTANCE_PATH", "instance")).resolve()
        database_url = get("DATABASE_URL") or f"sqlite:///{instance / 'qingfeng.db'}"
        secret_key = get("SECRET_KEY")
        if not secret_key:
            if env not in DEV_ENVS:
                raise SettingsError(
                    "生产环境必须设置会话密钥：请设置环境变量 QINGFENG_SECRET_KEY"
                    "（至少 32 个随机字符）。"
                )
            secret_key = _dev_secret(instance)
        elif env not in DEV_ENVS and len(secret_key) < 32:
            raise SettingsError("QINGFENG_SECRET_KEY 太短：生产环境至少需要 32 个字符。")
        if get("TIMEZONE", LOCAL_TZ_NAME) != LOCAL_TZ_NAME:
            # Not a setting (config.localtime): refuse rather than ignore a value someone set.
            raise SettingsError(
                f"QINGFENG_TIMEZONE 不可配置：系统按北京时间（{LOCAL_TZ_NAME}）计算期限和提醒，"
                "请删除该环境变量。"
            )
        key_file = get("REPORTER_KEY_FILE")
        return cls(
            env=env,
            instance_path=instance,
            database_url=database_url,
            secret_key=secret_key,
            base_url=get("BASE_URL", "http://127.0.0.1:5000"),
            reporter_key_file=Path(key_file) if key_file else instance / "reporter.key",
            smtp_host=get("SMTP_HOST", "127.0.0.1"),
            smtp_port=int(get("SMTP_PORT", "25")),
            smtp_user=get("SMTP_USER"),
            smtp_password=get("SMTP_PASSWORD"),
            smtp_from=get("SMTP_FROM", "qingfeng@localhost"),
            smtp_starttls=get("SMTP_STARTTLS", "0") in ("1", "true", "yes"),
            max_upload_bytes=int(get("MAX_UPLOAD_BYTES", str(20 * 1024 * 1024))),
            time_limits=get("TIME_LIMITS"),
            working_hours=_hours(get("WORKING_HOURS", "8-18")),
            idle_minutes=int(get("IDLE_MINUTES", "30")),
            login_ip_max_failures=int(get("LOGIN_IP_MAX_FAILURES", "20")),
            login_ip_window_minutes=int(get("LOGIN_IP_WINDOW_MINUTES", "15")),
            imap_host=get("IMAP_HOST"),
            imap_port=int(get("IMAP_PORT", "993" if get("IMAP_SSL", "0") in _YES else "143")),
            imap_user=get("IMAP_USER"),
            imap_password=get("IMAP_PASSWORD"),
            imap_mailbox=get("IMAP_MAILBOX", "INBOX"),
            imap_ssl=get("IMAP_SSL", "0") in _YES,
            intake_unit=get("INTAKE_UNIT"),
            **_file_settings(get),
        )


def _file_settings(get: Callable[[str, str], str]) -> dict[str, Any]:
    store = get("FILE_STORE", "database")
    if store not in ("database", "directory"):
        raise SettingsError("QINGFENG_FILE_STORE 只能是 database（默认）或 directory。")
    retention = get("EVIDENCE_RETENTION_DAYS", "0")
    if not retention.isdigit():
        raise SettingsError(
            "QINGFENG_EVIDENCE_RETENTION_DAYS 必须是非负整数（天数，0 表示永久保留）。"
        )
    key_file = get("FILE_KEY_FILE", "")
    return {
        "file_store": store,
        "file_key_file": Path(key_file) if key_file else None,
        "evidence_retention_days": int(retention),
        "reveal_two_person": get("REVEAL_TWO_PERSON", "0") in _YES,
    }


def _hours(text: str) -> tuple[int, int]:
    """``QINGFENG_WORKING_HOURS`` as "8-18": from 8:00 up to (not including) 18:00."""
    start, sep, end = text.partition("-")
    try:
        hours = (int(start), int(end))
    except ValueError:
        hours = (-1, -1)
    if not sep or not 0 <= hours[0] < hours[1] <= 24:
        raise SettingsError(
            f"QINGFENG_WORKING_HOURS 格式不正确：{text!r}，应为“开始-结束”小时，如 8-18。"
        )
    return hours


def _dev_secret(instance: Path) -> str:
    """A development secret generated once and kept under ``instance/`` (never in the repo)."""
    instance.mkdir(parents=True, exist_ok=True)
    path = instance / "secret_key"
    if path.exists():
        return path.read_text().strip()
    key = secrets.token_urlsafe(48)
    path.write_text(key)
    path.chmod(0o600)
    return key
