"""Scale: a generated province (10,000 institutions, 1,000,000 clues with their logs).

Times, through the real app (Flask test client, token auth, templates rendered), the
ledger's first page, filtered pages and a later page, a clue page, the province's
statistical roll-up and the reminder sweep; each beside a raw-SQL baseline that reads the
same rows in the same run, and the query plan of each ledger statement (a full scan of
``clues`` is flagged). Medians of repeated requests after warm-up.

Usage: python bench/bench_scale.py [INSTITUTIONS] [CLUES]          (SQLite, a temp file)
       QINGFENG_BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test python …
       (creates and drops <name>_scale). Writes its figures into docs/performance.md.
"""

from __future__ import annotations

import io
import json
import os
import random
import re
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import time_machine  # noqa: E402
from sqlalchemy import insert, select, text  # noqa: E402
from sqlalchemy.orm import sessionmaker  # noqa: E402

from bench._setup import fresh_database  # noqa: E402
from bench.bench_sweep import (  # noqa: E402
    NOW,
    count_queries,
    populate,
    run_baseline,
    run_sweep,
)
from cases.ledger_query import LedgerFilter, ledger_query  # noqa: E402
from config.database import Base, make_engine, session_scope  # noqa: E402
from config.migrate import upgrade_database  # noqa: E402
from config.reference import Grade, InstitutionCategory, Ownership  # noqa: E402
from config.settings import Settings  # noqa: E402
from directory.models import User  # noqa: E402
from directory.passwords import hash_password  # noqa: E402
from directory.tokens import create_token  # noqa: E402
from reporting.formdef import CellKind  # noqa: E402
from reporting.forms import FORMS  # noqa: E402
from reporting.models import Obligation  # noqa: E402
from reporting.rollup import class_code  # noqa: E402

REPEAT = 15
CHUNK = 20_000
YEARS = range(2021, 2027)
OPEN_STATES = [
    "registered",
    "triage",
    "pending_approval",
    "talk_inquiry",
    "verifying",
    "shelved",
    "findings",
    "disposing",
    "referred",
    "result_review",
    "feedback",
]
CHANNELS = ["hotline", "mailbox", "letter", "visit", "portal", "superior", "inspection"]
CATEGORIES = ["red_packet", "kickback", "insurance_fraud", "unreasonable_treatment", "other"]
LOG_PATH = [
    ("register", "received", "registered"),
    ("assign", "registered", "triage"),
    ("propose", "triage", "pending_approval"),
]
WORDS = ["收受红包", "药品回扣", "骗取医保基金", "过度检查", "违规收费", "态度恶劣", "私自外购"]
GOALS = {"ledger": 0.100, "clue": 0.100, "rollup": 2.0, "sweep": 10.0}


def clue_rows(n: int, counties: int, first_inst: int, institutions: int):
    """Clues in chunks: three quarters written off, the rest spread over the open states."""
    rng = random.Random(7)
    seq: dict[tuple[int, int], int] = {}
    start = datetime(2021, 1, 1, tzinfo=UTC)
    span = (datetime(2026, 6, 14, tzinfo=UTC) - start).total_seconds()
    chunk = []
    for k in range(n):
        county = 2 + k % counties
        at = start + timedelta(seconds=span * k / n + rng.random())  # ledger order ~ id order
        seq[(county, at.year)] = number = seq.get((county, at.year), 0) + 1
        state = "written_off" if rng.random() < 0.75 else rng.choice(OPEN_STATES)
        due = (
            date(2026, 6, 1) + timedelta(days=rng.randrange(45)) if state != "written_off" else None
        )
        chunk.append(
            dict(
                id=k + 1,
                unit_id=county,
                state=state,
                version=4,
                ledger_year=at.year,
                ledger_seq=number,
                ledger_no=f"D{county - 2}-{at.year}-{number:06d}",
                channel=rng.choice(CHANNELS),
                category=rng.choice(CATEGORIES),
                summary=f"{rng.choice(WORDS)}线索{k}",
                content=f"反映医院{rng.randrange(institutions)}的医生{rng.choice(WORDS)}。",
                accused_unit_id=first_inst + rng.randrange(institutions),
                received_at=at,
                reporter_named=rng.random() < 0.3,
                petition=False,
                handed_down=False,
                superior_ref="",
                handler_id=2 + 3 * (k % counties),
                clocks={
                    "accept_notice": {
                        "start": "2026-05-20",
                        "due": due.isoformat(),
                        "paused": 0,
                        "extended": 0,
                        "extensions": 0,
                        "paused_on": None,
                        "met_on": None,
                    }
                }
                if due
                else {},
                next_due_on=due,
                next_due_kind="accept_notice" if due else None,
                repeat_count=0,
                findings_text="",
                verification_plan="",
                created_at=at,
                updated_at=at,
            )
        )
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def bulk_insert(engine, table: str, rows: list[dict]) -> None:
    """COPY on PostgreSQL, a Core executemany on SQLite: loading a million rows through
    the ORM would measure the loader, not the app."""
    with engine.begin() as conn:
        if engine.dialect.name != "postgresql":
            conn.execute(insert(Base.metadata.tables[table]), rows)
            return
        cols = list(rows[0])
        raw = conn.connection.dbapi_connection
        with raw.cursor() as cur, cur.copy(f"COPY {table} ({', '.join(cols)}) FROM STDIN") as cp:
            for r in rows:
                cp.write_row([json.dumps(v) if isinstance(v, dict) else v for v in r.values()])


