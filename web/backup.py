"""``qingfeng backup`` and ``qingfeng restore``.

SQLite: SQLite's online backup API copies a consistent snapshot while the app keeps
running (WAL readers do not block writers), and restore writes through the same API into
the target, then migrates it to head. PostgreSQL: the commands print the ``pg_dump`` /
``pg_restore`` invocations, which are the right tools there (README, "Backup").
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import click
from sqlalchemy.engine import make_url

from config.database import normalize_url


class BackupError(click.ClickException):
    pass


def sqlite_path(database_url: str) -> Path | None:
    url = make_url(normalize_url(database_url))
    if url.get_backend_name() != "sqlite":
        return None
    if not url.database or url.database == ":memory:":
        raise BackupError("内存数据库无法备份。")
    return Path(url.database)


def backup_sqlite(source: Path, target: Path) -> None:
    """Copy a live SQLite database to ``target`` with the online backup API."""
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=30)
    dst = sqlite3.connect(target)
    try:
        # One step: the read transaction sees one snapshot, whatever writers do meanwhile.
        src.backup(dst)
        dst.execute("PRAGMA journal_mode=DELETE")  # a single self-contained file
    finally:
        dst.close()
        src.close()


def is_qingfeng_database(path: Path) -> bool:
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error:
        return False
    try:
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        return row is not None
    except sqlite3.DatabaseError:
        return False
    finally:
        conn.close()


def database_in_use(path: Path) -> bool:
    """True while another connection has the database open or mid-transaction.

    In WAL mode SQLite keeps ``-wal``/``-shm`` files while any connection is open and removes
    them when the last one closes; a write lock we cannot take means a writer is active.
    """
    if not path.exists():
        return False
    if Path(f"{path}-wal").exists() or Path(f"{path}-shm").exists():
        return True
    conn = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        conn.execute("BEGIN EXCLUSIVE")
        conn.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError:
        return True
    finally:
        conn.close()


def restore_sqlite(source: Path, target: Path, *, force: bool = False) -> None:
    """Replace ``target``'s content with the backup ``source`` and migrate it to head."""
    from config.migrate import upgrade_database

    if not source.is_file() or not is_qingfeng_database(source):
        raise BackupError(f"{source} 不是清风数据库备份（没有数据库版本记录），已拒绝恢复。")
    if database_in_use(target) and not force:
        raise BackupError(
            f"数据库 {target} 正在使用中（应用或定时任务仍在运行）。"
            "请先停止它们；确需强行覆盖请加 --force。"
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    # Written through the backup API, not a file copy: open connections see a consistent
    # switch and no stale -wal file can be replayed over the restored pages.
    dst = sqlite3.connect(target, timeout=30)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()
    upgrade_database(f"sqlite:///{target}")


def pg_dump_command(database_url: str, file: str) -> str:
    url = make_url(normalize_url(database_url)).set(drivername="postgresql")
    shown = url.render_as_string(hide_password=True)
    return f'pg_dump --format=custom --no-owner --file="{file}" --dbname="{shown}"'


def pg_restore_command(database_url: str, file: str) -> str:
    url = make_url(normalize_url(database_url)).set(drivername="postgresql")
    shown = url.render_as_string(hide_password=True)
    return (
        f'pg_restore --clean --if-exists --no-owner --single-transaction --dbname="{shown}" '
        f'"{file}"\nqingfeng init   # 迁移到最新版本'
    )


@click.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="覆盖已存在的备份文件。")
def backup_command(file: Path, force: bool) -> None:
    """备份数据库：SQLite 在线备份（应用可继续运行）；PostgreSQL 打印 pg_dump 命令。"""
    from config.settings import Settings

    url = Settings.from_env().database_url
    source = sqlite_path(url)
    if source is None:
        click.echo("PostgreSQL 数据库请用 pg_dump 备份（口令用 PGPASSWORD 或 ~/.pgpass 提供）：")
        click.echo(pg_dump_command(url, str(file)))
        return
    if file.exists() and not force:
        raise BackupError(f"{file} 已存在；如需覆盖请加 --force。")
    if not source.exists():
        raise BackupError(f"数据库文件 {source} 不存在。")
    if file.exists():
        file.unlink()
    backup_sqlite(source, file)
    click.echo(f"已备份到 {file}（{file.stat().st_size} 字节）。")


@click.command("restore")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="即使数据库正在使用也覆盖（可能中断正在进行的操作）。")
def restore_command(file: Path, force: bool) -> None:
    """从备份恢复数据库并迁移到最新版本；PostgreSQL 打印 pg_restore 命令。"""
    from config.settings import Settings

    url = Settings.from_env().database_url
    target = sqlite_path(url)
    if target is None:
        click.echo("PostgreSQL 数据库请先停止应用，再用 pg_restore 恢复，然后迁移：")
        click.echo(pg_restore_command(url, str(file)))
        return
    restore_sqlite(file, target, force=force)
    click.echo(f"已从 {file} 恢复到 {target}，并已迁移到最新版本。")


COMMANDS = [backup_command, restore_command]
