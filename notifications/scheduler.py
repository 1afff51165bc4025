"""The scheduler process: one APScheduler collecting every package's ``jobs.JOBS``.

Jobs are defined in code under stable ids; what was done is kept in our tables (``JobRun``,
``Delivery``), never in a job store. Every run takes the database lease first, so with two
scheduler processes only one acts and the other takes over when the lease expires.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
import os
import signal
import socket
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from config.database import utcnow
from config.jobs import JobSpec
from config.settings import Settings
from notifications import lease
from notifications.digest import business_date
from notifications.models import JobRun

__all__ = ["JobOutcome", "JobSpec", "build_scheduler", "collect_jobs", "run_job_once"]

log = logging.getLogger(__name__)

TRIGGERS: dict[str, type[BaseTrigger]] = {
    "cron": CronTrigger,
    "interval": IntervalTrigger,
    "date": DateTrigger,
}
# Bound on how many missed fire times we walk through when looking for the latest one.
MAX_MISSED_SCAN = 20_000

LEASE_NAME = "scheduler"
LEASE_TTL = timedelta(minutes=5)
# Packages whose ``jobs.py`` may define ``JOBS``; a package not yet written is skipped.
JOB_PACKAGES = (
    "directory",
    "workflow",
    "tips",
    "cases",
    "reporting",
    "campaigns",
    "notifications",
)


def collect_jobs(packages: Iterable[str] = JOB_PACKAGES) -> list[JobSpec]:
    """Every package's ``JOBS``, in package order; ids must be unique."""
    jobs: list[JobSpec] = []
    for package in packages:
        if importlib.util.find_spec(package) is None:
            continue
        if importlib.util.find_spec(f"{package}.jobs") is None:
            continue
        jobs.extend(importlib.import_module(f"{package}.jobs").JOBS)
    ids = [job.id for job in jobs]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise RuntimeError(f"duplicate job ids: {', '.join(duplicates)}")
    return jobs


def holder_id() -> str:
    """Who holds the lease: host and process, plus a nonce so a restarted pid is a new holder."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


@dataclass(frozen=True)
class JobOutcome:
    status: str  # "ok", "error", or "skipped" (another scheduler holds the lease)
    message: str = ""


def run_job_once(
    job_id: str,
    session_factory: sessionmaker,
    settings: Settings,
    *,
    now: datetime | None = None,
    holder: str | None = None,
    jobs: Sequence[JobSpec] | None = None,
) -> JobOutcome:
    """Run one job now if this process holds (or can take) the lease; record it in ``JobRun``."""
    specs = {job.id: job for job in (collect_jobs() if jobs is None else jobs)}
    spec = specs.get(job_id)
    if spec is None:
        raise KeyError(f"unknown job id: {job_id}")
    now = now or utcnow()
    holder = holder or holder_id()
    with session_factory() as session:
        if not lease.acquire(session, LEASE_NAME, holder, LEASE_TTL, now=now):
            session.rollback()
            log.info("job %s skipped: another scheduler holds the lease", job_id)
            return JobOutcome("skipped", "另一个调度进程正在运行。")
        run = session.get(JobRun, job_id) or JobRun(job_id=job_id)
        session.add(run)
        run.last_started_at = now
        run.last_status = "running"
        session.commit()
    try:
        message = spec.func(session_factory, settings, now) or ""
        outcome = JobOutcome("ok", message)
    except Exception as err:
        log.exception("job %s failed", job_id)
        outcome = JobOutcome("error", f"{type(err).__name__}: {err}")
    with session_factory() as session:
        run = session.get_one(JobRun, job_id)
        run.last_finished_at = utcnow()
        run.last_status = outcome.status
        run.last_message = outcome.message[:2000]
        run.last_business_date = business_date(now, settings.timezone)
        session.commit()
    return outcome


def make_trigger(spec: JobSpec, timezone: str) -> BaseTrigger:
    kwargs = dict(spec.trigger)
    kind = kwargs.pop("trigger")
    return TRIGGERS[kind](timezone=timezone, **kwargs)


def catch_up_time(
    trigger: BaseTrigger, last_started: datetime | None, now: datetime, grace: timedelta
) -> datetime | None:
    """``now`` when a tick was missed while no scheduler ran and the latest missed tick is
    within the grace period; the job then runs once, however many ticks were missed.

    Our own ``JobRun`` table is the memory across restarts (there is no persistent job store).
    A job that never ran is not caught up: a new installation starts on its next tick.
    """
    if last_started is None:
        return None
    latest = None
    fire = trigger.get_next_fire_time(None, last_started + timedelta(microseconds=1))
    for _ in range(MAX_MISSED_SCAN):
        if fire is None or fire > now:
            break
        latest = fire
        fire = trigger.get_next_fire_time(fire, fire + timedelta(microseconds=1))
    else:
        latest = now  # a very long outage of a frequent job: run it once now
    if latest is None or now - latest > grace:
        return None
    return now


def build_scheduler(
    session_factory: sessionmaker,
    settings: Settings,
    *,
    holder: str,
    jobs: Sequence[JobSpec] | None = None,
    scheduler: BaseScheduler | None = None,
    now: datetime | None = None,
) -> BaseScheduler:
    """An APScheduler with one entry per job: coalesced and single-instance, so ticks missed
    while the process was stalled run once, not once per tick, and a run never overlaps itself;
    ticks missed while it was down are caught up once from ``JobRun`` (see ``catch_up_time``)."""
    specs = list(collect_jobs() if jobs is None else jobs)
    now = now or utcnow()
    with session_factory() as session:
        rows = session.execute(select(JobRun.job_id, JobRun.last_started_at)).all()
        last_runs = {job_id: started for job_id, started in rows}
    sched = scheduler or BlockingScheduler(timezone=settings.timezone)
    for spec in specs:
        trigger = make_trigger(spec, settings.timezone)
        options: dict = {}
        catch_up = catch_up_time(
            trigger, last_runs.get(spec.id), now, timedelta(seconds=spec.misfire_grace_time)
        )
        if catch_up is not None:
            options["next_run_time"] = catch_up
        sched.add_job(
            run_job_once,
            trigger,
            args=(spec.id, session_factory, settings),
            kwargs={"holder": holder, "jobs": specs},
            id=spec.id,
            name=spec.label or spec.id,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=spec.misfire_grace_time,
            replace_existing=True,
            **options,
        )
    return sched


def run_forever(
    session_factory: sessionmaker, settings: Settings, *, jobs: Sequence[JobSpec] | None = None
) -> None:
    """Run the scheduler until interrupted, then hand the lease over at once.

    ``jobs`` defaults to every package's; the fault tests pass a faster-ticking copy.
    """
    holder = holder_id()
    sched = build_scheduler(session_factory, settings, holder=holder, jobs=jobs)

    def _stop(signum: int, _frame: object) -> None:
        raise SystemExit(0)  # service managers stop with SIGTERM: release the lease first

    signal.signal(signal.SIGTERM, _stop)
    log.info("scheduler %s starting with jobs: %s", holder, [j.id for j in sched.get_jobs()])
    try:
        sched.start()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        with session_factory() as session:
            lease.release(session, LEASE_NAME, holder)
            session.commit()
