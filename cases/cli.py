"""CLI commands for clues (click only; ``web/cli.py`` collects ``COMMANDS``)."""

from __future__ import annotations

from pathlib import Path

import click

from config.errors import DomainError


@click.command("import-ledger")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--unit", "unit_code", required=True, help="台账所属机关的单位代码。")
def import_ledger_command(file: Path, unit_code: str) -> None:
    """导入历史问题线索台账（.xlsx 或 UTF-8 .csv）；任何一行有误则整个文件不导入。"""
    from sqlalchemy import select

    from cases.legacy import import_ledger
    from config.database import session_scope
    from config.settings import Settings
    from directory.cli import sessions
    from directory.models import OrgUnit
    from tips.service import vault_for

    settings = Settings.from_env()
    try:
        with sessions() as factory, session_scope(factory) as session:
            unit = session.scalar(select(OrgUnit).where(OrgUnit.code == unit_code))
            if unit is None:
                raise click.ClickException(f"单位代码 {unit_code} 不存在。")
            vault = vault_for(settings)
            report = import_ledger(session, unit, file.name, file.read_bytes(), vault)
    except DomainError as err:
        lines = [err.message, *(err.details if isinstance(err.details, list) else [])]
        raise click.ClickException("\n".join(lines)) from err
    click.echo(f"已导入 {report.created} 条线索。")


COMMANDS = [import_ledger_command]
