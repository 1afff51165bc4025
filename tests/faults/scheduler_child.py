"""The real scheduler loop in a child process, its clock started at a chosen instant.

``python -m tests.faults.scheduler_child ISO_INSTANT`` with the usual ``QINGFENG_*``
environment. The clock starts at ISO_INSTANT and then runs at normal speed (time-machine,
ticking), so a test can start a process "eleven minutes after" another without waiting.
The process starts the way ``qingfeng scheduler`` does (``bootstrap(settings)``, then
``run_forever``). Its jobs are the real ``notifications.dispatch`` on a 1-second interval
instead of one minute, so the test does not wait for the first tick, plus any other real
jobs named in ``QINGFENG_CHILD_JOBS`` (comma-separated ids) on their own triggers, and
any test job list named in ``QINGFENG_CHILD_EXTRA_JOBS`` (``module:ATTRIBUTE``); the
recovery check runs every second and the first retry waits one second. Lease, jobs,
dispatcher and SMTP are real.

Fault points, for the test to act at a precise moment (nothing is mocked):

- ``QINGFENG_CHILD_PAUSE_ON=SQL``: the first statement containing SQL waits before it is
  sent: the process creates ``$QINGFENG_CHILD_FAULT_DIR/paused`` and carries on only once
  ``…/go`` exists (the test kills it there, or takes a lock first).
- ``QINGFENG_CHILD_BUSY_MS``: SQLite's busy timeout, so a locked database fails fast.
"""

from __future__ import annotations

import importlib
import logging
import os
import sys
import threading
import time
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import time_machine
from sqlalchemy import event
from sqlalchemy.engine import Engine


def pause_on(engine: Engine, marker: str, fault_dir: Path) -> None:
    done = threading.Event()

    @event.listens_for(engine, "before_cursor_execute")
    def _pause(conn, cursor, statement, parameters, context, executemany):
        if marker not in statement or done.is_set():
            return
        done.set()
        (fault_dir / "paused").touch()
        while not (fault_dir / "go").exists():
            time.sleep(0.02)  # noqa: S311 - a child process waiting for the test's cue


def busy_timeout(engine: Engine, millis: int) -> None:
    @event.listens_for(engine, "connect")
    def _busy(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout={millis:d}")
        cursor.close()


def main() -> None:
    start = datetime.fromisoformat(sys.argv[1])
    with time_machine.travel(start, tick=True):
        from app_boot import bootstrap
        from config.database import make_engine, make_session_factory
        from config.settings import Settings
        from notifications.scheduler import collect_jobs, run_forever

        settings = Settings.from_env()
        bootstrap(settings)
        logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(name)s %(message)s")
        wanted = {"notifications.dispatch", *os.environ.get("QINGFENG_CHILD_JOBS", "").split(",")}
        jobs = [job for job in collect_jobs() if job.id in wanted]
        jobs = [
            replace(job, trigger={"trigger": "interval", "seconds": 1})
            if job.id == "notifications.dispatch"
            else job
            for job in jobs
        ]
        if extra := os.environ.get("QINGFENG_CHILD_EXTRA_JOBS"):
            module, _, attribute = extra.partition(":")
            jobs += getattr(importlib.import_module(module), attribute)
        engine = make_engine(settings.database_url)
        if marker := os.environ.get("QINGFENG_CHILD_PAUSE_ON"):
            pause_on(engine, marker, Path(os.environ["QINGFENG_CHILD_FAULT_DIR"]))
        if millis := os.environ.get("QINGFENG_CHILD_BUSY_MS"):
            busy_timeout(engine, int(millis))
        try:
            run_forever(
                make_session_factory(engine),
                settings,
                jobs=jobs,
                recover_every=timedelta(seconds=1),
                retry_base=timedelta(seconds=1),
            )
        finally:
            engine.dispose()


if __name__ == "__main__":
    main()
