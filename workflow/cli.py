"""CLI commands for the working-day calendar (click only; ``web/cli.py`` collects them)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import click
from sqlalchemy.orm import Session

from config.database import session_scope
from workflow.calendar_models import DAY_KIND_LABELS, CalendarYear, DayKind
from workflow.calendar_service import year_days
from workflow.calendar_source import seed_on_init


@contextmanager
def _unit_of_work() -> Iterator[Session]:
    """One committed unit of work on the configured database; the pool is closed after it."""
    from config.database import make_engine, make_session_factory
    from config.settings import Settings

    engine = make_engine(Settings.from_env().database_url)
    try:
        with session_scope(make_session_factory(engine)) as session:
            yield session
    finally:
        engine.dispose()


@click.group("calendar")
def calendar_group() -> None:
    """工作日历：法定节假日与调休上班日。"""


@calendar_group.command("seed")
def seed_command() -> None:
    """从内置数据（chinesecalendar）载入各年放假安排；不改动管理员录入的年份。"""
    with _unit_of_work() as session:
        click.echo(seed_on_init(session))


@calendar_group.command("show")
@click.argument("year", type=int)
def show_command(year: int) -> None:
    """列出某年的放假日期和调休上班日期。"""
    with _unit_of_work() as session:
        row = session.get(CalendarYear, year)
        if row is None:
            raise click.ClickException(f"{year} 年没有工作日历记录，请管理员录入。")
        status = "已确认" if row.confirmed else "未确认（落在该年的期限暂为待定，确认后自动计算）"
        click.echo(f"{year} 年工作日历：{status}，来源：{row.source_label}")
        if row.note:
            click.echo(f"说明：{row.note}")
        days = year_days(session, year)
    for kind in (DayKind.HOLIDAY, DayKind.WORKDAY):
        selected = [d for d in days if d.kind == kind]
        click.echo(f"\n{DAY_KIND_LABELS[kind]}（{len(selected)} 天）：")
        for d in selected:
            click.echo(f"  {d.day.isoformat()} 星期{'一二三四五六日'[d.day.weekday()]} {d.name}")


@click.group("audit")
def audit_group() -> None:
    """审计日志防篡改：封存（哈希链）与校验。"""


@audit_group.command("seal")
def audit_seal_command() -> None:
    """立即封存已落定的办理日志和审计事件，并打印链头哈希（请另行保存以便比对）。"""
    from workflow.audit import seal_all, verify

    with _unit_of_work() as session:
        sealed = seal_all(session)
    with _unit_of_work() as session:
        head = verify(session).head_hash
    click.echo(f"已封存 {sealed} 行。链头哈希：{head}")


@audit_group.command("verify")
def audit_verify_command() -> None:
    """重新计算哈希链；发现被改动、删除或插入的记录时指出第一处并以状态码 1 退出。"""
    from workflow.audit import verify

    with _unit_of_work() as session:
        report = verify(session)
    if not report.ok:
        click.echo(f"校验失败：{report.problem}", err=True)
        raise SystemExit(1)
    click.echo(
        f"校验通过：{report.seals} 个封存、{report.rows} 行记录一致；"
        f"尚未封存 {report.unsealed} 行。链头哈希：{report.head_hash}"
    )


COMMANDS = [calendar_group, audit_group]
