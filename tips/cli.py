"""CLI commands for tips (click only; ``web/cli.py`` collects ``COMMANDS``)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from config.errors import DomainError
from tips.protection import load_keyring, rotate_keyfile

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


@contextmanager
def _sessions() -> Iterator[Any]:
    """A session factory whose engine is disposed afterwards (no pooled connection leaks)."""
    from directory.cli import sessions

    with sessions() as factory:
        yield factory


def _settings():
    from config.settings import Settings

    return Settings.from_env()


def reporter_key_on_init(session: Session) -> str:
    """``qingfeng init`` hook: make sure the reporter key exists, creating it on a new
    installation. A database that already holds encrypted reporters never gets a new key:
    it could not read them, so the operator is told to restore the old one instead."""
    from sqlalchemy import exists, or_, select

    from tips.models import MailOriginal, MailQuarantine, Tip

    path = _settings().reporter_key_file
    if path is None:
        raise click.ClickException("未配置举报人信息密钥文件：请设置 QINGFENG_REPORTER_KEY_FILE。")
    try:
        if path.exists():
            load_keyring(path, create_if_missing=False)
            return f"举报人信息密钥：使用已有的密钥文件 {path}。"
        encrypted = session.scalar(
            select(
                or_(
                    exists().where(Tip.identity_token.is_not(None)),
                    exists().where(MailQuarantine.id.is_not(None)),
                    exists().where(MailOriginal.id.is_not(None)),
                )
            )
        )
        if encrypted:
            raise click.ClickException(
                f"找不到举报人信息密钥文件 {path}，而数据库中已有加密保存的举报人信息和邮件。"
                "新密钥无法解密它们，因此不会新建：请从安全备份中恢复原密钥文件，"
                "或设置 QINGFENG_REPORTER_KEY_FILE 指向它。"
            )
        load_keyring(path, create_if_missing=True)
    except DomainError as err:
        raise click.ClickException(err.message) from err
    return (
        f"举报人信息密钥：已生成 {path}（仅本用户可读）。"
        "请把它单独备份，不要与数据库放在同一份备份中；运行网站的用户须能读取它。"
    )


@click.group("reporter-key")
def reporter_key_group() -> None:
    """举报人信息密钥管理。"""


@reporter_key_group.command("rotate")
@click.option(
    "--key-file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="密钥文件；默认取 QINGFENG_REPORTER_KEY_FILE。",
)
def rotate_command(key_file: Path | None) -> None:
    """生成新的主密钥并用它重新加密全部举报人信息和隔离邮件（旧密钥保留用于解密）。"""
    from config.database import session_scope
    from tips.service import reencrypt_everything

    if key_file is None:
        key_file = _settings().reporter_key_file
    if key_file is None:
        raise click.ClickException("未配置举报人信息密钥文件：请设置 QINGFENG_REPORTER_KEY_FILE。")
    try:
        load_keyring(key_file, create_if_missing=False)  # refuse before touching anything
        keyring = rotate_keyfile(key_file)
        # Re-encrypt every row in one transaction: all rows use the new key, or none changed.
        with _sessions() as factory, session_scope(factory) as session:
            result = reencrypt_everything(session, keyring)
    except DomainError as err:
        raise click.ClickException(err.message) from err
    click.echo(f"已生成新的主密钥；密钥文件 {key_file} 现有 {len(keyring.keys)} 个密钥。")
    click.echo(f"已重新加密 {result.rotated} 条记录。")
    if result.failed:
        click.echo(f"有 {len(result.failed)} 条记录无法解密，未改动：{result.failed}", err=True)


@click.group("mailbox")
def mailbox_group() -> None:
    """举报邮箱：收取邮件、导入 .eml/.mbox 文件。"""


def _vault(settings):
    from tips.service import vault_for

    return vault_for(settings)


@mailbox_group.command("poll")
def poll_command() -> None:
    """收取举报邮箱中的新邮件，转为举报；无法解析的邮件隔离保存。"""
    from datetime import UTC, datetime

    from tips.jobs import poll_mailbox

    try:
        with _sessions() as factory:
            summary = poll_mailbox(factory, _settings(), datetime.now(UTC))
    except DomainError as err:
        raise click.ClickException(err.message) from err
    click.echo(summary)


@mailbox_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--unit",
    "unit_code",
    default="",
    help="受理单位代码；默认按邮件所指单位分送其主管机关，未指明的交 QINGFENG_INTAKE_UNIT。",
)
def import_command(file: Path, unit_code: str) -> None:
    """导入 .eml 或 .mbox 邮件文件。"""
    from config.database import session_scope
    from tips.mailbox import import_file, intake_unit

    settings = _settings()
    if unit_code:
        settings = settings.with_overrides(intake_unit=unit_code)
    try:
        with _sessions() as factory, session_scope(factory) as session:
            report = import_file(
                session,
                intake_unit(session, settings),
                file.name,
                file.read_bytes(),
                _vault(settings),
                route=not unit_code,
            )
    except DomainError as err:
        raise click.ClickException(err.message) from err
    click.echo(report.summary())


COMMANDS = [reporter_key_group, mailbox_group]
