"""Push N clues through a full path with the engine, and the same number of versioned
UPDATE + log INSERT statements through raw DB-API as a baseline, with the same commits.

Prints transitions per second for both, memory growth, and on its last line
``ratio X`` = engine time / baseline time. Usage: python bench/bench_workflow.py [N]
"""

from __future__ import annotations

import gc
import json
import resource
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import time_machine  # noqa: E402
from sqlalchemy import insert, select  # noqa: E402

from bench._setup import fresh_sqlite  # noqa: E402
from cases.handling_models import ClueSubject, FeedbackRecord  # noqa: E402
from cases.models import Clue  # noqa: E402
from cases.service import NewClue, create_clue, fire  # noqa: E402
from directory.models import OrgUnit, User  # noqa: E402

PATH = [
    ("clerk", "register", {}),
    ("leader", "assign", None),  # handler id filled in below
    ("handler", "propose", {"route": "verifying", "reason": "拟初步核实"}),
    ("leader", "approve_verifying", {}),
    ("handler", "record_findings", {"findings": "substantiated", "reason": "查实"}),
    ("handler", "dispose", {"reason": "给予处理"}),
    ("handler", "submit_result", {"reason": "处理完毕"}),
    ("leader", "approve_result", {}),
    ("handler", "request_write_off", {}),
    ("leader", "approve_write_off", {}),
]


# Processor time of each run: on a loaded machine wall time swings with the neighbours,
# processor time much less (SQLite runs in this process, so its work is counted too).
CPU: dict[str, float] = {}


def rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def make_clues(factory, n: int) -> list[int]:
    session = factory()
    unit = session.scalar(select(OrgUnit).where(OrgUnit.code == "C01-D01"))
    ids = []
    for i in range(n):
        ids.append(
            create_clue(
                session, None, unit, NewClue(channel="hotline", summary=f"基准测试线索 {i}")
            ).id
        )
        if i % 1000 == 999:
            session.commit()
    session.commit()
    # The rest of the file 销号 needs (the person involved, feedback marked not applicable),
    # recorded up front: this benchmark times the lifecycle steps, not the record forms.
    session.execute(
        insert(ClueSubject),
        [{"clue_id": i, "kind": "person", "name": "张某", "post": "doctor"} for i in ids],
    )
    session.execute(
        insert(FeedbackRecord),
        [{"clue_id": i, "mode": "not_applicable", "na_reason": "匿名举报，无法反馈"} for i in ids],
    )
    session.commit()
    session.close()
    return ids


def run_engine(factory, ids: list[int]) -> tuple[float, list[float]]:
    session = factory()
    users = {u.username: u for u in session.scalars(select(User))}
    steps = [
        (users[a], trig, data if data is not None else {"handler_id": users["handler"].id})
        for a, trig, data in PATH
    ]
    memory = []
    start, cpu = time.perf_counter(), time.process_time()
    for i, clue_id in enumerate(ids):
        clue = session.get(Clue, clue_id)
        for actor, trigger, data in steps:
            fire(session, actor, clue, trigger, data)
            session.commit()
        session.expunge(clue)
        if i % 2000 == 1999:
            gc.collect()
            memory.append(rss_mib())
    elapsed = time.perf_counter() - start
    CPU["engine"] = time.process_time() - cpu
    session.close()
    return elapsed, memory


def run_baseline(engine, ids: list[int]) -> float:
    raw = engine.raw_connection()
    cur = raw.cursor()
    states = ["received"] + [f"s{i}" for i in range(len(PATH))]
    now = datetime.now(UTC).isoformat()
    start, cpu = time.perf_counter(), time.process_time()
    for clue_id in ids:
        for version, (src, dst) in enumerate(zip(states, states[1:], strict=False), start=1):
            cur.execute(
                "UPDATE clues SET state = ?, version = ?, updated_at = ? "
                "WHERE id = ? AND version = ?",
                (dst, version + 1, now, clue_id, version),
            )
            if cur.rowcount != 1:
                raise RuntimeError("baseline lost an update")
            cur.execute(
                "INSERT INTO transition_log (lifecycle, subject_id, actor_id, at, trigger, "
                "from_state, to_state, version, reason, payload) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                ("clue", clue_id, 1, now, "t", src, dst, version + 1, "", json.dumps({})),
            )
            raw.commit()
    elapsed = time.perf_counter() - start
    CPU["baseline"] = time.process_time() - cpu
    raw.close()
    return elapsed


def run_session_baseline(factory, ids: list[int]) -> float:
    """The same two statements per step, but through a SQLAlchemy session as the app runs them."""
    from sqlalchemy import text

    update = text(
        "UPDATE clues SET state = :s, version = :v2, updated_at = :u "
        "WHERE id = :id AND version = :v"
    )
    insert = text(
        "INSERT INTO transition_log (lifecycle, subject_id, actor_id, at, trigger, "
        "from_state, to_state, version, reason, payload) "
        "VALUES ('clue', :id, 1, :u, 't', :a, :b, :v2, '', '{}')"
    )
    session = factory()
    now = datetime.now(UTC).isoformat()
    start = time.perf_counter()
    for clue_id in ids:
        for version in range(1, len(PATH) + 1):
            conn = session.connection()
            params = {
                "s": f"s{version}",
                "v2": version + 1,
                "u": now,
                "id": clue_id,
                "v": version,
                "a": f"s{version - 1}",
                "b": f"s{version}",
            }
            if conn.execute(update, params).rowcount != 1:
                raise RuntimeError("baseline lost an update")
            conn.execute(insert, params)
            session.commit()
    elapsed = time.perf_counter() - start
    session.close()
    return elapsed


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    steps = n * len(PATH)
    # Mid-year, so every deadline falls inside a year the official calendar covers.
    with time_machine.travel(datetime(2026, 6, 15, 10, tzinfo=ZoneInfo("Asia/Shanghai"))):
        _, engine_a, factory_a = fresh_sqlite("engine")
        ids = make_clues(factory_a, n)
        engine_time, memory = run_engine(factory_a, ids)
        _, engine_b, factory_b = fresh_sqlite("baseline")
        ids_b = make_clues(factory_b, n)
        base_time = run_baseline(engine_b, ids_b)
        _, _, factory_c = fresh_sqlite("session")
        ids_c = make_clues(factory_c, n)
        session_time = run_session_baseline(factory_c, ids_c)
    print(f"clues: {n}, transitions each: {len(PATH)}, total transitions: {steps}")
    print(f"engine:   {steps / engine_time:10.0f} transitions/s  ({engine_time:.2f} s)")
    print(f"baseline: {steps / base_time:10.0f} transitions/s  ({base_time:.2f} s)  raw DB-API")
    print(
        f"session:  {steps / session_time:10.0f} transitions/s  ({session_time:.2f} s)  "
        f"same SQL through a SQLAlchemy session; engine/session = "
        f"{engine_time / session_time:.2f}"
    )
    print(
        f"processor time: engine {CPU['engine']:.2f} s, baseline {CPU['baseline']:.2f} s, "
        f"cpu ratio {CPU['engine'] / CPU['baseline']:.2f}"
    )
    if len(memory) >= 2:
        print(f"max RSS after each 2,000 clues (MiB): {', '.join(f'{m:.1f}' for m in memory)}")
        print(f"RSS growth from first to last sample: {memory[-1] - memory[0]:.1f} MiB")
    print(f"ratio {engine_time / base_time:.2f}")


if __name__ == "__main__":
    main()
