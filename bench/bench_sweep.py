"""The reminder sweep over a large province: 10,000 institutions with 5 obligations each
and 100,000 open clues. The clue and obligation sweeps run as the scheduler runs them: in
chunks, each its own transaction (notifications.chunks). Prints the sweep's time, its
chunks (count, slowest, queries per chunk), a raw-SQL baseline that selects the same due
rows and inserts as many plain delivery rows, and the same sweep on a tenth of the
institutions to show the query count per chunk does not grow. Last line: ``ratio X`` =
sweep time / (select + insert baseline) time. QINGFENG_BENCH_VERBOSE=1 prints each chunk.

Usage: python bench/bench_sweep.py [INSTITUTIONS] [CLUES]   (SQLite)
       QINGFENG_BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test python …
       (an existing database; the benchmark creates and drops <name>_small and <name>_big)
"""

from __future__ import annotations

import os
import random
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import time_machine  # noqa: E402
from sqlalchemy import event, insert, text  # noqa: E402

from bench._setup import (  # noqa: E402
    clue_row,
    migrated,
    unit_row,
    user_row,
)
from cases.models import Clue  # noqa: E402
from config.database import session_scope  # noqa: E402
from directory.models import OrgUnit, User  # noqa: E402
from directory.passwords import hash_password  # noqa: E402
from notifications.chunks import Progress, sweep_chunks  # noqa: E402
from notifications.clue_reminders import clue_chunk  # noqa: E402
from notifications.models import Delivery  # noqa: E402
from notifications.obligation_reminders import obligation_chunk  # noqa: E402
from reporting.models import Obligation, ObligationRule  # noqa: E402
from workflow.calendar import load_calendar  # noqa: E402
from workflow.calendar_source import seed_from_package  # noqa: E402

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 6, 15, 9, 30, tzinfo=SH)  # a Monday, a working day
CHUNKS: list[tuple[float, int, int, int]] = []
VERBOSE = bool(os.environ.get("QINGFENG_BENCH_VERBOSE"))
INSTITUTION = dict(
    category="general_hospital",
    grade="level2",
    ownership="public",
    insurance_designated=True,
    stat_class="public_l2plus",
    stat_row="pub2_general",
)
FORMS = ["zl1", "zl3", "quarterly_progress", "annual_summary", "campaign_summary"]


