"""The scheduler process is killed (SIGKILL) in the middle of sending; the next one resumes;
and two started together send each mail once.

Real processes (``scheduler_child.py``: the real ``run_forever`` loop, lease, dispatcher
and SMTP channel) on a committed database of their own, mailing a real aiosmtpd on
loopback. Process A sends two mails and is killed while the relay has not yet answered
the third one's RCPT: its lease and its claim on that mail are left behind, as after a
power cut. A second process started one minute later (its clock set by time-machine)
must not act while the dead holder's lease is valid; one started eleven minutes later
takes the lease over, finds the abandoned claim expired and sends that mail — once —
and nothing that was already sent goes out again.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from config.database import make_engine, make_session_factory
from config.migrate import upgrade_database
from notifications.dispatcher import CLAIM_TIMEOUT
from notifications.models import Channel, Delivery, DeliveryStatus, JobRun, SchedulerLease
from notifications.scheduler import LEASE_NAME, LEASE_TTL
from notifications.service import enqueue
from tests.dbutil import fresh_database
from tests.notifications.conftest import free_port

ROOT = Path(__file__).resolve().parents[2]
T0 = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)  # Monday 11:00 in Shanghai
ADDRESSES = ["a@hospital.example.cn", "b@hospital.example.cn", "c@hospital.example.cn"]
STALLED = ADDRESSES[2]
JOB = "notifications.dispatch"


@dataclass
class StallingRelay:
    """Accepts mail; the first RCPT to ``STALLED`` gets no answer until ``release``."""

    messages: list[str] = field(default_factory=list)
    stalled: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address == STALLED and not self.stalled.is_set():
            self.stalled.set()
            await asyncio.get_running_loop().run_in_executor(None, self.release.wait)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append(str(message["To"]))
        return "250 Message accepted"


@pytest.fixture
def relay() -> Iterator[tuple[StallingRelay, int]]:
    handler = StallingRelay()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield handler, port
    handler.release.set()
    controller.stop()


@dataclass
class Fleet:
    """Scheduler processes started by the test; whatever is left is killed at teardown."""

    env: dict[str, str]
    logs: Path
    procs: list[subprocess.Popen] = field(default_factory=list)

    def start(self, name: str, at: datetime) -> tuple[subprocess.Popen, Path]:
        log = self.logs / f"{name}.log"
        with log.open("wb") as out:
            proc = subprocess.Popen(  # noqa: S603 -- our interpreter, our module
                [sys.executable, "-m", "tests.faults.scheduler_child", at.isoformat()],
                cwd=ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        self.procs.append(proc)
        return proc, log


@pytest.fixture
def fleet(tmp_path: Path, relay) -> Iterator[tuple[Fleet, sessionmaker]]:
    url = fresh_database("faults_sched")
    upgrade_database(url)
    engine = make_engine(url)
    env = {
        **os.environ,
        "QINGFENG_DATABASE_URL": url,
        "QINGFENG_INSTANCE_PATH": str(tmp_path),
        "QINGFENG_SMTP_HOST": "127.0.0.1",
        "QINGFENG_SMTP_PORT": str(relay[1]),
        "QINGFENG_SMTP_FROM": "qingfeng@wjw.example.gov.cn",
        "QINGFENG_BASE_URL": "https://qf.example",
    }
    env.pop("QINGFENG_TEST_DATABASE_URL", None)
    procs = Fleet(env, tmp_path)
    try:
        yield procs, make_session_factory(engine)
    finally:
        for proc in procs.procs:
            if proc.poll() is None:
                proc.kill()
            proc.wait(timeout=10)
        engine.dispose()


def wait_for(what: str, check: Callable[[], object], proc: subprocess.Popen, log: Path):
    """Poll a child process until it reaches a state (not a wait on test time)."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if value := check():
            return value
        if proc.poll() is not None:
            pytest.fail(f"scheduler exited ({proc.returncode}) before {what}:\n{log.read_text()}")
        time.sleep(0.05)
    pytest.fail(f"timed out waiting for {what}:\n{log.read_text()}")


def queue_mail(factory: sessionmaker) -> None:
    with factory() as session:
        for i, address in enumerate(ADDRESSES):
            row = enqueue(
                session,
                channel=Channel.EMAIL,
                recipient=None,
                address=address,
                subject_ref=f"obligation:{900 + i}",
                level="due_1",
                business_date=date(2026, 11, 23),
                template="obligation_due",
                context={
                    "unit": "清河县人民医院",
                    "title": "治理情况统计表三（11月）",
                    "ref": f"BS-2026-{900 + i}",
                    "deadline": "2026-11-24",
                    "days_left": 1,
                    "path": f"/reporting/obligations/{900 + i}",
                },
            )
            assert row is not None
            row.next_attempt_at = T0 - timedelta(minutes=1) + timedelta(seconds=i)
        session.commit()


def deliveries(factory: sessionmaker) -> dict[str, tuple[str, int]]:
    with factory() as session:
        rows = session.scalars(select(Delivery)).all()
        return {r.address: (DeliveryStatus(r.status).value, r.attempts) for r in rows}


def lease_row(factory: sessionmaker) -> SchedulerLease | None:
    with factory() as session:
        return session.get(SchedulerLease, LEASE_NAME)


