"""CLI commands for notifications (click only; ``web/cli.py`` collects them)."""

from __future__ import annotations

import logging
import sys

import click


@click.command("scheduler")
@click.option(
    "--once",
    "once",
    metavar="JOB_ID",
    help="只运行一次指定任务后退出（例如 notifications.dispatch）。",
)
@click.option("--list", "list_jobs", is_flag=True, help="列出全部定时任务。")
def scheduler_command(once: str | None, list_jobs: bool) -> None:
    """启动定时任务进程（提醒、发送通知、每日摘要）；多个进程同时运行时只有一个生效。"""
    from config.database import make_engine, make_session_factory
    from config.settings import Settings
    from notifications.scheduler import collect_jobs, run_forever

    # The models, hooks and settings were set up by ``bootstrap`` (``web/cli.py``'s group).
    jobs = collect_jobs()
    if list_jobs:
        for job in jobs:
            click.echo(f"{job.id:<32} {job.label}  {dict(job.trigger)}")
        return
    settings = Settings.from_env()
    engine = make_engine(settings.database_url)
    factory = make_session_factory(engine)
    try:
        if once:
            _run_once(once, {job.id for job in jobs}, factory, settings, jobs)
            return
        logging.basicConfig(
            level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s"
        )
        _check_intake(factory, settings)
        click.echo("定时任务进程已启动（按 Ctrl+C 停止）。")
        run_forever(factory, settings)
    finally:
        engine.dispose()


def _check_intake(factory, settings) -> None:
    """Refuse to start while a body that receives tips has nobody to register them."""
    from cases.intake_coverage import check_intake_coverage
    from config.errors import DomainError

    with factory() as session:
        try:
            check_intake_coverage(session, settings)
        except DomainError as err:
            raise click.ClickException(err.message) from err


def _run_once(job_id, known, factory, settings, jobs) -> None:
    from notifications import lease
    from notifications.scheduler import LEASE_NAME, holder_id, run_job_once

    if job_id not in known:
        raise click.ClickException(f"没有这个任务：{job_id}（用 --list 查看全部任务）")
    holder = holder_id()
    _print_sweep_progress()
    try:
        outcome = run_job_once(job_id, factory, settings, jobs=jobs, holder=holder)
    finally:
        # A one-off run gives the lease back as it exits, so the next ``--once`` or a
        # scheduler started now is not told that another one is running.
        with factory() as session:
            lease.release(session, LEASE_NAME, holder)
            session.commit()
    click.echo(f"{job_id}: {outcome.status} {outcome.message}")
    if outcome.status == "error":
        raise SystemExit(1)


class _CurrentStderr(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever ``sys.stderr`` is at the time of the record (a handler bound to
    the stream of its creation would keep writing to a stream replaced since)."""

    @property  # type: ignore[override]
    def stream(self):  # noqa: D102
        return sys.stderr

    @stream.setter
    def stream(self, _value) -> None:
        pass


def _print_sweep_progress() -> None:
    """A line per chunk of a sweep (notifications.chunks logs them on ``qingfeng.sweep``)."""
    sweep = logging.getLogger("qingfeng.sweep")
    sweep.setLevel(logging.INFO)
    if any(getattr(h, "qingfeng_cli", False) for h in sweep.handlers):
        return
    handler = _CurrentStderr()
    handler.setFormatter(logging.Formatter("%(message)s"))
    handler.qingfeng_cli = True  # type: ignore[attr-defined]
    sweep.addHandler(handler)


COMMANDS = [scheduler_command]
