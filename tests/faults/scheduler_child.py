"""The real scheduler loop in a child process, its clock started at a chosen instant.

``python -m tests.faults.scheduler_child ISO_INSTANT`` with the usual ``QINGFENG_*``
environment. The clock starts at ISO_INSTANT and then runs at normal speed (time-machine,
ticking), so a test can start a process "eleven minutes after" another without waiting.
The only job is the real ``notifications.dispatch`` on a 1-second interval instead of one
minute, so the test does not wait for the first tick; lease, dispatcher and SMTP are real.
"""

from __future__ import annotations

import logging
import sys
from dataclasses import replace
from datetime import datetime

import time_machine


def main() -> None:
    start = datetime.fromisoformat(sys.argv[1])
    with time_machine.travel(start, tick=True):
        from config.database import make_engine, make_session_factory
        from config.settings import Settings
        from notifications.jobs import JOBS
        from notifications.scheduler import run_forever
        from web.schema import import_all_models

        import_all_models()
        logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(name)s %(message)s")
        [dispatch] = [job for job in JOBS if job.id == "notifications.dispatch"]
        fast = replace(dispatch, trigger={"trigger": "interval", "seconds": 1})
        settings = Settings.from_env()
        engine = make_engine(settings.database_url)
        try:
            run_forever(make_session_factory(engine), settings, jobs=[fast])
        finally:
            engine.dispose()


if __name__ == "__main__":
    main()
