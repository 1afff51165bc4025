"""When a job must run now although its trigger has not fired: the scheduler's memory of
what was done is our ``JobRun`` table, never a job store.

- Catch-up is judged by the last *successful* completion: a tick missed while no scheduler
  ran, or a run that never finished, is made good once, within the job's grace period.
- A run left 'running' by a holder that no longer holds the lease (the process was killed,
  or the machine lost power) is run again, on the same business day.
- A failed run is retried with exponential backoff, on the same business day.

Every job is idempotent (reminders carry an idempotency key under a unique constraint,
the dispatcher claims each delivery), so running one again sends exactly what is missing.
"""

from __future__ import annotations

from collections.abc import Set
from datetime import UTC, date, datetime, timedelta

from apscheduler.triggers.base import BaseTrigger

from notifications.models import JobRun

# Bound on how many missed fire times we walk through when looking for the latest one.
MAX_MISSED_SCAN = 20_000
# First retry after RETRY_BASE, doubling with each failure, never later than RETRY_MAX.
RETRY_BASE = timedelta(minutes=1)
RETRY_MAX = timedelta(minutes=30)


def aware(value: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; every instant we store is UTC."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)


def retry_delay(failures: int, base: timedelta = RETRY_BASE) -> timedelta:
    """Exponential backoff: base, 2×base, 4×base … capped at ``RETRY_MAX``."""
    return min(base * 2 ** max(failures - 1, 0), max(RETRY_MAX, base))


def catch_up_time(
    trigger: BaseTrigger, last_done: datetime | None, now: datetime, grace: timedelta
) -> datetime | None:
    """``now`` when a tick fell after ``last_done`` and the latest such tick is within the
    grace period; the job then runs once, however many ticks were missed.

    A job that never ran is not caught up: a new installation starts on its next tick.
    """
    if last_done is None:
        return None
    latest = None
    fire = trigger.get_next_fire_time(None, last_done + timedelta(microseconds=1))
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


def reason_to_run(
    run: JobRun | None,
    trigger: BaseTrigger,
    grace: timedelta,
    now: datetime,
    today: date,
    *,
    running_here: Set[str],
) -> str | None:
    """Why job ``run.job_id`` must run now (for the log), or None.

    Called only by the lease holder: a 'running' row that is not running in this process
    was therefore left by a holder whose lease has gone.
    """
    if run is None:
        return None
    if run.job_id in running_here:
        return None
    same_day = run.last_business_date == today
    if run.last_status == "running" and same_day:
        return "recovered"
    if run.last_status == "error" and same_day:
        retry_at = aware(run.retry_at)
        return "retry" if retry_at is None or retry_at <= now else None
    last_done = aware(run.last_succeeded_at or run.last_started_at)
    if catch_up_time(trigger, last_done, now, grace) is not None:
        return "catch-up"
    return None
