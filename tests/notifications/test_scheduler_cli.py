"""``qingfeng scheduler --once JOB``, the console script in its own process, twice in a row:
the second is not told that another scheduler is running, and no lease is left behind."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from notifications import lease
from notifications.scheduler import LEASE_NAME

ROOT = Path(__file__).resolve().parents[2]
QINGFENG = Path(sys.executable).with_name("qingfeng")


def test_once_twice_in_a_row_both_act_and_leave_no_lease(shared_db_url, shared_factory, tmp_path):
    env = {
        **os.environ,
        "QINGFENG_DATABASE_URL": shared_db_url,
        "QINGFENG_INSTANCE_PATH": str(tmp_path),
    }
    for _ in range(2):
        done = subprocess.run(  # noqa: S603 -- the project's own console script
            [str(QINGFENG), "scheduler", "--once", "notifications.dispatch"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        assert "notifications.dispatch: ok" in done.stdout
        assert "另一个调度进程" not in done.stdout
        with shared_factory() as session:
            assert lease.current(session, LEASE_NAME) is None
