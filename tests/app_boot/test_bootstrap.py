"""One start-up path for every process (issue 15 §6): ``app_boot.bootstrap(settings)``.

Importing a domain module fills no registry; ``bootstrap`` fills them all and applies the
settings. The scheduler process, started as ``qingfeng scheduler`` starts, writes the
deadline that ``QINGFENG_TIME_LIMITS`` asks for, and so do the CLI and the web app.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from cases.models import Clue
from cases.timelimits import RULES, configure
from config.database import make_engine, make_session_factory, session_scope
from config.migrate import upgrade_database
from directory.demo import load_demo
from tests.dbutil import fresh_database
from workflow import timelimits
from workflow.calendar import load_calendar
from workflow.calendar_source import seed_from_package

ROOT = Path(__file__).resolve().parents[2]
T0 = datetime(2026, 6, 9, 1, 30, tzinfo=UTC)  # Tuesday 09:30 in Shanghai

REGISTRIES = """
import json, sys
{imports}
from cases.timelimits import RULES
from directory.cli import INIT_HOOKS
from reporting.obligations import RULE_SCOPES
from reporting.prefill import SOURCES
from cases.lifecycle import CLUE_LIFECYCLE
from cases.service import CLUE_FLOW
from reporting.submissions import SUBMISSION_FLOW
from rectification.service import FLOW as RECTIFICATION_FLOW
from workflow.pending import RESOLVERS, YEAR_HOOKS
{boot}
json.dump({{
    "hooks": [
        lc.name
        for lc in (CLUE_LIFECYCLE, CLUE_FLOW, SUBMISSION_FLOW, RECTIFICATION_FLOW)
        if lc.hooks
    ],
    "sources": sorted(SOURCES), "scopes": len(RULE_SCOPES),
    "init": [h.__name__ for h in INIT_HOOKS], "accept_notice": RULES["accept_notice"].amount,
    "pending": sorted(RESOLVERS), "year_hooks": sorted(YEAR_HOOKS),
}}, sys.stdout)
"""
DOMAIN = (
    "import campaigns.stats, cases.service, cases.pending_deadlines, reporting.obligations,"
    " reporting.submissions, notifications.scheduler"
)
BOOT = """
from app_boot import bootstrap
from config.settings import Settings
bootstrap(Settings.from_env())
"""


def _registries(tmp_path: Path, boot: str) -> dict:
    env = {
        **os.environ,
        "QINGFENG_INSTANCE_PATH": str(tmp_path),
        "QINGFENG_TIME_LIMITS": "accept_notice=7",
    }
    code = REGISTRIES.format(imports=DOMAIN, boot=boot)
    out = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, check=True
    )
    return json.loads(out.stdout)


def test_importing_fills_no_registry_and_bootstrap_fills_them_all(tmp_path):
    bare = _registries(tmp_path, boot="")
    assert bare == {
        "hooks": ["clue", "submission", "rectification"],  # built with the lifecycle
        "sources": [],
        "scopes": 0,
        "init": [],
        "accept_notice": 15,
        "pending": [],
        "year_hooks": [],
    }
    booted = _registries(tmp_path, boot=BOOT)
    assert booted == {
        "hooks": ["clue", "submission", "rectification"],
        "sources": ["inspections.", "rectification.", "registers."],
        "scopes": 1,
        "init": ["seed_on_init", "reporter_key_on_init", "file_key_on_init"],
        "accept_notice": 7,
        "pending": ["clue", "inquiry", "oneoff", "referral", "referral_outcome"],
        "year_hooks": ["reporting.obligations"],
    }


def test_every_qingfeng_command_starts_through_bootstrap(tmp_path):
    from web.cli import main

    env = {"QINGFENG_INSTANCE_PATH": str(tmp_path), "QINGFENG_TIME_LIMITS": "accept_notice=7"}
    result = CliRunner().invoke(main, ["scheduler", "--list"], env=env)
    assert result.exit_code == 0, result.output
    assert RULES["accept_notice"].amount == 7  # the autouse fixture restores the defaults
    bad = CliRunner().invoke(
        main, ["scheduler", "--list"], env={**env, "QINGFENG_TIME_LIMITS": "x=1"}
    )
    assert bad.exit_code != 0 and "QINGFENG_TIME_LIMITS" in bad.output


def test_the_web_app_applies_the_time_limits(settings, session_factory):
    from web.app import create_app

    # The suite's session factory: an app with an engine of its own would leave it open.
    create_app(
        settings.with_overrides(time_limits="accept_notice=9"), session_factory=session_factory
    )
    assert RULES["accept_notice"].amount == 9


def test_the_scheduler_process_writes_the_deadline_the_settings_ask_for(tmp_path):
    url = fresh_database("boot_sched")
    upgrade_database(url)
    engine = make_engine(url)
    factory = make_session_factory(engine)
    with session_scope(factory) as session:
        load_demo(session)
        seed_from_package(session)
    env = {
        **os.environ,
        "QINGFENG_DATABASE_URL": url,
        "QINGFENG_INSTANCE_PATH": str(tmp_path),
        "QINGFENG_TIME_LIMITS": "accept_notice=7",
        "QINGFENG_CHILD_EXTRA_JOBS": "tests.app_boot.deadline_job:JOBS",
    }
    env.pop("QINGFENG_TEST_DATABASE_URL", None)
    log = tmp_path / "scheduler.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(  # noqa: S603 -- our interpreter, our module
            [sys.executable, "-m", "tests.faults.scheduler_child", T0.isoformat()],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        clocks = None
        deadline = time.monotonic() + 60
        while clocks is None and time.monotonic() < deadline:
            assert proc.poll() is None, log.read_text()
            with factory() as session:
                clocks = session.scalar(select(Clue.clocks))
            time.sleep(0.05)
        assert clocks is not None, log.read_text()
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=15) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)
    with factory() as session:
        calendar = load_calendar(session)
    received = date(2026, 6, 9)
    seven: dict = {}
    timelimits.start(seven, configure("accept_notice=7")["accept_notice"], received, calendar)
    fifteen: dict = {}
    timelimits.start(fifteen, configure()["accept_notice"], received, calendar)
    assert clocks["accept_notice"]["due"] == seven["accept_notice"]["due"]
    assert seven["accept_notice"]["due"] != fifteen["accept_notice"]["due"]
    assert date.fromisoformat(seven["accept_notice"]["due"]) - received >= timedelta(days=7)
    engine.dispose()


def test_a_lifecycle_without_its_hooks_cannot_be_fired(db):
    from cases.lifecycle import CLUE_LIFECYCLE
    from cases.models import Clue
    from workflow import engine

    with pytest.raises(RuntimeError, match="no hooks"):
        engine.available_triggers(db, CLUE_LIFECYCLE, Clue(), None)
