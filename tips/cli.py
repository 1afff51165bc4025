"""CLI commands for tips (click only; ``web/cli.py`` collects ``COMMANDS``)."""

from __future__ import annotations

from pathlib import Path

import click

from config.errors import DomainError
from tips.protection import rotate_keyfile


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
    """生成新的主密钥（旧密钥保留用于解密），此后新数据用新密钥加密。"""
    if key_file is None:
        from config.settings import Settings

        key_file = Settings.from_env().reporter_key_file
    if key_file is None:
        raise click.ClickException("未配置举报人信息密钥文件：请设置 QINGFENG_REPORTER_KEY_FILE。")
    try:
        keyring = rotate_keyfile(key_file)
    except DomainError as err:
        raise click.ClickException(err.message) from err
    # The lead adds the database pass here: reencrypt_all(rows, keyring, store) in
    # one session_scope, so old keys can be removed once every row is re-encrypted.
    click.echo(f"已生成新的主密钥；密钥文件 {key_file} 现有 {len(keyring.keys)} 个密钥。")


COMMANDS = [reporter_key_group]