def load_clues(engine, n: int, counties: int, first_inst: int, institutions: int) -> int:
    logs = 0
    for chunk in clue_rows(n, counties, first_inst, institutions):
        bulk_insert(engine, "clues", chunk)
        entries = []
        for c in chunk:
            path = LOG_PATH if c["state"] != "registered" else LOG_PATH[:1]
            for step, (trigger, src, dst) in enumerate(path):
                entries.append(
                    dict(
                        lifecycle="clue",
                        subject_id=c["id"],
                        actor_id=c["handler_id"],
                        at=c["received_at"] + timedelta(hours=step),
                        trigger=trigger,
                        from_state=src,
                        to_state=dst,
                        version=step + 2,
                        reason="",
                        payload={},
                    )
                )
            if c["state"] == "written_off":
                entries.append(
                    dict(
                        lifecycle="clue",
                        subject_id=c["id"],
                        actor_id=c["handler_id"],
                        at=c["received_at"] + timedelta(days=30),
                        trigger="approve_write_off",
                        from_state="pending_write_off",
                        to_state="written_off",
                        version=c["version"],
                        reason="销号",
                        payload={},
                    )
                )
        bulk_insert(engine, "transition_log", entries)
        logs += len(entries)
        print(f"\r  clues {chunk[-1]['id']:,} of {n:,}", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    return logs


def accepted_zl3(factory, engine) -> int:
    """An accepted 统计表（三） of May 2026 from every institution, for the roll-up."""
    form = FORMS["zl3"]
    row = class_code(
        form,
        category=InstitutionCategory.GENERAL_HOSPITAL,
        grade=Grade.LEVEL2,
        ownership=Ownership.PUBLIC,
    )
    entered = [
        c
        for r, c in form.numeric_cells()
        if r == row and form.cell_kind(r, c) is CellKind.ENTERED and form.unit(r, c).value != "万元"
    ]
    rng = random.Random(3)
    with session_scope(factory) as s:
        obligations = s.execute(
            select(Obligation.id, Obligation.unit_id).where(Obligation.form_code == "zl3")
        ).all()
    now = datetime.now(UTC)
    rows = [
        dict(
            obligation_id=oid,
            unit_id=uid,
            form_code="zl3",
            number=1,
            amend_reason="",
            state="accepted",
            version=3,
            values={f"{row}|{c}": rng.randint(0, 3) for c in entered[:4]},
            leader_name="院长",
            filler_name="填报员",
            contact="",
            return_reason="",
            late=False,
            submitted_at=now,
            accepted_at=now,
            clocks={},
            created_at=now,
            updated_at=now,
        )
        for oid, uid in obligations
    ]
    bulk_insert(engine, "submissions", rows)
    with engine.begin() as conn:
        conn.execute(text("UPDATE obligations SET state = 'accepted' WHERE form_code = 'zl3'"))
    return len(rows)


def fix_sequences(engine) -> None:
    """Rows loaded with explicit ids leave PostgreSQL's id sequences behind: move them on."""
    if engine.dialect.name != "postgresql":
        return
    with engine.begin() as conn:
        for table in (
            "org_units",
            "users",
            "obligations",
            "obligation_rules",
            "clues",
            "transition_log",
            "submissions",
        ):
            conn.exec_driver_sql(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT coalesce(max(id), 1) FROM {table}))"
            )


