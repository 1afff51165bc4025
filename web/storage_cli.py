"""``qingfeng storage …``: the file store's commands, and the step ``qingfeng init`` adds.

- ``status``: where files are kept, how many, how big;
- ``migrate``: seal the plain files an older version left under ``instance/uploads`` into
  the store (each checked against its recorded SHA-256; the plain file is removed once its
  sealed copy is committed); ``qingfeng init`` runs it too;
- ``retention`` / ``purge``: the administrator's preview of what the evidence retention
  rule removes, and the removal (``cases.retention``);
- ``rotate-key``: a new instance key; every file key is re-wrapped (the files themselves are
  not re-encrypted), the old key stays in the file until removed by hand.
"""

from __future__ import annotations

import logging

import click
from sqlalchemy import func, select

from app_boot.file_store import legacy_rows, migrate_plain_files
from cases.retention import purge, report
from config.database import session_scope, utcnow
from config.filekeys import rotate_keyfile
from config.filestore import FileBlob, store_for
from config.localtime import LOCAL_TZ
from config.settings import Settings

log = logging.getLogger(__name__)


def _factory():
    from directory.cli import sessions

    return sessions()


@click.group("storage")
def storage_group() -> None:
    """附件存储：查看、迁移旧文件、证据保存期限、轮换密钥。"""


@storage_group.command("status")
def status_command() -> None:
    """显示附件的存放位置、数量和大小。"""
    settings = Settings.from_env()
    click.echo(f"存储方式：{settings.file_store}（密钥文件 {settings.file_key_path}）")
    with _factory() as factory, factory() as session:
        count, size = session.execute(
            select(func.count(FileBlob.name), func.coalesce(func.sum(FileBlob.size), 0))
        ).one()
        click.echo(f"数据库中：{count} 个文件，共 {size} 字节（加密前）。")
        plain = [
            n
            for kind, n, _ in legacy_rows(session)
            if (settings.upload_path / kind.folder / n).is_file()
        ]
    if plain:
        click.echo(f"尚有 {len(plain)} 个未加密的旧文件，请运行 qingfeng storage migrate。")


@storage_group.command("migrate")
def migrate_command() -> None:
    """把旧版本留在 instance/uploads 下的明文附件加密存入存储，并删除明文文件。"""
    settings = Settings.from_env()
    with _factory() as factory:
        result = migrate_plain_files(factory, settings, store_for(settings))
    click.echo(result.summary())
    for name in result.missing or []:
        click.echo(f"  找不到：{name}", err=True)
    for name in result.mismatched or []:
        click.echo(f"  校验值不符：{name}", err=True)


@storage_group.command("retention")
def retention_command() -> None:
    """列出按证据保存期限将被删除的附件（只列出，不删除）。"""
    settings = Settings.from_env()
    days = settings.evidence_retention_days
    if days <= 0:
        click.echo("未设置证据保存期限（QINGFENG_EVIDENCE_RETENTION_DAYS=0）：全部保留，不会删除。")
        return
    zone = LOCAL_TZ
    with _factory() as factory, factory() as session:
        due = report(session, days, utcnow())
    click.echo(f"保存期限：销号后 {days} 天。到期的线索 {len(due)} 条：")
    for entry in due:
        day = entry.written_off_at.astimezone(zone).date().isoformat()
        click.echo(f"{entry.reference}（{day} 销号）：{len(entry.files)} 个附件，{entry.size} 字节")
        for item in entry.files:
            source = "线索附件" if item.kind == "clue" else "举报附件"
            click.echo(f"  {source} {item.filename}（{item.size} 字节，SHA-256 {item.sha256}）")
    total = sum(e.size for e in due)
    click.echo(f"合计 {sum(len(e.files) for e in due)} 个附件，{total} 字节。")


@storage_group.command("purge")
@click.option("--yes", is_flag=True, help="确认删除（不加则只列出，同 retention）。")
def purge_command(yes: bool) -> None:
    """删除超过证据保存期限的附件（附件记录和校验值保留，并记入审计日志）。"""
    if not yes:
        click.get_current_context().invoke(retention_command)
        click.echo("未删除任何文件；确认删除请加 --yes。")
        return
    settings = Settings.from_env()
    with _factory() as factory, session_scope(factory) as session:
        result = purge(session, store_for(settings), settings.evidence_retention_days, utcnow())
    click.echo(result.summary() + "。")


@storage_group.command("rotate-key")
def rotate_key_command() -> None:
    """生成新的附件主密钥，并用它重新封装每个文件的密钥。"""
    settings = Settings.from_env()
    if settings.file_store != "database":
        raise click.ClickException("目前只支持数据库存储方式下轮换密钥。")
    keys = rotate_keyfile(settings.file_key_path)
    done = 0
    with _factory() as factory:
        with factory() as session:
            names = list(session.scalars(select(FileBlob.name)))
        for name in names:
            with session_scope(factory) as session:
                blob = session.get(FileBlob, name)
                if blob is None or keys.is_current(blob.sealed):
                    continue
                blob.sealed = keys.rewrap(name, blob.sealed)
                done += 1
    click.echo(
        f"已生成新密钥，重新封装了 {done} 个文件的密钥。旧密钥仍在密钥文件中，可在确认后删除。"
    )


COMMANDS = [storage_group]
