from __future__ import annotations

import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from config.errors import ValidationError
from config.settings import Settings
from tips.cli import rotate_command
from tips.protection import (
    ReporterKeyError,
    blind_index,
    keyring_for,
    load_keyring,
    normalize_contact,
    reencrypt_all,
    rotate_keyfile,
)

REPORTER = "王芳，身份证 45010219800101002X，手机 138-0013-8000"


def test_key_file_is_created_private_and_reused(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "reporter.key"
    keyring = load_keyring(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    token = keyring.encrypt(REPORTER)
    assert "王芳" not in token and "13800138000" not in token
    assert load_keyring(path).decrypt(token) == REPORTER


def test_production_never_creates_a_key_file(tmp_path: Path) -> None:
    settings = Settings(env="production", reporter_key_file=tmp_path / "missing.key")
    with pytest.raises(ReporterKeyError, match="找不到举报人信息密钥文件"):
        keyring_for(settings)
    assert not (tmp_path / "missing.key").exists()


def test_development_creates_the_key_file(tmp_path: Path) -> None:
    settings = Settings(env="development", reporter_key_file=tmp_path / "dev.key")
    keyring_for(settings)
    assert (tmp_path / "dev.key").exists()


def test_world_readable_key_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "reporter.key"
    load_keyring(path)
    path.chmod(0o644)
    with pytest.raises(ReporterKeyError, match="chmod 600"):
        load_keyring(path)


def test_wrong_key_gives_a_clear_error(tmp_path: Path) -> None:
    token = load_keyring(tmp_path / "a.key").encrypt(REPORTER)
    other = load_keyring(tmp_path / "b.key")
    with pytest.raises(ReporterKeyError, match="无法解密举报人信息"):
        other.decrypt(token)
    with pytest.raises(ReporterKeyError):
        other.decrypt("not-a-token")


def test_rotation_keeps_old_tokens_readable_and_reencrypts(tmp_path: Path) -> None:
    path = tmp_path / "reporter.key"
    old = load_keyring(path)
    old_token = old.encrypt(REPORTER)
    new = rotate_keyfile(path)
    assert len(new.keys) == 2 and new.keys[1] == old.keys[0]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert new.decrypt(old_token) == REPORTER
    rotated = new.rotate(old_token)
    # The re-encrypted token no longer needs the old key.
    assert load_keyring(path).decrypt(rotated) == REPORTER
    with pytest.raises(ReporterKeyError):
        old.decrypt(new.encrypt(REPORTER))


def test_reencrypt_all_stores_new_tokens_and_lists_damaged_rows(tmp_path: Path) -> None:
    path = tmp_path / "reporter.key"
    rows = {1: load_keyring(path).encrypt("甲"), 2: None, 3: "gAAAAA-damaged"}
    keyring = rotate_keyfile(path)
    stored: dict[int, str] = {}
    result = reencrypt_all(rows.items(), keyring, stored.__setitem__)
    assert result.rotated == 1 and result.failed == [3]
    assert set(stored) == {1} and stored[1] != rows[1]
    newest_only = type(keyring)(keys=keyring.keys[:1], index_secret=keyring.index_secret)
    assert newest_only.decrypt(stored[1]) == "甲"


def test_blind_index_matches_same_contact_written_differently(tmp_path: Path) -> None:
    keyring = load_keyring(tmp_path / "reporter.key")

    def index(kind: str, value: str) -> str:
        return blind_index(keyring, normalize_contact(kind, value))

    assert index("phone", "+86 138-0013-8000") == index("phone", "13800138000")
    assert index("email", " WangFang@Example.CN ") == index("email", "wangfang@example.cn")
    assert index("id_number", "45010219800101002x") == index("id_number", "45010219800101002X")
    assert index("phone", "13800138000") != index("phone", "13800138001")
    # The plaintext is not recoverable from, nor visible in, the index.
    assert "13800138000" not in index("phone", "13800138000")


def test_blind_index_is_keyed_and_survives_rotation(tmp_path: Path) -> None:
    path = tmp_path / "reporter.key"
    value = normalize_contact("phone", "13800138000")
    before = blind_index(load_keyring(path), value)
    assert blind_index(rotate_keyfile(path), value) == before
    assert blind_index(load_keyring(tmp_path / "other.key"), value) != before
    assert blind_index(b"raw secret", value) == blind_index(b"raw secret", value)


def test_contact_kinds_do_not_collide_and_bad_values_are_refused() -> None:
    assert normalize_contact("phone", "123456") != normalize_contact("name", "123456")
    with pytest.raises(ValidationError, match="身份证"):
        normalize_contact("id_number", "12345")
    with pytest.raises(ValidationError, match="邮箱"):
        normalize_contact("email", "no-at-sign")


def test_cli_rotate_adds_a_key(tmp_path: Path) -> None:
    from config.migrate import upgrade_database
    from tests.dbutil import fresh_database

    url = fresh_database("rotate")
    upgrade_database(url)  # the command re-encrypts every stored identity in the database
    path = tmp_path / "reporter.key"
    token = load_keyring(path).encrypt(REPORTER)
    env = {"QINGFENG_DATABASE_URL": url, "QINGFENG_INSTANCE_PATH": str(tmp_path)}
    result = CliRunner().invoke(rotate_command, ["--key-file", str(path)], env=env)
    assert result.exit_code == 0, result.output
    assert "现有 2 个密钥" in result.output and "已重新加密 0 条记录" in result.output
    assert load_keyring(path).decrypt(token) == REPORTER


def test_cli_rotate_refuses_a_missing_file(tmp_path: Path) -> None:
    result = CliRunner().invoke(rotate_command, ["--key-file", str(tmp_path / "none.key")])
    assert result.exit_code != 0
    assert "找不到举报人信息密钥文件" in result.output
