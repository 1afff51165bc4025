"""Every scheduled job is idempotent: run again at the same instant (a recovered or retried
run), it adds nothing, so a re-run sends exactly what is missing (issue 16 §1).

The dispatcher (claims, tested in ``tests/faults``) and the mailbox poll (stored UIDs and
Message-IDs, tested in ``tests/tips``) are left out: they need a relay and a mailbox.
"""

from __future__ import annotations

from datetime import UTC, datetime

import time_machine
from sqlalchemy import func, select

from config.database import Base
from directory.models import User
from notifications.models import Delivery, InboxMessage
from notifications.scheduler import collect_jobs

T0 = datetime(2026, 6, 9, 1, 30, tzinfo=UTC)  # Tuesday 09:30 in Shanghai
ELSEWHERE = {"notifications.dispatch", "tips.mailbox_poll"}


def _counts(session) -> dict[str, int]:
    return {
        name: session.scalar(select(func.count()).select_from(table)) or 0
        for name, table in Base.metadata.tables.items()
    }


def test_every_job_run_twice_adds_nothing_the_second_time(db, session_factory, settings):
    reporter = db.scalar(select(User).where(User.username == "reporter"))
    assert reporter is not None
    db.add(InboxMessage(user_id=reporter.id, title="办理提醒", link="/inbox"))
    db.commit()
    jobs = [job for job in collect_jobs() if job.id not in ELSEWHERE]
    assert {"notifications.obligation_reminders", "reporting.generate_obligations"} <= {
        job.id for job in jobs
    }
    with time_machine.travel(T0, tick=False):
        for job in jobs:
            job.func(session_factory, settings, T0)
        db.expire_all()
        first = _counts(db)
        assert first["deliveries"] > 0 and first["obligations"] > 0
        for job in jobs:
            job.func(session_factory, settings, T0)
        db.expire_all()
        assert _counts(db) == first
    assert db.scalar(select(func.count()).select_from(Delivery)) == first["deliveries"]


def test_the_scheduler_page_shows_the_last_success_and_the_next_retry(client, db):
    from notifications.models import JobRun
    from tests.conftest import login

    db.add(
        JobRun(
            job_id="notifications.obligation_reminders",
            last_started_at=T0,
            last_finished_at=T0,
            last_status="error",
            last_message="OperationalError: server closed the connection unexpectedly",
            holder="sched-1",
            last_succeeded_at=datetime(2026, 6, 8, 1, 30, 5, tzinfo=UTC),
            failures=2,
            retry_at=datetime(2026, 6, 9, 1, 32, tzinfo=UTC),
        )
    )
    db.commit()
    login(client, "admin")
    page = client.get("/admin/scheduler").get_data(as_text=True)
    assert "最近成功" in page and "2026年6月8日 09:30" in page
    assert "连续失败 2 次，将于 2026年6月9日 09:32 重试，当日有效" in page
