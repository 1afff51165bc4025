"""The 09:30 reminder sweep dies — killed at its insert, killed while dispatching, or its
database connection dropped — and every reminder of the day still arrives exactly once.

Real scheduler processes (``scheduler_child.py``: ``bootstrap``, ``run_forever``, the real
``notifications.obligation_reminders`` sweep on its 09:30 cron trigger and the real
dispatcher) on a committed database of their own, mailing a real aiosmtpd on loopback.
The demo directory owes its May forms on Friday 12 June 2026; on Tuesday 9 June at 09:30
(Shanghai) the sweep queues the three-working-day reminders. What a clean sweep queues is
measured first (in a transaction rolled back); after the fault and the recovery the same
deliveries exist, each sent once, and the relay received each e-mail once.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from aiosmtpd.controller import Controller
from sqlalchemy import func, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import sessionmaker

from config.database import make_engine, make_session_factory, session_scope
from config.migrate import upgrade_database
from directory.demo import load_demo
from directory.models import User
from notifications.models import Channel, ChannelPreference, Delivery, InboxMessage, JobRun
from notifications.obligation_reminders import sweep_obligations
from notifications.scheduler import LEASE_TTL
from reporting.obligations import generate_obligations
from tests.dbutil import fresh_database
from tests.faults.tcp_proxy import TcpProxy
from tests.notifications.conftest import free_port
from workflow.calendar_source import seed_from_package

ROOT = Path(__file__).resolve().parents[2]
SWEEP = "notifications.obligation_reminders"
T0 = datetime(2026, 6, 9, 1, 30, tzinfo=UTC)  # Tuesday 09:30 in Shanghai: the sweep's tick


@dataclass
class Relay:
    """Accepts mail; with ``stall_at`` set, the RCPT of that mail (1-based) gets no answer
    until ``release`` (the process is killed there, mid-dispatch)."""

    stall_at: int = 0
    received: list[str] = field(default_factory=list)
    rcpts: int = 0
    stalled: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        self.rcpts += 1
        if self.rcpts == self.stall_at:
            self.stalled.set()
            await asyncio.get_running_loop().run_in_executor(None, self.release.wait)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.received.append(str(message["To"]))
        return "250 Message accepted"


@dataclass
class World:
    url: str
    factory: sessionmaker
    relay: Relay
    env: dict[str, str]
    logs: Path
    procs: list[subprocess.Popen] = field(default_factory=list)

    def start(self, name: str, at: datetime, **extra: str) -> tuple[subprocess.Popen, Path]:
        log = self.logs / f"{name}.log"
        with log.open("wb") as out:
            proc = subprocess.Popen(  # noqa: S603 -- our interpreter, our module
                [sys.executable, "-m", "tests.faults.scheduler_child", at.isoformat()],
                cwd=ROOT,
                env={**self.env, **extra},
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        self.procs.append(proc)
        return proc, log


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    url = fresh_database("faults_sweep")
    upgrade_database(url)
    engine = make_engine(url)
    factory = make_session_factory(engine)
    with session_scope(factory) as session:
        load_demo(session)
        seed_from_package(session)
        # Each reminder its own e-mail (the default gathers them into a daily digest,
        # tests/notifications/test_reminder_digest.py): what these faults must not double.
        for person in session.scalars(select(User)):
            session.add(ChannelPreference(user_id=person.id, channel="email", mode="item"))
        with time_machine.travel(datetime(2026, 6, 1, 2, tzinfo=UTC), tick=False):
            generate_obligations(session, date(2026, 6, 1))
    relay = Relay()
    port = free_port()
    controller = Controller(relay, hostname="127.0.0.1", port=port)
    controller.start()
    env = {
        **os.environ,
        "QINGFENG_DATABASE_URL": url,
        "QINGFENG_INSTANCE_PATH": str(tmp_path),
        "QINGFENG_SMTP_HOST": "127.0.0.1",
        "QINGFENG_SMTP_PORT": str(port),
        "QINGFENG_SMTP_FROM": "qingfeng@wjw.example.gov.cn",
        "QINGFENG_BASE_URL": "https://qf.example",
        "QINGFENG_CHILD_JOBS": SWEEP,
        "QINGFENG_CHILD_FAULT_DIR": str(tmp_path),
    }
    env.pop("QINGFENG_TEST_DATABASE_URL", None)
    state = World(url, factory, relay, env, tmp_path)
    try:
        yield state
    finally:
        for proc in state.procs:
            if proc.poll() is None:
                proc.kill()
            proc.wait(timeout=10)
        relay.release.set()
        controller.stop()
        engine.dispose()


def expected_deliveries(factory: sessionmaker) -> Counter:
    """What one clean sweep at T0 queues, measured and rolled back."""
    with factory() as session, time_machine.travel(T0, tick=False):
        queued = sweep_obligations(session, T0)
        assert queued > 0, "the demo owes forms due within three working days"
        rows = _keys(session)
        session.rollback()
    with factory() as session:
        assert session.scalar(select(func.count()).select_from(Delivery)) == 0
    return rows


def _keys(session) -> Counter:
    return Counter(
        (d.channel, d.recipient_user_id, d.address, d.subject_ref, d.level)
        for d in session.scalars(select(Delivery))
    )


def wait_for(what: str, check: Callable[[], object], proc: subprocess.Popen, log: Path):
    """Poll a child process until it reaches a state (not a wait on test time)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if value := check():
            return value
        if proc.poll() is not None:
            pytest.fail(f"scheduler exited ({proc.returncode}) before {what}:\n{log.read_text()}")
        time.sleep(0.05)
    pytest.fail(f"timed out waiting for {what}:\n{log.read_text()}")


