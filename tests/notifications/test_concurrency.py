"""Two dispatchers, two schedulers: on a committed database with separate connections."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

from sqlalchemy import func, select

from notifications.dispatcher import dispatch_pending
from notifications.models import Channel, Delivery, DeliveryStatus
from notifications.service import enqueue
from tests.notifications.conftest import BUSINESS_DAY

T0 = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)


def _mail(i: int) -> dict:
    return {
        "channel": Channel.EMAIL,
        "recipient": None,
        "address": f"inst{i:03d}@hospital.example.cn",
        "subject_ref": f"obligation:{i}",
        "level": "due_3",
        "business_date": BUSINESS_DAY,
        "template": "obligation_due",
        "context": {
            "unit": "医院",
            "title": "统计表三",
            "ref": f"BS-{i}",
            "deadline": "2026-11-26",
            "days_left": 3,
            "path": f"/reporting/obligations/{i}",
        },
    }


def _run_together(n: int, target) -> list:
    barrier = threading.Barrier(n)
    results: list = [None] * n
    errors: list[BaseException] = []

    def run(k: int) -> None:
        try:
            barrier.wait()
            results[k] = target(k)
        except BaseException as err:  # surfaced below, not lost in the thread
            errors.append(err)

    threads = [threading.Thread(target=run, args=(k,)) for k in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    return results


def test_two_dispatchers_send_each_message_once(shared_factory, shared_settings, smtp):
    handler, _port = smtp
    total = 30
    with shared_factory() as session:
        for i in range(total):
            row = enqueue(session, **_mail(i))
            assert row is not None
            row.next_attempt_at = T0
        session.commit()

    results = _run_together(
        2, lambda _k: dispatch_pending(shared_factory, shared_settings, now=T0, batch=total)
    )

    assert sum(r.sent for r in results) == total
    assert handler.recipients() == [f"inst{i:03d}@hospital.example.cn" for i in range(total)]
    with shared_factory() as session:
        statuses = session.execute(
            select(Delivery.status, func.count(), func.max(Delivery.attempts)).group_by(
                Delivery.status
            )
        ).all()
    assert statuses == [(DeliveryStatus.SENT.value, total, 1)]


def test_two_schedulers_enqueue_the_same_reminder_once(shared_factory):
    def enqueue_in_own_session(_k: int) -> bool:
        with shared_factory() as session:
            row = enqueue(session, **_mail(7))
            session.commit()
            return row is not None

    inserted = _run_together(4, enqueue_in_own_session)
    assert inserted.count(True) == 1
    with shared_factory() as session:
        assert session.scalar(select(func.count()).select_from(Delivery)) == 1