def add_province_users(factory) -> dict[str, str]:
    """A province inspector (sees everything) and a county leader, with API tokens."""
    with session_scope(factory) as s:
        pw = hash_password("bench-password-1")
        s.execute(
            insert(User),
            [
                dict(
                    username="p_inspector",
                    display_name="省纪检",
                    password_hash=pw,
                    role="inspector",
                    unit_id=1,
                    email="",
                    phone="",
                    active=True,
                    failed_logins=0,
                    created_at=datetime.now(UTC),
                ),
            ],
        )
        tokens = {}
        for name in ("p_inspector", "leader0"):
            u = s.scalar(select(User).where(User.username == name))
            assert u is not None
            tokens[name] = create_token(s, u, u, "bench")[1]
    return tokens


def median_time(fn, repeat: int = REPEAT) -> float:
    for _ in range(2):
        fn()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def plan(engine, stmt) -> tuple[str, bool]:
    """The query plan of the ledger statement, and whether it scans ``clues`` whole."""
    compiled = stmt.compile(engine, compile_kwargs={"literal_binds": True})
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            lines = [r[0] for r in conn.exec_driver_sql(f"EXPLAIN {compiled}")]
            full = any(re.search(r"Seq Scan on clues\b", ln) for ln in lines)
            # The nodes that say how clues are read, without costs: a plan fit for a table.
            lines = [
                re.sub(r"\s*\(cost=[^)]*\)", "", ln).replace("->", "").strip()
                for ln in lines
                if re.search(r"Scan|Sort|Limit", ln) and "org_units" not in ln
            ]
        else:
            lines = [r[-1] for r in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}")]
            full = any(re.fullmatch(r"SCAN clues", ln.strip()) for ln in lines)
    return " | ".join(ln.strip() for ln in lines), full


