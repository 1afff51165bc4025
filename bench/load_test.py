"""Bounded load test: gunicorn with several workers on 127.0.0.1, PostgreSQL behind it.

Mixes portal submissions, API intake, transitions on the same clues and ledger pages; a
fixed number of requests and a time cap. The transitions are real: a county leader moves
four clues back and forth between 拟办 and 待审批 (``propose`` / ``return_route``), each
request carrying the version it read, so concurrent requests on one clue race and the
losers get 409 (a stale version, never an overwrite). Afterwards each clue's version must
equal its number of log rows (creation writes version 1), and the successes counted must
equal the log rows written.
Run: ``QF_BENCH_PG_URL=postgresql://postgres@127.0.0.1:5432/qf_prove python bench/load_test.py``
"""

from __future__ import annotations

import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script from make
from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from config.database import make_engine, session_scope
from config.migrate import upgrade_database
from directory.demo import load_demo
from tests.dbutil import reset_database
from workflow.calendar_source import seed_from_package

TOTAL, THREADS, WORKERS, TIME_CAP = 400, 8, 3, 90.0
URL = os.environ.get("QF_BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/qf_prove")


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ensure_database(url: str) -> None:
    """Create the benchmark's database on the server if it is not there yet."""
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    target = make_url(url)
    admin = make_engine(
        target.set(database="postgres").render_as_string(False), isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as conn:
        exists = conn.scalar(
            text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": target.database}
        )
        if not exists:
            conn.execute(text(f'CREATE DATABASE "{target.database}"'))
    admin.dispose()


def main() -> int:
    from cases.models import Clue
    from cases.service import NewClue, create_clue, fire
    from directory.models import OrgUnit, User
    from directory.tokens import create_token
    from tips.models import Tip

    ensure_database(URL)
    reset_database(URL)
    upgrade_database(URL)
    factory = sessionmaker(bind=make_engine(URL), expire_on_commit=False)
    with session_scope(factory) as s:
        load_demo(s)
        seed_from_package(s)
    with session_scope(factory) as s:
        clerk = s.scalar(select(User).where(User.username == "clerk"))
        leader = s.scalar(select(User).where(User.username == "leader"))
        handler = s.scalar(select(User).where(User.username == "handler"))
        county = s.scalar(select(OrgUnit).where(OrgUnit.code == "C01-D01"))
        assert clerk and leader and handler and county
        clue_ids = []
        for i in range(4):
            clue = create_clue(s, clerk, county, NewClue(channel="hotline", summary=f"压测线索{i}"))
            fire(s, clerk, clue, "register", {})
            fire(s, leader, clue, "assign", {"handler_id": handler.id})
            clue_ids.append(clue.id)
        token = create_token(s, clerk, clerk, "load")[1]
        leader_token = create_token(s, leader, leader, "load")[1]
    inst = Path(tempfile.mkdtemp(prefix="qf-load-"))
    port = _port()
    env = os.environ | {
        "QINGFENG_DATABASE_URL": URL,
        "QINGFENG_INSTANCE_PATH": str(inst),
        "QINGFENG_SECRET_KEY": "load-test-secret-key-0123456789abcdef",
        "QINGFENG_REPORTER_KEY_FILE": str(inst / "reporter.key"),
    }
    server = subprocess.Popen(  # noqa: S603 — our own gunicorn on loopback
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-w",
            str(WORKERS),
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "web.app:create_app()",
        ],
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                requests.get(f"{base}/portal/", timeout=10)
                break
            except requests.RequestException:
                time.sleep(0.2)
        return _run(base, (token, leader_token), clue_ids, factory, Tip, Clue)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


STEP = {
    "triage": ("propose", {"route": "verifying", "reason": "压测：拟初步核实"}),
    "pending_approval": ("return_route", {"reason": "压测：退回拟办"}),
}


def _run(base, tokens, clue_ids, factory, Tip, Clue) -> int:  # noqa: N803
    from workflow.models import TransitionLog

    auth = {"Authorization": f"Bearer {tokens[0]}"}
    lead = {"Authorization": f"Bearer {tokens[1]}"}
    with session_scope(factory) as s:
        logs_before = _clue_logs(s, TransitionLog, clue_ids)
    portal = requests.Session()
    csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', portal.get(f"{base}/portal/").text)
    marks: list[str] = []
    deadline = time.monotonic() + TIME_CAP

    def one(i: int):
        if time.monotonic() > deadline:
            return ("skipped", 0.0, 0)
        kind = ("portal", "intake", "transition", "transition", "ledger")[i % 5]
        t0 = time.perf_counter()
        if kind == "portal":
            mark = f"网络举报压测{i}"
            data = {"content": mark, "csrf_token": csrf.group(1) if csrf else ""}
            r = portal.post(f"{base}/portal/report", data=data, timeout=30)
        elif kind == "intake":
            mark = f"来信压测{i}"
            body = {"channel": "letter", "content": mark}
            r = requests.post(f"{base}/api/tips", json=body, headers=auth, timeout=30)
        elif kind == "transition":
            cid = clue_ids[i % len(clue_ids)]
            clue = requests.get(f"{base}/api/clues/{cid}", headers=lead, timeout=30).json()
            trigger, data = STEP[clue["state"]]
            body = {"trigger": trigger, "version": clue["version"], "data": data}
            r = requests.post(
                f"{base}/api/clues/{cid}/transitions", json=body, headers=lead, timeout=30
            )
        else:
            r = requests.get(f"{base}/ledger", headers=auth, timeout=30)
        if kind in {"portal", "intake"} and r.status_code < 300:
            marks.append(mark)  # accepted: it must exist afterwards (429 = portal throttle)
        return (kind, time.perf_counter() - t0, r.status_code)  # a transition: GET + POST

    started = time.perf_counter()
    with ThreadPoolExecutor(THREADS) as pool:
        results = list(pool.map(one, range(TOTAL)))
    elapsed = time.perf_counter() - started
    done = [r for r in results if r[0] != "skipped"]
    lat = sorted(r[1] * 1000 for r in done)
    q = statistics.quantiles(lat, n=100)
    by_status: dict[int, int] = {}
    for _k, _t, st in done:
        by_status[st] = by_status.get(st, 0) + 1
    conflicts = sum(1 for k, _t, st in done if k == "transition" and st == 409)
    moved = sum(1 for k, _t, st in done if k == "transition" and st == 200)
    refused = sum(1 for k, _t, st in done if k == "transition" and st not in (200, 409))
    errors = sum(n for st, n in by_status.items() if st >= 500)
    with session_scope(factory) as s:
        contents = set(s.scalars(select(Tip.content)))
        new_logs = _clue_logs(s, TransitionLog, clue_ids) - logs_before
        versions = dict(s.execute(select(Clue.id, Clue.version).where(Clue.id.in_(clue_ids))).all())
        per_clue = dict(
            s.execute(
                select(TransitionLog.subject_id, func.count())
                .where(TransitionLog.lifecycle == "clue", TransitionLog.subject_id.in_(clue_ids))
                .group_by(TransitionLog.subject_id)
            ).all()
        )
    missing = [m for m in marks if m not in contents]
    consistent = new_logs == moved and all(versions[c] == per_clue[c] for c in clue_ids)
    summary = (
        f"requests {len(done)} in {elapsed:.1f} s = {len(done) / elapsed:.1f} req/s; "
        f"p50 {q[49]:.0f} ms, p95 {q[94]:.0f} ms, p99 {q[98]:.0f} ms; statuses {by_status}; "
        f"5xx errors {errors}; transitions applied {moved}, lost the race (409) {conflicts}, "
        f"refused otherwise {refused}; log rows written {new_logs}, versions agree with the "
        f"log: {'yes' if consistent else 'NO'}; "
        f"submitted tips missing afterwards {len(missing)} of {len(marks)}"
    )
    print(summary)
    _write_doc(summary)
    return 1 if errors or missing or refused or not consistent else 0


def _clue_logs(s, TransitionLog, clue_ids) -> int:  # noqa: N803
    """Log rows of the raced clues (intake writes log rows of its own for new clues)."""
    stmt = (
        select(func.count())
        .select_from(TransitionLog)
        .where(TransitionLog.lifecycle == "clue", TransitionLog.subject_id.in_(clue_ids))
    )
    return s.scalar(stmt) or 0


EXPLAIN = """How to read it: a fifth of the requests are portal submissions, a fifth API intake, two
fifths transitions on the same four clues (a county leader moves each between 拟办 and 待审批
with `propose` / `return_route`, sending the version it read), a fifth ledger pages. Two
requests that read the same version race: one is applied, the other answers 409 and writes
nothing; afterwards every clue's version equals its number of log rows, and the log rows
written equal the transitions applied. The 429s are the portal's per-client quota (5
submissions an hour) refusing a single loopback client, by design; every submission that
was answered with a receipt exists afterwards."""


def _write_doc(summary: str) -> None:
    doc = Path(__file__).resolve().parent.parent / "docs" / "performance.md"
    doc.parent.mkdir(exist_ok=True)
    text = doc.read_text("utf-8") if doc.exists() else "# Performance\n"
    section = (
        "\n## Load test (gunicorn, PostgreSQL, loopback)\n\n"
        f"Command: `QF_BENCH_PG_URL={URL} .venv/bin/python bench/load_test.py` "
        f"({TOTAL} requests, {THREADS} client threads, {WORKERS} gunicorn workers, "
        f"{TIME_CAP:.0f} s cap).\n\n{summary}\n\n{EXPLAIN}\n"
    )
    text = re.sub(r"\n## Load test .*?(?=\n## |\Z)", "", text, flags=re.S) + section
    doc.write_text(text, "utf-8")


if __name__ == "__main__":
    raise SystemExit(main())