def test_killed_scheduler_is_resumed_by_the_next_one_and_nothing_is_sent_twice(fleet, relay):
    procs, factory = fleet
    handler, _port = relay
    assert CLAIM_TIMEOUT > LEASE_TTL  # the abandoned claim outlives the dead holder's lease
    queue_mail(factory)

    # A: sends the first two mails, then hangs on the third one's RCPT. Kill it there.
    a, a_log = procs.start("a", T0)
    wait_for("the third mail to hang at the relay", handler.stalled.is_set, a, a_log)
    assert deliveries(factory) == {
        ADDRESSES[0]: ("sent", 1),
        ADDRESSES[1]: ("sent", 1),
        STALLED: ("sending", 1),
    }
    a.send_signal(signal.SIGKILL)
    assert a.wait(timeout=10) == -signal.SIGKILL
    handler.release.set()  # the relay answers a connection that is already gone
    dead_lease = lease_row(factory)
    assert dead_lease is not None and f":{a.pid}:" in dead_lease.holder  # never released
    with factory() as session:
        assert session.get_one(JobRun, JOB).last_status == "running"  # as A left it

    # B1, one minute later: the dead holder's lease is still valid, so B1 must not act.
    b1, b1_log = procs.start("b1", T0 + timedelta(minutes=1))
    wait_for(
        "B1 to find the lease taken",
        lambda: b1_log.read_text().count(f"job {JOB} skipped") >= 2,
        b1,
        b1_log,
    )
    b1.send_signal(signal.SIGTERM)
    assert b1.wait(timeout=10) == 0
    assert deliveries(factory)[STALLED] == ("sending", 1)
    assert lease_row(factory).holder == dead_lease.holder  # B1's orderly exit left it alone

    # B2, eleven minutes later: the lease and the claim have expired; B2 sends the third
    # mail, and keeps running its ticks without sending anything again.
    b2, b2_log = procs.start("b2", T0 + timedelta(minutes=11))
    wait_for(
        "B2 to send the third mail", lambda: deliveries(factory)[STALLED][0] == "sent", b2, b2_log
    )

    def later_run_finished() -> bool:
        with factory() as session:
            run = session.get_one(JobRun, JOB)
            sent = session.scalar(select(Delivery.sent_at).where(Delivery.address == STALLED))
            return (
                run.last_status == "ok"
                and run.last_started_at is not None
                and sent is not None
                and _aware(run.last_started_at) > _aware(sent) + timedelta(seconds=1)
            )

    wait_for("B2 to run the dispatch job again", later_run_finished, b2, b2_log)
    taken = lease_row(factory)
    assert taken is not None and f":{b2.pid}:" in taken.holder
    b2.send_signal(signal.SIGTERM)
    assert b2.wait(timeout=10) == 0
    assert lease_row(factory) is None  # an orderly stop hands the lease over at once

    assert deliveries(factory) == {
        ADDRESSES[0]: ("sent", 1),
        ADDRESSES[1]: ("sent", 1),
        STALLED: ("sent", 2),
    }
    assert sorted(handler.messages) == ADDRESSES  # each mail arrived exactly once


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def test_two_schedulers_started_together_send_each_mail_once(fleet, relay):
    """Two real scheduler processes at the same instant: one holds the lease and sends,
    the other skips its ticks; mail queued while both run is sent once as well."""
    procs, factory = fleet
    handler, _port = relay
    handler.stalled.set()  # no stalling in this test: the relay answers every RCPT at once
    queue_mail(factory)
    a, a_log = procs.start("a", T0)
    b, b_log = procs.start("b", T0)
    both = ((a, a_log), (b, b_log))

    def all_sent() -> bool:
        return all(status == "sent" for status, _ in deliveries(factory).values())

    wait_for("the first three mails", all_sent, a, a_log)
    with factory() as session:  # three more while both are running
        for i in range(3):
            row = enqueue(
                session,
                channel=Channel.EMAIL,
                recipient=None,
                address=f"late{i}@hospital.example.cn",
                subject_ref=f"obligation:{950 + i}",
                level="due_3",
                business_date=date(2026, 11, 23),
                template="obligation_due",
                context={
                    "unit": "清河县中医医院",
                    "title": "治理情况统计表三（11月）",
                    "ref": f"BS-2026-{950 + i}",
                    "deadline": "2026-11-26",
                    "days_left": 3,
                    "path": f"/reporting/obligations/{950 + i}",
                },
            )
            assert row is not None
            row.next_attempt_at = T0  # due on the children's clock, not this process's
        session.commit()
    wait_for("the three late mails", lambda: len(deliveries(factory)) == 6 and all_sent(), b, b_log)
    holder = lease_row(factory)
    assert holder is not None
    acting = [p for p, _ in both if f":{p.pid}:" in holder.holder]
    assert len(acting) == 1  # exactly one of the two holds the lease
    idle_log = next(log for p, log in both if p is not acting[0])
    wait_for(
        "the other to skip a tick",
        lambda: f"job {JOB} skipped" in idle_log.read_text(),
        a,
        a_log,
    )
    for proc, _ in both:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0
    assert all(attempts == 1 for _, attempts in deliveries(factory).values())
    expected = ADDRESSES + [f"late{i}@hospital.example.cn" for i in range(3)]
    assert sorted(handler.messages) == sorted(expected)  # each arrived exactly once
