"""The ``qingfeng`` console script: Flask's CLI plus each package's commands."""

from __future__ import annotations

import click
from flask.cli import FlaskGroup
from sqlalchemy import inspect

import campaigns.demo
import cases.demo
import cases.demo_duties
import documents.demo
import rectification.demo
import reporting.demo
import reporting.demo_routing
import reporting.registers.demo
import supervision.demo
from app_boot import bootstrap
from cases.cli import COMMANDS as CASES_COMMANDS
from config.localtime import LOCAL_TZ
from config.settings import Settings, SettingsError
from directory.cli import COMMANDS as DIRECTORY_COMMANDS
from notifications.cli import COMMANDS as NOTIFICATION_COMMANDS
from notifications.router import RouteError
from tips.cli import COMMANDS as TIPS_COMMANDS
from web.backup import COMMANDS as BACKUP_COMMANDS
from web.storage_cli import COMMANDS as STORAGE_COMMANDS
from workflow.cli import COMMANDS as CALENDAR_COMMANDS
from workflow.diagram import COMMANDS as WORKFLOW_COMMANDS


def _create_app(*, check_intake: bool = False):
    """The app for CLI commands; only ``serve`` checks that every tip reaches somebody, so
    the commands that fix the gap (add-user, import-directory) still run."""
    from config.errors import DomainError
    from web.app import create_app

    try:
        return create_app(check_intake=check_intake)
    except DomainError as err:
        raise click.ClickException(err.message) from err


# Demo data after the directory's, in dependency order.
DEMO_MODULES = [
    cases.demo,
    reporting.demo,
    campaigns.demo,
    reporting.demo_routing,
    reporting.registers.demo,
    rectification.demo,
    supervision.demo,
    documents.demo,
    cases.demo_duties,  # the duties beside the stories: 重大, report back, referral outcome
]


@click.group(cls=FlaskGroup, create_app=_create_app, add_version_option=False, load_dotenv=False)
def main() -> None:
    """清风 — 行风问题线索工作平台。"""
    # Every command, the scheduler included, starts through the one composition root.
    try:
        settings = Settings.from_env()
    except SettingsError:
        # Incomplete settings (e.g. production without a secret key): a command that needs
        # them reads them itself and says what is missing; one that does not still runs.
        return
    try:
        bootstrap(settings)
    except (ValueError, RouteError) as err:  # an unreadable QINGFENG_TIME_LIMITS…
        raise click.ClickException(str(err)) from err


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--with-scheduler", is_flag=True, help="同时在本进程内运行定时任务（嵌入式部署）。")
def serve_command(host: str, port: int, with_scheduler: bool) -> None:
    """启动内置服务器（嵌入式 SQLite 部署）；生产环境请用 gunicorn，见 README。"""
    from werkzeug.serving import run_simple

    app = _create_app(check_intake=True)
    scheduler = _start_background_scheduler(app) if with_scheduler else None
    click.echo(f"清风已启动：http://{host}:{port}/  （按 Ctrl+C 停止）")
    try:
        run_simple(host, port, app, threaded=True, use_reloader=False)
    finally:
        if scheduler is not None:
            scheduler()


def _start_background_scheduler(app):
    """The scheduler beside the embedded server; the database lease still lets only one
    scheduler act, so a separate ``qingfeng scheduler`` process is safe alongside."""
    from apscheduler.schedulers.background import BackgroundScheduler

    from notifications import lease
    from notifications.scheduler import LEASE_NAME, build_scheduler, holder_id

    settings = app.config["QINGFENG"]
    factory = app.extensions["qingfeng_sessions"]
    holder = holder_id()
    sched = build_scheduler(
        factory,
        settings,
        holder=holder,
        scheduler=BackgroundScheduler(timezone=LOCAL_TZ),
    )
    sched.start()
    click.echo(f"定时任务已在后台运行（{len(sched.get_jobs())} 项）。")

    def stop() -> None:
        sched.shutdown(wait=False)
        with factory() as session:
            lease.release(session, LEASE_NAME, holder)
            session.commit()

    return stop


@main.command("demo")
@click.option("--if-empty", is_flag=True, help="只在数据库为空时载入演示数据。")
def demo_command(if_empty: bool) -> None:
    """载入演示数据：示范省、约 30 家机构、每个角色一个用户，以及各办理环节的线索。"""
    from config.database import session_scope
    from directory import demo as directory_demo
    from directory.cli import sessions

    with sessions() as factory:
        with factory() as probe:
            if not inspect(probe.get_bind()).has_table("org_units"):
                raise click.ClickException("数据库尚未初始化：请先运行 qingfeng init。")
        with session_scope(factory) as session:
            if not directory_demo.is_empty(session):
                if not if_empty:
                    raise click.ClickException("数据库中已有数据，未载入演示数据。")
                click.echo("数据库中已有数据，跳过载入演示数据。")
            else:
                directory_demo.load_demo(session)
                for module in DEMO_MODULES:
                    module.load_demo(session)
                click.echo("已载入演示数据。")
            lines = directory_demo.sign_in_lines(session)
    click.echo(f"\n演示账号（密码均为 {directory_demo.DEMO_PASSWORD}）：")
    for line in lines:
        click.echo(line)


for command in [
    *DIRECTORY_COMMANDS,
    *CALENDAR_COMMANDS,
    *WORKFLOW_COMMANDS,
    *NOTIFICATION_COMMANDS,
    *TIPS_COMMANDS,
    *BACKUP_COMMANDS,
    *CASES_COMMANDS,
    *STORAGE_COMMANDS,
]:
    main.add_command(command)
