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
import threading
import time
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
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import sessionmaker

from config.database import utcnow
from config.jobs import JobSpec
from config.localtime import LOCAL_TZ
from config.settings import Settings
from notifications import lease
from notifications.digest import business_date
from notifications.models import JobRun
from notifications.recovery import RETRY_BASE, reason_to_run, retry_delay

__all__ = [
    "JobOutcome",
    "JobSpec",
    "build_scheduler",
    "collect_jobs",
    "recover",
    "run_job_once",
]

log = logging.getLogger(__name__)

TRIGGERS: dict[str, type[BaseTrigger]] = {
    "cron": CronTrigger,
    "interval": IntervalTrigger,
    "date": DateTrigger,
}

LEASE_NAME = "scheduler"
LEASE_TTL = timedelta(minutes=5)
# The recovery check's own id and period (it also keeps the lease renewed).
RECOVER_JOB = "scheduler.recover"
RECOVER_EVERY = timedelta(seconds=30)
# Packages whose ``jobs.py`` may define ``JOBS``; a package not yet written is skipped.
JOB_PACKAGES = (
    "directory",
    "workflow",
    "tips",
    "cases",
    "reporting",
    "campaigns",
    "supervision",
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


# Jobs executing in this process now: a 'running' row of ours that is not here was
# abandoned (its outcome could not be written, e.g. while the database was down).
_running: set[str] = set()
_running_lock = threading.Lock()


def running_here() -> frozenset[str]:
    with _running_lock:
        return frozenset(_running)


def run_job_once(
    job_id: str,
    session_factory: sessionmaker,
    settings: Settings,
    *,
    now: datetime | None = None,
    holder: str | None = None,
    jobs: Sequence[JobSpec] | None = None,
    retry_base: timedelta = RETRY_BASE,
) -> JobOutcome:
    """Run one job now if this process holds (or can take) the lease; record it in ``JobRun``.

    A failure schedules a retry (``retry_at``, exponential backoff); the recovery check
    runs it then. Success clears the failures and marks the time catch-up is judged by.
    """
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
        run = session.get(JobRun, job_id) or JobRun(job_id=job_id, failures=0)
        session.add(run)
        run.last_started_at = now
        run.last_status = "running"
        run.holder = holder
        run.last_business_date = business_date(now)
        session.commit()
    with _running_lock:
        _running.add(job_id)
    started = time.monotonic()
    try:
        message = spec.func(session_factory, settings, now) or ""
        outcome = JobOutcome("ok", message)
    except Exception as err:
        log.exception("job %s failed", job_id)
        outcome = JobOutcome("error", f"{type(err).__name__}: {err}")
    finally:
        with _running_lock:
            _running.discard(job_id)
    finished = now + timedelta(seconds=time.monotonic() - started)
    try:
        _record_outcome(session_factory, job_id, outcome, finished, retry_base)
    except SQLAlchemyError:
        # The row stays 'running'; as it is not running here, the recovery check runs it
        # again once the database answers.
        log.exception("job %s: its outcome could not be recorded", job_id)
    return outcome


def _record_outcome(
    session_factory: sessionmaker,
    job_id: str,
    outcome: JobOutcome,
    finished: datetime,
    retry_base: timedelta,
) -> None:
    with session_factory() as session:
        run = session.get_one(JobRun, job_id)
        run.last_finished_at = finished
        run.last_status = outcome.status
        run.last_message = outcome.message[:2000]
        if outcome.status == "ok":
            run.last_succeeded_at = finished
            run.failures = 0
            run.retry_at = None
        else:
            run.failures = (run.failures or 0) + 1
            run.retry_at = finished + retry_delay(run.failures, retry_base)
        session.commit()


def make_trigger(spec: JobSpec) -> BaseTrigger:
    kwargs = dict(spec.trigger)
    kind = kwargs.pop("trigger")
    return TRIGGERS[kind](timezone=LOCAL_TZ, **kwargs)


def recover(
    sched: BaseScheduler,
    session_factory: sessionmaker,
    settings: Settings,
    specs: Sequence[JobSpec],
    *,
    holder: str,
    now: datetime | None = None,
) -> list[str]:
    """The recovery check: as lease holder, bring forward every job that must run now
    (see ``notifications.recovery``); returns the ids brought forward."""
    now = now or utcnow()
    with session_factory() as session:
        if not lease.acquire(session, LEASE_NAME, holder, LEASE_TTL, now=now):
            session.rollback()
            return []
        session.commit()
        runs = {run.job_id: run for run in session.scalars(select(JobRun))}
    today = business_date(now)
    here = running_here()
    due: list[str] = []
    for spec in specs:
        trigger = make_trigger(spec)
        grace = timedelta(seconds=spec.misfire_grace_time)
        why = reason_to_run(runs.get(spec.id), trigger, grace, now, today, running_here=here)
        if why is None or sched.get_job(spec.id) is None:
            continue
        log.info("job %s brought forward: %s", spec.id, why)
        sched.modify_job(spec.id, next_run_time=now)
        due.append(spec.id)
    return due


def build_scheduler(
    session_factory: sessionmaker,
    settings: Settings,
    *,
    holder: str,
    jobs: Sequence[JobSpec] | None = None,
    scheduler: BaseScheduler | None = None,
    now: datetime | None = None,
    recover_every: timedelta = RECOVER_EVERY,
    retry_base: timedelta = RETRY_BASE,
) -> BaseScheduler:
    """An APScheduler with one entry per job: coalesced and single-instance, so ticks missed
    while the process was stalled run once, not once per tick, and a run never overlaps itself.

    Beside them, the recovery check (at start, then every ``recover_every``) catches up ticks
    missed while no scheduler ran, re-runs a run abandoned by a dead process and retries a
    failed one; see ``notifications.recovery``. A standby takes over the same way.
    """
    specs = list(collect_jobs() if jobs is None else jobs)
    now = now or utcnow()
    sched = scheduler or BlockingScheduler(timezone=LOCAL_TZ)
    for spec in specs:
        sched.add_job(
            run_job_once,
            make_trigger(spec),
            args=(spec.id, session_factory, settings),
            kwargs={"holder": holder, "jobs": specs, "retry_base": retry_base},
            id=spec.id,
            name=spec.label or spec.id,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=spec.misfire_grace_time,
            replace_existing=True,
        )
    sched.add_job(
        recover,
        IntervalTrigger(seconds=recover_every.total_seconds(), timezone=LOCAL_TZ),
        args=(sched, session_factory, settings, specs),
        kwargs={"holder": holder},
        id=RECOVER_JOB,
        name="补跑中断或失败的任务",
        coalesce=True,
        max_instances=1,
        misfire_grace_time=int(recover_every.total_seconds()) + 60,
        replace_existing=True,
        next_run_time=now,
    )
    return sched


def run_forever(
    session_factory: sessionmaker,
    settings: Settings,
    *,
    jobs: Sequence[JobSpec] | None = None,
    recover_every: timedelta = RECOVER_EVERY,
    retry_base: timedelta = RETRY_BASE,
) -> None:
    """Run the scheduler until interrupted, then hand the lease over at once.

    ``jobs`` defaults to every package's; the fault tests pass a faster-ticking copy (and
    shorter recovery and retry periods).
    """
    holder = holder_id()
    sched = build_scheduler(
        session_factory,
        settings,
        holder=holder,
        jobs=jobs,
        recover_every=recover_every,
        retry_base=retry_base,
    )

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
