"""Indexed text search at scale (issue 21 §3): the ledger's text filter on N clues.

A term matching 5 clues, a term matching none, a common term and a two-character term
(which falls back to the substring match) are timed through ``cases.ledger_query`` (the
ledger's and search's path, first page of 51 rows, province jurisdiction), each beside
a raw baseline in the same run: the index query alone (FTS5 MATCH on SQLite, pg_trgm
ILIKE on PostgreSQL) reading the same page, and the old plan (``LIKE '%…%'`` walking the
received-order index). Medians; the query plans of the app's statements are printed.

Usage: python bench/bench_search.py [CLUES]                        (SQLite, a temp file)
       QINGFENG_BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test_hN python …
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import select, text  # noqa: E402
from sqlalchemy.orm import sessionmaker  # noqa: E402

from bench._setup import fresh_database  # noqa: E402
from bench.bench_scale import (  # noqa: E402
    add_province_users,
    bulk_insert,
    clue_rows,
    fix_sequences,
    median_time,
    plan,
)
from bench.bench_sweep import populate  # noqa: E402
from cases.ledger_query import LedgerFilter, ledger_page, ledger_query  # noqa: E402
from config.database import make_engine, session_scope  # noqa: E402
from config.migrate import upgrade_database  # noqa: E402
from directory.models import User  # noqa: E402

RARE, NONE, COMMON, SHORT = "罕见词汇甲乙", "不存在的词语丙丁", "药品回扣", "回扣"
GOAL = 0.100
ORDER = "ORDER BY received_at DESC, id DESC LIMIT 51"


def load(engine, n: int) -> None:
    for chunk in clue_rows(n, 2, 4, 200):
        bulk_insert(engine, "clues", chunk)
        print(f"\r  clues {chunk[-1]['id']:,} of {n:,}", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    step = n // 5
    with engine.begin() as conn:  # the rare term in five clues spread over the years
        for k in range(5):
            conn.execute(
                text("UPDATE clues SET content = content || :t WHERE id = :i"),
                {"t": f"，另涉{RARE}事项", "i": 1 + k * step},
            )
        conn.exec_driver_sql("ANALYZE")


def baselines(dialect: str, term: str) -> tuple[str, str]:
    like = f"'%{term}%'"
    old = f"SELECT id FROM clues WHERE summary LIKE {like} OR content LIKE {like} {ORDER}"
    if dialect == "sqlite":
        index = (
            f"SELECT id FROM clues WHERE id IN (SELECT rowid FROM clues_fts WHERE clues_fts "
            f"MATCH '\"{term}\"') {ORDER}"
        )
    else:
        old = old.replace(" LIKE ", " ILIKE ")
        index = f"SELECT id FROM clues WHERE summary ILIKE {like} OR content ILIKE {like} {ORDER}"
    return index, old


def lookup_plan(engine, term: str) -> str:
    """The plan of ``cases.text_index``'s id lookup (FTS5 MATCH or pg_trgm ILIKE)."""
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            sql = f"SELECT rowid FROM clues_fts WHERE clues_fts MATCH '\"{term}\"' LIMIT 2001"
            return " | ".join(r[-1] for r in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}"))
        like = f"'%{term}%'"
        sql = f"SELECT id FROM clues WHERE summary ILIKE {like} OR content ILIKE {like} LIMIT 2001"
        lines = [r[0].strip() for r in conn.execute(text(f"EXPLAIN {sql}"))]
        return " | ".join(ln.split("  (cost")[0] for ln in lines if "Scan" in ln or "Limit" in ln)


def main() -> int:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    backend = "PostgreSQL" if os.environ.get("QINGFENG_BENCH_DATABASE_URL") else "SQLite"
    url = fresh_database("search")
    upgrade_database(url)
    engine = make_engine(url)
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    t0 = time.perf_counter()
    populate(factory, 200, 0)
    load(engine, n)
    fix_sequences(engine)
    add_province_users(factory)
    print(f"[{backend}] {n:,} clues (set-up {time.perf_counter() - t0:.0f} s)")
    print(f"{'term':<28}{'rows':>6}{'app ms':>9}{'index ms':>10}{'old ms':>9}{'ratio':>7}  goal")
    failed = False
    for label, term in (
        ("matches 5", RARE),
        ("matches none", NONE),
        ("common", COMMON),
        ("2 chars (substring)", SHORT),
    ):
        with session_scope(factory) as s:
            actor = s.scalar(select(User).where(User.username == "p_inspector"))
            f = LedgerFilter(q=term)
            rows = len(ledger_page(s, actor, f, limit=51).rows)
            app_t = median_time(lambda s=s, a=actor, f=f: ledger_page(s, a, f, limit=51))
            plan_text, full = plan(engine, ledger_query(s, actor, f).limit(51))
        index_sql, old_sql = baselines(engine.dialect.name, term)

        def raw(sql):
            def run():
                with engine.connect() as conn:
                    return conn.execute(text(sql)).all()

            return run

        index_t = median_time(raw(index_sql))
        old_t = median_time(raw(old_sql), repeat=3)
        ok = app_t < GOAL or label.startswith("2 chars")
        failed |= not ok
        print(
            f"{term + ' (' + label + ')':<28}{rows:>6}{app_t * 1e3:>9.1f}{index_t * 1e3:>10.1f}"
            f"{old_t * 1e3:>9.1f}{app_t / index_t:>7.2f}  {'ok' if ok else 'MISSED'}"
            f"{' FULL SCAN' if full else ''}"
        )
        print(f"    plan: {plan_text}")
        lookup = lookup_plan(engine, term) if len(term) >= 3 else "none (under 3 characters)"
        print(f"    index lookup: {lookup}")
    engine.dispose()
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
