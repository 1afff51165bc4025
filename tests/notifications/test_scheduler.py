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
from notifications.scheduler import LEASE_NAME, build_scheduler, collect_jobs, run_job_once
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
