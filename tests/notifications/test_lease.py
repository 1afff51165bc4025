"""The scheduler lease: one holder at a time; a standby takes over when the lease expires."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import time_machine

from notifications import lease
from notifications.models import SchedulerLease

TTL = timedelta(minutes=5)
T0 = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)


def _acquire(factory, holder: str) -> bool:
    with factory() as session:
        ok = lease.acquire(session, "scheduler", holder, TTL)
        session.commit()
        return ok


def _renew(factory, holder: str) -> bool:
    with factory() as session:
        ok = lease.renew(session, "scheduler", holder, TTL)
        session.commit()
        return ok


def test_second_holder_waits_and_takes_over_on_expiry(shared_factory):
    with time_machine.travel(T0, tick=False) as clock:
        assert _acquire(shared_factory, "host-a:1") is True
        assert _acquire(shared_factory, "host-b:2") is False
        clock.shift(timedelta(minutes=4))
        assert _acquire(shared_factory, "host-a:1") is True  # renews, keeps its tenure
        clock.shift(timedelta(minutes=4))
        assert _acquire(shared_factory, "host-b:2") is False  # renewed at +4, valid to +9
        clock.shift(timedelta(minutes=2))  # A went silent: its lease ran out at +9
        assert _acquire(shared_factory, "host-b:2") is True
        assert _renew(shared_factory, "host-a:1") is False  # A must stop acting
        assert _acquire(shared_factory, "host-a:1") is False
        with shared_factory() as session:
            row = session.get(SchedulerLease, "scheduler")
            assert row.holder == "host-b:2"
            assert row.acquired_at == T0 + timedelta(minutes=10)
            assert row.expires_at == T0 + timedelta(minutes=15)


def test_release_hands_over_at_once(shared_factory):
    with time_machine.travel(T0, tick=False):
        assert _acquire(shared_factory, "a") is True
        with shared_factory() as session:
            assert lease.release(session, "scheduler", "b") is False  # not b's to release
            assert lease.release(session, "scheduler", "a") is True
            session.commit()
        assert _acquire(shared_factory, "b") is True


def test_racing_for_a_missing_lease_gives_one_winner(shared_factory):
    barrier = threading.Barrier(4)
    results: list[bool] = []

    def contend(name: str) -> None:
        barrier.wait()
        results.append(_acquire(shared_factory, name))

    threads = [threading.Thread(target=contend, args=(f"h{i}",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [False, False, False, True]