def main() -> int:  # noqa: PLR0915 — one linear script
    institutions = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    clues = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
    backend = "PostgreSQL" if os.environ.get("QINGFENG_BENCH_DATABASE_URL") else "SQLite"
    url = fresh_database("scale")
    upgrade_database(url)
    engine = make_engine(url)
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    counties = max(institutions // 100, 1)
    t0 = time.perf_counter()
    populate(factory, institutions, 0)
    logs = load_clues(engine, clues, counties, 2 + counties, institutions)
    subs = accepted_zl3(factory, engine)
    fix_sequences(engine)
    tokens = add_province_users(factory)
    with engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE")
    setup = time.perf_counter() - t0
    print(
        f"[{backend}] {institutions:,} institutions, {clues:,} clues, {logs:,} log rows, "
        f"{subs:,} accepted forms (set-up {setup:.0f} s)"
    )

    from web.app import create_app

    inst = Path(tempfile.mkdtemp(prefix="qf-scale-"))
    app = create_app(
        Settings(
            env="testing",
            instance_path=inst,
            database_url=url,
            secret_key="bench-secret-key-0123456789abcdef",
            reporter_key_file=inst / "reporter.key",
        ),
        check_intake=False,  # synthetic counties have no clerks; nothing here takes tips
    )
    client = app.test_client()
    results: list[tuple[str, float, float, str]] = []  # name, app s, baseline s, note

    def get(path: str, who: str = "p_inspector") -> str:
        r = client.get(path, headers={"Authorization": f"Bearer {tokens[who]}"})
        assert r.status_code == 200, (path, r.status_code)
        return r.get_data(as_text=True)

    def raw(sql: str, **params):
        def run():
            with engine.connect() as conn:
                return conn.execute(text(sql), params).all()

        return run

    cols = "id, ledger_no, state, channel, category, summary, received_at, next_due_on, unit_id"
    order = "ORDER BY received_at DESC, id DESC LIMIT 51"
    with session_scope(factory) as s:
        insp = s.scalar(select(User).where(User.username == "p_inspector"))
        first_page = list(s.scalars(ledger_query(s, insp, LedgerFilter()).limit(51)))
        cursor = f"{first_page[49].received_at.isoformat()}~{first_page[49].id}"
        mid = first_page[-1]
    cases = [
        ("ledger, first page", "/ledger", LedgerFilter(), f"SELECT {cols} FROM clues {order}", {}),
        (
            "ledger, next page (cursor)",
            f"/ledger?after={quote(cursor)}",
            LedgerFilter(),
            f"SELECT {cols} FROM clues WHERE (received_at, id) < (:at, :id) {order}",
            {"at": mid.received_at, "id": mid.id},
        ),
        (
            "ledger, state=verifying",
            "/ledger?state=verifying",
            LedgerFilter(state="verifying"),
            f"SELECT {cols} FROM clues WHERE state = 'verifying' {order}",
            {},
        ),
        (
            "ledger, one county",
            "/ledger?unit_id=2",
            LedgerFilter(unit_id=2),
            f"SELECT {cols} FROM clues WHERE unit_id = 2 {order}",
            {},
        ),
        (
            "ledger, channel+category",
            "/ledger?channel=portal&category=kickback",
            LedgerFilter(channel="portal", category="kickback"),
            f"SELECT {cols} FROM clues WHERE channel = 'portal' AND category = 'kickback' {order}",
            {},
        ),
        (
            "ledger, overdue",
            "/ledger?due=overdue",
            LedgerFilter(due="overdue"),
            f"SELECT {cols} FROM clues WHERE next_due_on < :d {order}",
            {"d": date(2026, 6, 15)},
        ),
        (
            "ledger, one month",
            "/ledger?from=2024-03-01&to=2024-03-31",
            LedgerFilter(received_from=date(2024, 3, 1), received_to=date(2024, 3, 31)),
            f"SELECT {cols} FROM clues WHERE received_at >= :a AND received_at < :b {order}",
            {
                "a": datetime(2024, 2, 29, 16, tzinfo=UTC),
                "b": datetime(2024, 3, 31, 16, tzinfo=UTC),
            },
        ),
        (
            "ledger, text search",
            "/ledger?q=药品回扣",
            LedgerFilter(q="药品回扣"),
            f"SELECT {cols} FROM clues WHERE summary LIKE '%药品回扣%' "
            f"OR content LIKE '%药品回扣%' {order}",
            {},
        ),
    ]
    plans = []
    with time_machine.travel(NOW, tick=True):
        for name, path, f, sql, params in cases:
            app_t = median_time(lambda p=path: get(p))
            base_t = median_time(raw(sql, **params))
            with session_scope(factory) as s:
                insp = s.scalar(select(User).where(User.username == "p_inspector"))
                text_plan, full = plan(engine, ledger_query(s, insp, f).limit(51))
            plans.append((name, text_plan, full))
            results.append((name, app_t, base_t, "FULL SCAN" if full else "index"))

        clue_id = first_page[3].id
        with session_scope(factory) as s:
            cid_county = s.scalar(
                text("SELECT id FROM clues WHERE unit_id = 2 ORDER BY id DESC LIMIT 1")
            )
        results.append(
            (
                "clue page (province inspector)",
                median_time(lambda: get(f"/clues/{clue_id}")),
                median_time(raw("SELECT * FROM clues WHERE id = :i", i=clue_id)),
                "",
            )
        )
        results.append(
            (
                "clue page (county leader)",
                median_time(lambda: get(f"/clues/{cid_county}", "leader0")),
                median_time(
                    raw(
                        "SELECT * FROM transition_log WHERE lifecycle = 'clue' AND "
                        "subject_id = :i ORDER BY id",
                        i=cid_county,
                    )
                ),
                "",
            )
        )

        def raw_rollup():
            with engine.connect() as conn:
                total: dict[str, int] = {}
                for (values,) in conn.execute(
                    text(
                        'SELECT s."values" FROM submissions s JOIN obligations o ON o.id = '
                        "s.obligation_id WHERE o.form_code = 'zl3' AND o.period_start = :p AND "
                        "s.state = 'accepted'"
                    ),
                    {"p": date(2026, 5, 1)},
                ):
                    for k, v in (json.loads(values) if isinstance(values, str) else values).items():
                        total[k] = total.get(k, 0) + v
                return total

        page = get("/reporting/rollup?form=zl3&period=2026-05&unit_id=1")
        assert "合计" in page
        results.append(
            (
                f"roll-up 统计表（三）, province ({subs:,} forms)",
                median_time(lambda: get("/reporting/rollup?form=zl3&period=2026-05&unit_id=1"), 5),
                median_time(raw_rollup, 5),
                "",
            )
        )

    counter = count_queries(engine)
    run_sweep(factory, counter)  # the first sweep queues; the timed one is on a warm cache
    with engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM deliveries")
    sweep_t, queries, queued = run_sweep(factory, counter)
    select_t, same_work, due_rows = run_baseline(engine, queued)
    results.append(
        (
            f"reminder sweep ({due_rows:,} due rows, {queued:,} queued)",
            sweep_t,
            same_work,  # the raw baseline: select the same due rows, insert as many rows
            f"{queries} queries; selecting the due rows alone: {select_t * 1000:.0f} ms",
        )
    )
    engine.dispose()
    report(backend, institutions, clues, logs, setup, results, plans)
    return 0


def goal_of(name: str) -> float:
    for key, limit in GOALS.items():
        if name.startswith(key) or (key == "clue" and name.startswith("clue page")):
            return limit
    return GOALS["rollup"] if name.startswith("roll-up") else GOALS["sweep"]


def report(backend, institutions, clues, logs, setup, results, plans) -> None:
    out = io.StringIO()
    out.write(
        f"\n### {backend}: {institutions:,} institutions, {clues:,} clues, "
        f"{logs:,} log rows (generated in {setup:.0f} s)\n\n"
    )
    out.write("| what | app (median) | raw baseline | ratio | goal | plan |\n")
    out.write("| --- | ---: | ---: | ---: | --- | --- |\n")
    for name, app_t, base_t, note in results:
        goal = goal_of(name)
        met = "met" if app_t < goal else "MISSED"
        out.write(
            f"| {name} | {app_t * 1000:.1f} ms | {base_t * 1000:.1f} ms | "
            f"{app_t / base_t:.1f} | < {goal * 1000:.0f} ms {met} | {note} |\n"
        )
    out.write("\nQuery plans of the ledger statements (as the app builds them):\n\n")
    for name, text_plan, full in plans:
        out.write(f"- {name}{' **(full scan)**' if full else ''}: `{text_plan}`\n")
    print(out.getvalue())
    worst = max(app_t / base_t for _, app_t, base_t, _ in results)
    print(f"ratio {worst:.2f}")
    write_doc(backend, out.getvalue())


def write_doc(backend: str, section: str) -> None:
    doc = Path(__file__).resolve().parent.parent / "docs" / "performance.md"
    current = doc.read_text("utf-8") if doc.exists() else "# Performance\n"
    head = "\n## Scale (bench/bench_scale.py)\n"
    if head not in current:
        current += head + (
            "\nCommand: `.venv/bin/python bench/bench_scale.py` (SQLite) and "
            "`QINGFENG_BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test "
            ".venv/bin/python bench/bench_scale.py` (PostgreSQL). Requests go through the app "
            "(Flask test client, token auth, templates rendered) in one process; medians of "
            f"{REPEAT} requests after two warm-ups (roll-up: 5). The raw baseline reads the "
            "same rows with one hand-written SQL statement.\n"
        )
    current = re.sub(rf"\n### {backend}: .*?(?=\n### |\n## |\Z)", "", current, flags=re.S)
    start = current.index(head) + len(head)
    nxt = current.find("\n## ", start)
    end = len(current) if nxt < 0 else nxt
    current = current[:end].rstrip("\n") + "\n" + section + current[end:]
    doc.write_text(current, "utf-8")


if __name__ == "__main__":
    raise SystemExit(main())
