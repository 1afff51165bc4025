"""Bounded load test: gunicorn with several workers on 127.0.0.1, PostgreSQL behind it.

Mixes portal submissions, API intake, transitions on the same clues (409 conflicts are
expected and counted) and ledger pages; a fixed number of requests and a time cap.
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
from directory.demo import load_demo
from tests.dbutil import reset_database
from web.schema import upgrade_database
from workflow.calendar_source import seed_from_package

TOTAL, THREADS, WORKERS, TIME_CAP = 400, 8, 3, 90.0
URL = os.environ.get("QF_BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/qf_prove")


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> int:
    from cases.models import Clue
    from cases.service import NewClue, create_clue
    from directory.models import OrgUnit, User
    from directory.tokens import create_token
    from tips.models import Tip

    reset_database(URL)
    upgrade_database(URL)
    factory = sessionmaker(bind=make_engine(URL), expire_on_commit=False)
    with session_scope(factory) as s:
        load_demo(s)
        seed_from_package(s)
    with session_scope(factory) as s:
        clerk = s.scalar(select(User).where(User.username == "clerk"))
        county = s.scalar(select(OrgUnit).where(OrgUnit.code == "C01-D01"))
        assert clerk and county
        clue_ids = [
            create_clue(s, clerk, county, NewClue(channel="hotline", summary=f"压测线索{i}")).id
            for i in range(4)
        ]
        token = create_token(s, clerk, clerk, "load")[1]
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
        return _run(base, token, clue_ids, factory, Tip, Clue, func)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


def _run(base, token, clue_ids, factory, Tip, Clue, func) -> int:  # noqa: N803
    auth = {"Authorization": f"Bearer {token}"}
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
            clue = requests.get(f"{base}/api/clues/{cid}", headers=auth, timeout=30).json()
            body = {"trigger": "assign", "version": clue.get("version"), "data": {}}
            r = requests.post(
                f"{base}/api/clues/{cid}/transitions", json=body, headers=auth, timeout=30
            )
        else:
            r = requests.get(f"{base}/ledger", headers=auth, timeout=30)
        if kind in {"portal", "intake"} and r.status_code < 300:
            marks.append(mark)  # accepted: it must exist afterwards (429 = portal throttle)
        return (kind, time.perf_counter() - t0, r.status_code)

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
    conflicts = by_status.get(409, 0)
    errors = sum(n for st, n in by_status.items() if st >= 500)
    with session_scope(factory) as s:
        contents = set(s.scalars(select(Tip.content)))
    missing = [m for m in marks if m not in contents]
    summary = (
        f"requests {len(done)} in {elapsed:.1f} s = {len(done) / elapsed:.1f} req/s; "
        f"p50 {q[49]:.0f} ms, p95 {q[94]:.0f} ms, p99 {q[98]:.0f} ms; statuses {by_status}; "
        f"5xx errors {errors}; 409 conflicts handled {conflicts}; "
        f"submitted tips missing afterwards {len(missing)} of {len(marks)}"
    )
    print(summary)
    _write_doc(summary)
    return 1 if errors or missing else 0


def _write_doc(summary: str) -> None:
    doc = Path(__file__).resolve().parent.parent / "docs" / "performance.md"
    doc.parent.mkdir(exist_ok=True)
    text = doc.read_text("utf-8") if doc.exists() else "# Performance\n"
    section = (
        "\n## Load test (gunicorn, PostgreSQL, loopback)\n\n"
        f"Command: `QF_BENCH_PG_URL={URL} .venv/bin/python bench/load_test.py` "
        f"({TOTAL} requests, {THREADS} client threads, {WORKERS} gunicorn workers, "
        f"{TIME_CAP:.0f} s cap).\n\n{summary}\n"
    )
    text = re.sub(r"\n## Load test .*?(?=\n## |\Z)", "", text, flags=re.S) + section
    doc.write_text(text, "utf-8")


if __name__ == "__main__":
    raise SystemExit(main())