def populate(factory, institutions: int, clues: int) -> None:
    rng = random.Random(42)
    now = datetime.now(UTC)
    counties = max(institutions // 100, 1)
    with session_scope(factory) as s:
        seed_from_package(s)
        cal = load_calendar(s)
        workdays = [
            d for d in (date(2026, 6, 1) + timedelta(n) for n in range(45)) if cal.is_workday(d)
        ]
        units = [unit_row(1, "P", "省卫生健康委", "province", None, "/1/", now)]
        for c in range(counties):
            cid = 2 + c
            units.append(unit_row(cid, f"D{c}", f"县{c}卫生健康局", "county", 1, f"/1/{cid}/", now))
        first_inst = 2 + counties
        for i in range(institutions):
            iid = first_inst + i
            parent = 2 + i % counties
            units.append(
                unit_row(
                    iid,
                    f"H{i}",
                    f"医院{i}",
                    "institution",
                    parent,
                    f"/1/{parent}/{iid}/",
                    now,
                    **INSTITUTION,
                    contact_name="医务科",
                    contact_email=f"h{i}@example.invalid",
                )
            )
        s.execute(insert(OrgUnit), units)
        pw = hash_password("bench-password-1")
        users = []
        uid = 1
        for c in range(counties):
            for role in ("leader", "handler", "clerk"):
                users.append(user_row(uid, f"{role}{c}", role, 2 + c, pw, now))
                uid += 1
        for i in range(institutions):
            mail = f"r{i}@example.invalid"
            users.append(
                user_row(
                    uid,
                    f"r{i}",
                    "reporter",
                    first_inst + i,
                    pw,
                    now,
                    display_name=f"填报员{i}",
                    email=mail,
                )
            )
            uid += 1
        s.execute(insert(User), users)
        rules = [
            dict(
                id=n + 1,
                code=f"bench_{f}",
                form_code=f,
                unit_kinds="institution",
                cycle="monthly",
                day_of_month=12,
                label=f,
                source="bench",
                active=True,
            )
            for n, f in enumerate(FORMS)
        ]
        s.execute(insert(ObligationRule), rules)
        obligations = []
        for i in range(institutions):
            for n, form in enumerate(FORMS):
                obligations.append(
                    dict(
                        rule_id=n + 1,
                        unit_id=first_inst + i,
                        form_code=form,
                        period_start=date(2026, 5, 1),
                        period_end=date(2026, 5, 31),
                        period_label="2026年5月",
                        due_on=rng.choice(workdays),
                        calendar_unknown=False,
                        state="not_started",
                        late=False,
                        created_at=now,
                    )
                )
        s.execute(insert(Obligation), obligations)
        rows = []
        for k in range(clues):
            county = 2 + k % counties
            due = rng.choice(workdays)
            clocks = {
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
            rows.append(
                clue_row(
                    county,
                    "triage",
                    f"线索{k}",
                    now,
                    version=3,
                    reporter_named=True,
                    handler_id=1 + 3 * (k % counties) + 1,
                    clocks=clocks,
                    next_due_on=due,
                    next_due_kind="accept_notice",
                )
            )
        if rows:
            s.execute(insert(Clue), rows)


def count_queries(engine):
    counter = {"n": 0}

    @event.listens_for(engine, "before_cursor_execute")
    def _count(*_args):
        counter["n"] += 1

    return counter


def run_sweep(factory, counter) -> tuple[float, int, int]:
    """The scheduler's way: the clue and obligation sweeps in chunks, each chunk its own
    transaction (notifications.chunks). Returns time, queries and deliveries; the chunks'
    own figures are kept in ``CHUNKS`` (seconds, queries, rows, queued)."""
    counter["n"] = 0
    CHUNKS.clear()
    mark = {"n": 0}

    def report(progress: Progress) -> None:
        CHUNKS.append((progress.seconds, counter["n"] - mark["n"], progress.chunk.rows,
                       progress.chunk.queued))  # fmt: skip
        mark["n"] = counter["n"]
        if VERBOSE:
            print("   ", progress.line(), flush=True)

    with time_machine.travel(NOW, tick=False):
        start = time.perf_counter()
        queued = sweep_chunks(factory, clue_chunk, NOW, name="线索", report=report)
        queued += sweep_chunks(factory, obligation_chunk, NOW, name="报表", report=report)
        elapsed = time.perf_counter() - start
    return elapsed, counter["n"], queued


def run_baseline(engine, queued: int) -> tuple[float, float, int]:
    """Raw SQL selecting the same due rows; and, for comparison, the same selection plus a
    plain INSERT of as many delivery rows as the sweep queued (the same work, minus rules)."""
    horizon = date(2026, 6, 18)  # three working days after Monday 15 June
    with engine.connect() as conn:
        start = time.perf_counter()
        clue_rows = conn.execute(
            text(
                "SELECT id, unit_id, handler_id, clocks FROM clues WHERE next_due_on IS NOT NULL "
                "AND next_due_on <= :h AND state NOT IN "
                "('not_accepted', 'forwarded', 'merged', 'written_off')"
            ),
            {"h": horizon},
        ).all()
        ob_rows = conn.execute(
            text(
                "SELECT o.id, o.unit_id, u.parent_id, u.name, u.contact_email, o.form_code, "
                "o.period_label, o.due_on FROM obligations o JOIN org_units u ON u.id = o.unit_id "
                "WHERE o.due_on IS NOT NULL AND o.due_on <= :h AND o.state IN "
                "('not_started', 'draft', 'returned')"
            ),
            {"h": horizon},
        ).all()
        select_time = time.perf_counter() - start
        now = datetime.now(UTC)
        rows = [
            {
                "c": "inapp",
                "r": None,
                "a": "",
                "s": f"x:{n}",
                "l": "due_3",
                "d": horizon,
                "k": f"baseline-{n}",
                "t": "event",
                "x": "{}",
                "st": "pending",
                "n": now,
            }
            for n in range(queued)
        ]
        conn.execute(
            text(
                "INSERT INTO deliveries (channel, recipient_user_id, address, subject_ref, level, "
                "business_date, idempotency_key, template, context, status, attempts, "
                "next_attempt_at, last_error, created_at) VALUES (:c, :r, :a, :s, :l, :d, :k, :t, "
                ":x, :st, 0, :n, '', :n)"
            ),
            rows,
        )
        conn.rollback()
        same_work = time.perf_counter() - start
    return select_time, same_work, len(clue_rows) + len(ob_rows)


def measure(institutions: int, clues: int, tag: str) -> dict:
    _, engine, factory = migrated(tag)
    t0 = time.perf_counter()
    populate(factory, institutions, clues)
    setup = time.perf_counter() - t0
    counter = count_queries(engine)
    sweep_time, queries, queued = run_sweep(factory, counter)
    with session_scope(factory) as s:
        s.execute(text("DELETE FROM deliveries"))
    sweep_time, queries, queued = run_sweep(factory, counter)  # measured on a warm cache
    chunks = list(CHUNKS)
    base_time, same_work, due_rows = run_baseline(engine, queued)
    with session_scope(factory) as s:
        before = s.query(Delivery).count()
    again_time, again_queries, _ = run_sweep(factory, counter)
    with session_scope(factory) as s:
        again_queued = s.query(Delivery).count() - before  # counted, not the driver's word
    with session_scope(factory) as s:
        deliveries = s.query(Delivery).count()
    engine.dispose()
    return dict(
        institutions=institutions,
        clues=clues,
        setup=setup,
        base=base_time,
        same_work=same_work,
        due_rows=due_rows,
        sweep=sweep_time,
        queries=queries,
        queued=queued,
        again=again_time,
        again_queries=again_queries,
        again_queued=again_queued,
        deliveries=deliveries,
        chunks=len(chunks),
        slowest=max(c[0] for c in chunks),
        chunk_queries=sorted({c[1] for c in chunks}),
        chunk_rows=max(c[2] for c in chunks),
    )


def main() -> None:
    institutions = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    clues = int(sys.argv[2]) if len(sys.argv) > 2 else 100_000
    backend = "PostgreSQL" if os.environ.get("QINGFENG_BENCH_DATABASE_URL") else "SQLite"
    small = measure(institutions // 10, clues // 10, "small")
    big = measure(institutions, clues, "big")
    for r in (small, big):
        print(
            f"[{backend}] {r['institutions']} institutions × {len(FORMS)} obligations, "
            f"{r['clues']} open clues (set-up {r['setup']:.1f} s)"
        )
        print(
            f"  sweep:    {r['sweep']:.2f} s, {r['queries']} queries, "
            f"{r['queued']} deliveries queued ({r['deliveries']} in the table)"
        )
        print(
            f"  chunks:   {r['chunks']} of at most {r['chunk_rows']} due rows, slowest "
            f"{r['slowest']:.2f} s, queries per chunk {r['chunk_queries']}"
        )
        print(
            f"  again:    {r['again']:.2f} s, {r['again_queries']} queries, "
            f"{r['again_queued']} queued (idempotent: nothing new)"
        )
        print(
            f"  baseline: {r['base']:.2f} s to select the same {r['due_rows']} due rows; "
            f"{r['same_work']:.2f} s to select them and insert {r['queued']} plain rows"
        )
    print(
        f"queries per chunk at {small['institutions']} vs {big['institutions']} institutions: "
        f"{small['chunk_queries']} vs {big['chunk_queries']}"
    )
    print(f"sweep / select alone: {big['sweep'] / big['base']:.2f}")
    print(f"slowest chunk {big['slowest']:.2f} s (goal ≤ 2 s)")
    print(f"ratio {big['sweep'] / big['same_work']:.2f}")


if __name__ == "__main__":
    main()
