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
        status = "已确认" if row.confirmed else "未确认（该年的期限将无法计算）"
        click.echo(f"{year} 年工作日历：{status}，来源：{row.source_label}")
        if row.note:
            click.echo(f"说明：{row.note}")
        days = year_days(session, year)
    for kind in (DayKind.HOLIDAY, DayKind.WORKDAY):
        selected = [d for d in days if d.kind == kind]
        click.echo(f"\n{DAY_KIND_LABELS[kind]}（{len(selected)} 天）：")
        for d in selected:
            click.echo(f"  {d.day.isoformat()} 星期{'一二三四五六日'[d.day.weekday()]} {d.name}")


COMMANDS = [calendar_group]
