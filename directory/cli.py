"""CLI commands for the directory (click only; ``web/cli.py`` collects them)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from config.database import session_scope
from config.errors import DomainError
from directory.importer import import_directory
from directory.models import OrgUnit, UnitKind, User
from directory.roles import Role
from directory.service import add_unit, add_user


@contextmanager
def sessions() -> Iterator[sessionmaker]:
    """A session factory for one command; its engine is disposed when the command ends, so
    no pooled connection outlives it (PostgreSQL would see it dropped while still open)."""
    from config.database import make_engine, make_session_factory
    from config.settings import Settings

    factory = make_session_factory(make_engine(Settings.from_env().database_url))
    try:
        yield factory
    finally:
        factory.kw["bind"].dispose()


@click.command("import-directory")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_directory_command(file: Path) -> None:
    """从 CSV（UTF-8）或 XLSX 文件导入单位和机构；任何一行有误则整个文件不导入。"""
    try:
        with sessions() as factory, session_scope(factory) as session:
            created = import_directory(session, None, file.name, file.read_bytes())
    except DomainError as err:
        click.echo(err.message, err=True)
        for line in list(err.details or []):  # type: ignore[call-overload]
            click.echo(f"  {line}", err=True)
        raise SystemExit(1) from err
    click.echo(f"导入成功：新增 {created} 个单位。")


# Steps other packages run after ``init`` has migrated (each in its own transaction,
# returning a line to print); ``web/cli.py`` registers them, directory imports none.
INIT_HOOKS: list[Callable[[Session], str]] = []


def _run_init_hooks() -> None:
    if not INIT_HOOKS:
        return
    with sessions() as factory:
        for hook in INIT_HOOKS:
            with session_scope(factory) as session:
                click.echo(hook(session))


@click.command("init")
@click.option("--admin", "admin_username", help="创建首个管理员的用户名。")
@click.option(
    "--province",
    default="省卫生健康委员会",
    show_default=True,
    help="数据库为空时创建的顶级单位名称。",
)
def init_command(admin_username: str | None, province: str) -> None:
    """迁移数据库到最新版本；可选创建首个管理员（密码取自 QINGFENG_ADMIN_PASSWORD 或交互输入）。"""
    from config.migrate import upgrade_database
    from config.settings import Settings

    settings = Settings.from_env()
    if settings.database_url.startswith("sqlite:///"):
        Path(settings.database_url.removeprefix("sqlite:///")).parent.mkdir(
            parents=True, exist_ok=True
        )
    click.echo("正在迁移数据库…")
    upgrade_database(settings.database_url)
    click.echo("数据库已是最新版本。")
    _run_init_hooks()
    if not admin_username:
        return
    with sessions() as factory, session_scope(factory) as session:
        if session.scalar(select(User.id).where(User.username == admin_username)):
            click.echo(f"用户 {admin_username} 已存在，未修改。")
            return
        password = os.environ.get("QINGFENG_ADMIN_PASSWORD") or click.prompt(
            "管理员密码", hide_input=True, confirmation_prompt=True
        )
        root = session.scalar(select(OrgUnit).where(OrgUnit.parent_id.is_(None)))
        if root is None:
            root = add_unit(session, code="P", name=province, kind=UnitKind.PROVINCE, parent=None)
        try:
            add_user(
                session,
                username=admin_username,
                display_name="管理员",
                password=password,
                role=Role.ADMIN,
                unit=root,
            )
        except DomainError as err:
            raise click.ClickException(err.message) from err
    click.echo(f"已创建管理员 {admin_username}（单位：{root.name}）。")


@click.command("add-user")
@click.argument("username")
@click.option("--name", "display_name", required=True, help="姓名。")
@click.option(
    "--role",
    type=click.Choice([r.value for r in Role]),
    required=True,
    help="角色（clerk 登记员、leader 分管/主要负责人 …）。",
)
@click.option("--unit", "unit_code", required=True, help="所在单位或处室的代码。")
def add_user_command(username: str, display_name: str, role: str, unit_code: str) -> None:
    """添加用户（密码取自 QINGFENG_USER_PASSWORD 或交互输入）：例如为收到举报的单位添加登记员。"""
    with sessions() as factory, session_scope(factory) as session:
        unit = session.scalar(select(OrgUnit).where(OrgUnit.code == unit_code))
        if unit is None:
            raise click.ClickException(f"单位代码 {unit_code} 不存在。")
        password = os.environ.get("QINGFENG_USER_PASSWORD") or click.prompt(
            "密码", hide_input=True, confirmation_prompt=True
        )
        try:
            add_user(
                session,
                username=username,
                display_name=display_name,
                password=password,
                role=Role(role),
                unit=unit,
            )
        except DomainError as err:
            raise click.ClickException(err.message) from err
    click.echo(f"已添加用户 {username}（{unit.name}）。")


COMMANDS = [init_command, import_directory_command, add_user_command]


@click.command("api-token")
@click.argument("username")
@click.argument("name")
def api_token_command(username: str, name: str) -> None:
    """为用户创建接口令牌（只显示一次）。"""
    from directory.tokens import create_token

    with sessions() as factory, session_scope(factory) as session:
        owner = session.scalar(select(User).where(User.username == username))
        if owner is None:
            raise click.ClickException(f"用户 {username} 不存在。")
        _, token = create_token(session, owner, owner, name)
    click.echo(token)


COMMANDS.append(api_token_command)
