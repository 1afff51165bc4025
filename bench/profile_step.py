"""Where one lifecycle step's time goes: cProfile over clues taken through the ten steps of
``bench_workflow.PATH`` (SQLite), the own time of every function sorted into three parts:

- SQLite's own work: the ``sqlite3`` driver's C methods (execute, commit, fetch …);
- SQLAlchemy: its execution, Session and ORM code (every function in ``sqlalchemy``);
- the engine's Python: the rest (checks, guards, clocks, JSON, the project's code).

Usage: python bench/profile_step.py [CLUES]   (QF_BENCH_POOLED=1: a pooled session)
Profiling slows Python more than C, so read the split, not the absolute times.
"""

from __future__ import annotations

import cProfile
import os
import pstats
import sys
from contextlib import nullcontext
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import time_machine  # noqa: E402
from sqlalchemy import select  # noqa: E402

from bench._setup import fresh_sqlite  # noqa: E402
from bench.bench_workflow import PATH, make_clues  # noqa: E402
from cases.models import Clue  # noqa: E402
from cases.service import fire  # noqa: E402
from config.database import held_session  # noqa: E402
from directory.models import User  # noqa: E402

WARM = 50


def part(filename: str, name: str) -> str:
    if "sqlalchemy" in filename or "sqlalchemy" in name:
        return "SQLAlchemy execution + Session"
    if filename == "~" and "sqlite3" in name:
        return "SQLite's own work"
    return "engine Python"


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    with time_machine.travel(datetime(2026, 6, 15, 10, tzinfo=ZoneInfo("Asia/Shanghai"))):
        _, engine, factory = fresh_sqlite("profile")
        ids = make_clues(factory, n + WARM)
        pooled = os.environ.get("QF_BENCH_POOLED") == "1"
        with nullcontext(factory()) if pooled else held_session(engine) as session:
            users = {u.username: u for u in session.scalars(select(User))}
            steps = [
                (users[a], t, d if d is not None else {"handler_id": users["handler"].id})
                for a, t, d in PATH
            ]

            def run(chunk: list[int]) -> None:
                for clue_id in chunk:
                    clue = session.get(Clue, clue_id)
                    for actor, trigger, data in steps:
                        fire(session, actor, clue, trigger, data)
                        session.commit()
                    session.expunge(clue)

            run(ids[:WARM])
            profile = cProfile.Profile()
            profile.runcall(run, ids[WARM:])
            session.close()
    stats = pstats.Stats(profile)
    total = 0.0
    parts: dict[str, float] = {}
    for (filename, _line, name), (_cc, _nc, tottime, _ct, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        key = part(filename, name)
        parts[key] = parts.get(key, 0.0) + tottime
        total += tottime
    count = n * len(PATH)
    print(f"{count} steps profiled, {1e6 * total / count:.0f} µs a step under the profiler")
    print("| part | µs a step | share |\n| --- | ---: | ---: |")
    for key in ("SQLite's own work", "SQLAlchemy execution + Session", "engine Python"):
        value = parts.get(key, 0.0)
        print(f"| {key} | {1e6 * value / count:.0f} | {100 * value / total:.0f}% |")
    stats.sort_stats("tottime").print_stats(15)
    if os.environ.get("QF_PROFILE_CUMULATIVE"):
        stats.sort_stats("cumulative").print_stats(60)


if __name__ == "__main__":
    main()
