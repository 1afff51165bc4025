"""``qingfeng init`` makes the reporter key on a new installation and never replaces a lost
one for a database that already holds encrypted reporters (issue 16 §6)."""

from __future__ import annotations

from click.testing import CliRunner

from tests.dbutil import fresh_database
from tests.tips.mailfactory import utf8_qp
from web.cli import main


def test_init_creates_the_key_once_and_refuses_to_replace_a_lost_one(tmp_path, monkeypatch):
    instance = tmp_path / "instance"
    key = tmp_path / "keys" / "reporter.key"
    monkeypatch.setenv("QINGFENG_DATABASE_URL", fresh_database("keyinit"))
    monkeypatch.setenv("QINGFENG_INSTANCE_PATH", str(instance))
    monkeypatch.setenv("QINGFENG_REPORTER_KEY_FILE", str(key))
    monkeypatch.setenv("QINGFENG_ADMIN_PASSWORD", "Root-password-2026")

    def run(*args: str):
        return CliRunner().invoke(main, list(args))

    first = run("init", "--admin", "root")
    assert first.exit_code == 0, first.output
    assert f"已生成 {key}" in first.output and key.stat().st_mode & 0o777 == 0o600
    content = key.read_bytes()
    again = run("init")
    assert again.exit_code == 0 and "使用已有的密钥文件" in again.output
    assert key.read_bytes() == content

    eml = tmp_path / "tip.eml"
    eml.write_bytes(utf8_qp())
    imported = run("mailbox", "import", str(eml))
    assert imported.exit_code == 0 and "新举报 1 件" in imported.output, imported.output

    key.unlink()
    refused = run("init")
    assert refused.exit_code != 0
    assert "不会新建" in refused.output and "备份中恢复" in refused.output
    assert not key.exists()

    key.write_bytes(content)
    key.chmod(0o644)
    unsafe = run("init")
    assert unsafe.exit_code != 0 and "chmod 600" in unsafe.output