def all_sent(world: World, expected: Counter) -> Callable[[], bool]:
    def check() -> bool:
        with world.factory() as session:
            statuses = session.scalars(select(Delivery.status)).all()
            return len(statuses) == expected.total() and all(s == "sent" for s in statuses)

    return check


def sweep_run(world: World) -> JobRun | None:
    with world.factory() as session:
        return session.get(JobRun, SWEEP)


def stop(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=15) == 0


def kill(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGKILL)
    assert proc.wait(timeout=10) == -signal.SIGKILL


def assert_each_reminder_arrived_once(world: World, expected: Counter) -> None:
    with world.factory() as session:
        assert _keys(session) == expected  # nothing missing, nothing extra
        rows = session.scalars(select(Delivery)).all()
        assert {d.status for d in rows} == {"sent"}
        emails = Counter(d.address for d in rows if d.channel == Channel.EMAIL)
        inbox = session.scalar(select(func.count()).select_from(InboxMessage))
    assert emails.total() > 0
    assert Counter(world.relay.received) == emails  # each e-mail arrived exactly once
    assert inbox == sum(n for key, n in expected.items() if key[0] == Channel.INAPP)
    with world.factory() as session:  # a sweep now would find nothing missing
        with time_machine.travel(T0 + timedelta(hours=1), tick=False):
            assert sweep_obligations(session, T0 + timedelta(hours=1)) == 0
        session.rollback()


def test_sweep_killed_at_its_insert_is_run_again_once_the_lease_expires(world):
    expected = expected_deliveries(world.factory)
    a, a_log = world.start(
        "a", T0 - timedelta(seconds=2), QINGFENG_CHILD_PAUSE_ON="INSERT INTO deliveries"
    )
    wait_for("the sweep to reach its insert", (world.logs / "paused").exists, a, a_log)
    kill(a)
    run = sweep_run(world)
    assert run is not None and run.last_status == "running"  # as the dead process left it
    with world.factory() as session:
        assert session.scalar(select(func.count()).select_from(Delivery)) == 0

    # Restarted after the dead holder's lease has expired, the same morning.
    b, b_log = world.start("b", T0 + LEASE_TTL + timedelta(minutes=1))
    wait_for("every reminder to be sent", all_sent(world, expected), b, b_log)
    assert "brought forward: recovered" in b_log.read_text()
    run = sweep_run(world)
    assert run is not None and run.last_status == "ok" and f":{b.pid}:" in run.holder
    stop(b)
    assert_each_reminder_arrived_once(world, expected)


def test_scheduler_killed_while_dispatching_the_sweep_resumes_and_sends_each_once(world):
    expected = expected_deliveries(world.factory)
    emails = sum(n for key, n in expected.items() if key[0] == Channel.EMAIL)
    assert emails >= 3
    world.relay.stall_at = 3  # the third e-mail hangs at RCPT: kill the process there
    a, a_log = world.start("a", T0 - timedelta(seconds=2))
    wait_for("the third e-mail to hang at the relay", world.relay.stalled.is_set, a, a_log)
    kill(a)
    world.relay.release.set()  # the relay answers a connection that is already gone
    assert len(world.relay.received) == 2
    run = sweep_run(world)
    assert run is not None and run.last_status == "ok"  # the sweep itself had finished

    # After the lease and the abandoned claim have expired.
    b, b_log = world.start("b", T0 + timedelta(minutes=11))
    wait_for("every reminder to be sent", all_sent(world, expected), b, b_log)
    stop(b)
    assert_each_reminder_arrived_once(world, expected)


def test_sweep_whose_database_fails_mid_insert_is_retried_the_same_morning(world):
    """PostgreSQL: the connection is dropped as the sweep's INSERT reaches the server (a
    restart). SQLite: another process holds the write lock when the sweep inserts, beyond
    the busy timeout. Either way the sweep raises, is recorded as failed and is retried
    with backoff by the same process, and every reminder arrives once."""
    expected = expected_deliveries(world.factory)
    url = make_url(world.url)
    proxy = None
    if url.get_backend_name() == "postgresql":
        proxy = TcpProxy(url.port or 5432, cut_request_on=b"INSERT INTO deliveries", cut_limit=1)
        proxy.up()
        via_proxy = url.set(host="127.0.0.1", port=proxy.port)
        a, a_log = world.start(
            "a",
            T0 - timedelta(seconds=2),
            QINGFENG_DATABASE_URL=via_proxy.render_as_string(hide_password=False),
        )
        wait_for("every reminder to be sent", all_sent(world, expected), a, a_log)
        assert proxy.cuts == 1
    else:
        a, a_log = world.start(
            "a",
            T0 - timedelta(seconds=2),
            QINGFENG_CHILD_PAUSE_ON="INSERT INTO deliveries",
            QINGFENG_CHILD_BUSY_MS="500",
        )
        wait_for("the sweep to reach its insert", (world.logs / "paused").exists, a, a_log)
        assert url.database is not None
        locker = sqlite3.connect(url.database, timeout=30, isolation_level=None)
        try:
            locker.execute("BEGIN IMMEDIATE")  # the write lock, as another process would
            (world.logs / "go").touch()
            wait_for(
                "the sweep to fail", lambda: f"job {SWEEP} failed" in a_log.read_text(), a, a_log
            )
        finally:
            locker.execute("ROLLBACK")
            locker.close()
        wait_for("every reminder to be sent", all_sent(world, expected), a, a_log)
    log = a_log.read_text()
    assert f"job {SWEEP} failed" in log and "brought forward: retry" in log
    run = sweep_run(world)
    assert run is not None and (run.last_status, run.failures) == ("ok", 0)
    stop(a)  # through the proxy, still up: it gives the lease back
    if proxy is not None:
        proxy.down()
    assert_each_reminder_arrived_once(world, expected)
