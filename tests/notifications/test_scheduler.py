"""The scheduler: job runs are recorded, only the lease holder acts, missed ticks run once.

APScheduler is driven by hand (``_process_jobs`` on a scheduler without a timer, jobs run
inline by the ``DebugExecutor``) under ``time_machine``: deterministic, no sleeping.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from apscheduler.executors.debug import DebugExecutor
from apscheduler.schedulers.base import BaseScheduler
from sqlalchemy import select

from config.jobs import JobSpec
from notifications import lease
from notifications.jobs import JOBS
from notifications.models import Channel, Delivery, InboxMessage, JobRun
from notifications.recovery import RETRY_MAX, retry_delay
from notifications.scheduler import (
    LEASE_NAME,
    LEASE_TTL,
    build_scheduler,
    collect_jobs,
    run_job_once,
)
from notifications.service import set_preference
from tests.conftest import user

# Monday 2026-11-23, 09:00 in Shanghai.
MONDAY_9 = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)


class ManualScheduler(BaseScheduler):
    """No timer thread: the test calls ``_process_jobs`` at the instants it chooses."""

    def wakeup(self) -> None:
        pass

    def shutdown(self, wait: bool = True) -> None:
        super().shutdown(wait)


def _manual() -> ManualScheduler:
    return ManualScheduler(timezone="Asia/Shanghai", executors={"default": DebugExecutor()})


class Counter:
    def __init__(self) -> None:
        self.calls: list[datetime] = []

    def __call__(self, session_factory, settings, now):
        self.calls.append(now)
        return f"第 {len(self.calls)} 次"


def test_notification_jobs_are_collected():
    ids = [job.id for job in collect_jobs()]
    assert "notifications.dispatch" in ids and "notifications.daily_digest" in ids
    assert ids == [job.id for job in collect_jobs()]  # stable order


def test_run_is_recorded_and_only_the_lease_holder_acts(db, session_factory, settings):
    counter = Counter()
    jobs = [JobSpec("test.count", {"trigger": "interval", "minutes": 1}, counter)]
    outcome = run_job_once(
        "test.count", session_factory, settings, holder="a", jobs=jobs, now=MONDAY_9
    )
    assert (outcome.status, outcome.message) == ("ok", "第 1 次")
    run = db.get(JobRun, "test.count")
    db.refresh(run)
    assert run.last_status == "ok" and run.last_message == "第 1 次"
    assert run.last_started_at == MONDAY_9 and run.last_business_date.isoformat() == "2026-11-23"
    # Another scheduler process gets nothing done while "a" holds the lease.
    skipped = run_job_once(
        "test.count", session_factory, settings, holder="b", jobs=jobs, now=MONDAY_9
    )
    assert skipped.status == "skipped" and len(counter.calls) == 1
    # When "a" stops renewing, "b" takes over.
    later = MONDAY_9 + lease_ttl_and_a_bit()
    assert (
        run_job_once(
            "test.count", session_factory, settings, holder="b", jobs=jobs, now=later
        ).status
        == "ok"
    )
    assert lease.current(db, LEASE_NAME).holder == "b"


def lease_ttl_and_a_bit() -> timedelta:
    from notifications.scheduler import LEASE_TTL

    return LEASE_TTL + timedelta(seconds=1)


def test_a_failing_job_is_recorded_with_its_error(db, session_factory, settings):
    def boom(session_factory, settings, now):
        raise RuntimeError("SMTP relay misconfigured")

    jobs = [JobSpec("test.boom", {"trigger": "interval", "minutes": 1}, boom)]
    outcome = run_job_once("test.boom", session_factory, settings, holder="a", jobs=jobs)
    assert outcome.status == "error"
    run = db.get(JobRun, "test.boom")
    db.refresh(run)
    assert run.last_status == "error" and "SMTP relay misconfigured" in run.last_message


def test_ticks_missed_while_stalled_run_once(session_factory, settings):
    counter = Counter()
    jobs = [
        JobSpec("test.tick", {"trigger": "interval", "minutes": 1}, counter, misfire_grace_time=300)
    ]
    with time_machine.travel(MONDAY_9, tick=False) as clock:
        sched = build_scheduler(
            session_factory, settings, holder="a", jobs=jobs, scheduler=_manual()
        )
        sched.start()
        sched._process_jobs()
        assert counter.calls == []  # first tick is one interval after start
        clock.shift(timedelta(minutes=30, seconds=5))  # 30 ticks missed (a stalled process)
        sched._process_jobs()
        assert len(counter.calls) == 1
        clock.shift(timedelta(minutes=1))
        sched._process_jobs()
        assert len(counter.calls) == 2
        sched.shutdown(wait=False)


def _record_run(session_factory, job_id: str, when: datetime) -> None:
    with session_factory() as session:
        session.add(JobRun(job_id=job_id, last_started_at=when, last_status="ok"))
        session.commit()


@pytest.mark.parametrize(
    ("last_run", "restart_at", "expected_runs"),
    [
        # Down over Monday 08:30: restarted at 11:00, the digest runs once at once.
        (MONDAY_9 - timedelta(days=1), MONDAY_9 + timedelta(hours=2), 1),
        # Down for three days: still once, for the latest missed morning only.
        (MONDAY_9 - timedelta(days=3), MONDAY_9 + timedelta(hours=2), 1),
        # Already ran this morning: nothing to catch up.
        (MONDAY_9 - timedelta(minutes=30), MONDAY_9 + timedelta(hours=2), 0),
        # Back only in the evening, beyond the grace period: wait for tomorrow.
        (MONDAY_9 - timedelta(days=1), MONDAY_9 + timedelta(hours=10), 0),
    ],
)
def test_daily_job_missed_during_downtime_runs_once_after_restart(
    session_factory, settings, last_run, restart_at, expected_runs
):
    counter = Counter()
    jobs = [JobSpec("test.daily", {"trigger": "cron", "hour": 8, "minute": 30}, counter)]
    _record_run(session_factory, "test.daily", last_run)
    with time_machine.travel(restart_at, tick=False) as clock:
        sched = build_scheduler(
            session_factory, settings, holder="a", jobs=jobs, scheduler=_manual()
        )
        sched.start()
        sched._process_jobs()
        clock.shift(timedelta(minutes=5))
        sched._process_jobs()
        sched.shutdown(wait=False)
    assert len(counter.calls) == expected_runs


class Flaky(Counter):
    """Fails its first ``failures`` calls (the database restarting), then succeeds."""

    def __init__(self, failures: int) -> None:
        super().__init__()
        self.failures = failures

    def __call__(self, session_factory, settings, now):
        result = super().__call__(session_factory, settings, now)
        if len(self.calls) <= self.failures:
            raise ConnectionError("server closed the connection unexpectedly")
        return result


SWEEP_930 = MONDAY_9 + timedelta(minutes=30)


def _walk(sched, clock, until: datetime, step: timedelta = timedelta(seconds=30)) -> None:
    now = datetime.now(UTC)
    while now < until:
        sched._process_jobs()
        clock.shift(step)
        now = datetime.now(UTC)


def test_a_run_left_running_by_a_killed_scheduler_is_run_again_once_its_lease_expires(
    session_factory, settings
):
    """The 09:30 sweep's process was killed mid-run: its row says 'running' and its lease
    is still held. A new scheduler waits for the lease, then runs the sweep again the
    same morning; the next day it runs on its own tick only."""
    counter = Counter()
    jobs = [JobSpec("test.sweep", {"trigger": "cron", "hour": 9, "minute": 30}, counter)]
    with session_factory() as session:
        lease.acquire(session, LEASE_NAME, "dead:1:x", LEASE_TTL, now=SWEEP_930)
        session.add(
            JobRun(
                job_id="test.sweep",
                last_started_at=SWEEP_930,
                last_status="running",
                holder="dead:1:x",
                last_business_date=SWEEP_930.date(),
                last_succeeded_at=SWEEP_930 - timedelta(days=1),
                failures=0,
            )
        )
        session.commit()
    restart = SWEEP_930 + timedelta(minutes=1)
    with time_machine.travel(restart, tick=False) as clock:
        sched = build_scheduler(
            session_factory, settings, holder="b", jobs=jobs, scheduler=_manual()
        )
        sched.start()
        _walk(sched, clock, SWEEP_930 + LEASE_TTL - timedelta(seconds=1))
        assert counter.calls == []  # the dead holder's lease is still valid
        _walk(sched, clock, SWEEP_930 + LEASE_TTL + timedelta(minutes=2))
        assert len(counter.calls) == 1  # recovered, once
        with session_factory() as session:
            run = session.get_one(JobRun, "test.sweep")
            assert (run.last_status, run.holder) == ("ok", "b")
        # Tuesday: the regular 09:30 tick, nothing else.
        clock.move_to(SWEEP_930 + timedelta(days=1) - timedelta(minutes=1))
        _walk(sched, clock, SWEEP_930 + timedelta(days=1, hours=1))
        sched.shutdown(wait=False)
    assert len(counter.calls) == 2


def test_a_failed_run_is_retried_with_backoff_until_it_succeeds(session_factory, settings):
    flaky = Flaky(failures=3)
    jobs = [JobSpec("test.sweep", {"trigger": "cron", "hour": 9, "minute": 30}, flaky)]
    with time_machine.travel(SWEEP_930 - timedelta(seconds=10), tick=False) as clock:
        sched = build_scheduler(
            session_factory, settings, holder="a", jobs=jobs, scheduler=_manual()
        )
        sched.start()
        _walk(sched, clock, SWEEP_930 + timedelta(minutes=30), step=timedelta(seconds=10))
        sched.shutdown(wait=False)
    gaps = [b - a for a, b in zip(flaky.calls, flaky.calls[1:], strict=False)]
    assert len(flaky.calls) == 4  # three failures, then the success; nothing after it
    # Each retry waits the backoff (1, 2, 4 minutes), give or take one recovery check.
    for gap, failures in zip(gaps, (1, 2, 3), strict=True):
        assert retry_delay(failures) <= gap <= retry_delay(failures) + timedelta(seconds=40)
    with session_factory() as session:
        run = session.get_one(JobRun, "test.sweep")
        assert (run.last_status, run.failures, run.retry_at) == ("ok", 0, None)


def test_retries_stop_at_the_end_of_the_business_day(session_factory, settings):
    always = Flaky(failures=10_000)
    jobs = [JobSpec("test.sweep", {"trigger": "cron", "hour": 9, "minute": 30}, always)]
    with time_machine.travel(SWEEP_930 - timedelta(seconds=10), tick=False) as clock:
        sched = build_scheduler(
            session_factory, settings, holder="a", jobs=jobs, scheduler=_manual()
        )
        sched.start()
        # Until Tuesday 09:00 in Shanghai: retries through Monday, none after midnight.
        _walk(sched, clock, SWEEP_930 + timedelta(hours=23, minutes=30), step=timedelta(minutes=1))
        sched.shutdown(wait=False)
    shanghai_days = {business_date(c) for c in always.calls}
    assert shanghai_days == {SWEEP_930.date()}
    gaps = [b - a for a, b in zip(always.calls, always.calls[1:], strict=False)]
    assert max(gaps) <= RETRY_MAX + timedelta(minutes=3)  # capped (give or take two checks)
    assert len(always.calls) < 40


def business_date(instant: datetime):
    from notifications.digest import business_date as bd

    return bd(instant)


def test_catch_up_is_judged_by_the_last_success_not_the_last_start(session_factory, settings):
    """Yesterday's run failed for good; today's 09:30 tick was missed while no scheduler
    ran. Restarted at 11:00, the sweep runs once at once."""
    counter = Counter()
    jobs = [JobSpec("test.sweep", {"trigger": "cron", "hour": 9, "minute": 30}, counter)]
    with session_factory() as session:
        session.add(
            JobRun(
                job_id="test.sweep",
                last_started_at=SWEEP_930 - timedelta(days=1),
                last_status="error",
                last_business_date=(SWEEP_930 - timedelta(days=1)).date(),
                last_succeeded_at=SWEEP_930 - timedelta(days=3),
                failures=12,
            )
        )
        session.commit()
    with time_machine.travel(MONDAY_9 + timedelta(hours=2), tick=False) as clock:
        sched = build_scheduler(
            session_factory, settings, holder="a", jobs=jobs, scheduler=_manual()
        )
        sched.start()
        _walk(sched, clock, MONDAY_9 + timedelta(hours=3))
        sched.shutdown(wait=False)
    assert len(counter.calls) == 1


def _unread_for(db, username: str, n: int) -> None:
    target = user(db, username)
    for i in range(n):
        db.add(InboxMessage(user_id=target.id, title=f"办理提醒：线索 R{i}", link=f"/clues/{i}"))
    db.commit()


@time_machine.travel(MONDAY_9, tick=False)  # deliveries are due from the (frozen) moment queued
def test_daily_digest_mails_unread_items_once_per_working_day(
    db, session_factory, mail_settings, smtp
):
    handler_smtp, _port = smtp
    _unread_for(db, "handler", 3)
    clerk = user(db, "clerk")
    set_preference(db, clerk, clerk, Channel.EMAIL, enabled=False)
    _unread_for(db, "clerk", 1)  # has unread messages but turned e-mail off
    jobs = JOBS
    for _ in range(2):  # a second run the same day sends nothing more
        run_job_once(
            "notifications.daily_digest",
            session_factory,
            mail_settings,
            holder="a",
            jobs=jobs,
            now=MONDAY_9,
        )
        run_job_once(
            "notifications.dispatch",
            session_factory,
            mail_settings,
            holder="a",
            jobs=jobs,
            now=MONDAY_9,
        )
    [mail] = handler_smtp.messages
    assert mail["To"] == user(db, "handler").email
    assert mail["Subject"] == "【清风】您有 3 条未读消息"
    body = mail.get_content()
    assert "https://qf.example/clues/2" in body and "https://qf.example/inbox" in body


def test_no_digest_on_a_weekend(db, session_factory, mail_settings):
    _unread_for(db, "handler", 1)
    sunday = MONDAY_9 - timedelta(days=1)
    outcome = run_job_once(
        "notifications.daily_digest",
        session_factory,
        mail_settings,
        holder="a",
        jobs=JOBS,
        now=sunday,
    )
    assert "不是工作日" in outcome.message
    assert db.scalar(select(Delivery).where(Delivery.level == "digest")) is None


def test_cli_runs_one_job_once(shared_db_url, shared_factory, tmp_path):
    from click.testing import CliRunner

    from notifications.cli import scheduler_command

    env = {"QINGFENG_DATABASE_URL": shared_db_url, "QINGFENG_INSTANCE_PATH": str(tmp_path)}
    listed = CliRunner().invoke(scheduler_command, ["--list"], env=env)
    assert listed.exit_code == 0 and "notifications.daily_digest" in listed.output
    result = CliRunner().invoke(scheduler_command, ["--once", "notifications.dispatch"], env=env)
    assert result.exit_code == 0, result.output
    assert "notifications.dispatch: ok 已发送 0" in result.output
    with shared_factory() as session:
        assert session.get_one(JobRun, "notifications.dispatch").last_status == "ok"
    unknown = CliRunner().invoke(scheduler_command, ["--once", "nope"], env=env)
    assert unknown.exit_code != 0 and "没有这个任务" in unknown.output


def test_cli_once_gives_the_lease_back_when_it_exits(
    shared_db_url, shared_factory, settings, tmp_path
):
    """A second ``--once`` right after the first, and a scheduler started at once, both act."""
    from click.testing import CliRunner

    from notifications.cli import scheduler_command

    env = {"QINGFENG_DATABASE_URL": shared_db_url, "QINGFENG_INSTANCE_PATH": str(tmp_path)}
    for _ in range(2):
        result = CliRunner().invoke(
            scheduler_command, ["--once", "notifications.dispatch"], env=env
        )
        assert result.exit_code == 0, result.output
        assert "notifications.dispatch: ok" in result.output
        assert "另一个调度进程" not in result.output
        with shared_factory() as session:
            assert lease.current(session, LEASE_NAME) is None
    counter = Counter()
    jobs = [JobSpec("test.count", {"trigger": "interval", "minutes": 1}, counter)]
    outcome = run_job_once("test.count", shared_factory, settings, holder="scheduler-b", jobs=jobs)
    assert outcome.status == "ok" and len(counter.calls) == 1
