"""The engine against its own statements: N clues through the ten steps of a full path.

In the same run, on the same data (each variant on its own fresh database, chunks of
clues interleaved so a busy neighbour slows all alike):

- ``engine``: ``cases.service.fire`` per step, one commit per step, as the app runs it;
- ``raw replay``: the exact statements the engine sent to the driver (recorded in a
  first, untimed pass by a ``before_cursor_execute`` listener), with the same commits,
  through the bare DB-API cursor;
- ``session replay``: the same recording through a SQLAlchemy ``Session``;
- ``machine peer``: the common way, a ``transitions.Machine`` per ORM object
  (``bench/workflow_baselines.py``).

The last line is ``ratio X`` = engine time / raw replay time.
Usage: python bench/bench_workflow.py [N]   (PostgreSQL: set QINGFENG_BENCH_DATABASE_URL)
"""

from __future__ import annotations

import gc
import os
import resource
import sys
import time
from contextlib import nullcontext
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import time_machine  # noqa: E402
from sqlalchemy import insert, select  # noqa: E402

from bench._setup import fresh_demo_database  # noqa: E402
from bench.workflow_baselines import (  # noqa: E402
    MachinePeer,
    RawReplay,
    Recorder,
    SessionReplay,
)
from cases.handling_models import ClueSubject, FeedbackRecord  # noqa: E402
from cases.models import Clue  # noqa: E402
from cases.service import NewClue, create_clue, fire  # noqa: E402
from config.database import held_session  # noqa: E402
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
CHUNK = 100


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


class EngineRun:
    """``fire`` per step and a commit after each, on one held connection (a batch job)."""

    def __init__(self, engine, factory, recorder: Recorder | None = None) -> None:
        # QF_BENCH_POOLED=1: a pooled session, a connection checked out per transaction.
        pooled = os.environ.get("QF_BENCH_POOLED") == "1"
        self.context = nullcontext(factory()) if pooled else held_session(engine)
        self.session = self.context.__enter__()
        users = {u.username: u for u in self.session.scalars(select(User))}
        self.session.commit()
        self.steps = [
            (users[a], trig, data if data is not None else {"handler_id": users["handler"].id})
            for a, trig, data in PATH
        ]
        self.recorder = recorder
        self.memory: list[float] = []

    def run(self, ids: list[int]) -> float:
        session, recorder = self.session, self.recorder
        start = time.perf_counter()
        for clue_id in ids:
            if recorder is not None:
                recorder.current = clue_id
            clue = session.get(Clue, clue_id)
            for actor, trigger, data in self.steps:
                fire(session, actor, clue, trigger, data)
                session.commit()
            session.expunge(clue)
        elapsed = time.perf_counter() - start
        if recorder is not None:
            recorder.current = None
        gc.collect()
        self.memory.append(rss_mib())
        return elapsed

    def close(self) -> None:
        self.session.close()
        self.context.__exit__(None, None, None)


def prepare(n: int):
    """Five databases alike; the engine's statements recorded on the first."""
    made = {}
    for name in ("record", "engine", "raw", "session", "peer"):
        url, engine, factory = fresh_demo_database(f"wf_{name}")
        made[name] = (engine, factory, make_clues(factory, n))
    ids = made["record"][2]
    assert all(m[2] == ids for m in made.values()), "the databases differ"
    recorder = Recorder(made["record"][0])
    record_run = EngineRun(made["record"][0], made["record"][1], recorder)
    record_run.run(ids)
    record_run.close()
    recorder.stop()
    runners = {
        "engine": EngineRun(*made["engine"][:2]),
        "raw": RawReplay(made["raw"][0], recorder.ops),
        "session": SessionReplay(made["session"][1], recorder.ops),
        "peer": MachinePeer(made["peer"][1], PATH),
    }
    return made["record"][0].dialect.name, ids, recorder, runners


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    steps = n * len(PATH)
    # Mid-year, so every deadline falls inside a year the official calendar covers.
    with time_machine.travel(datetime(2026, 6, 15, 10, tzinfo=ZoneInfo("Asia/Shanghai"))):
        dialect, ids, recorder, runners = prepare(n)
        times, cpu = dict.fromkeys(runners, 0.0), dict.fromkeys(runners, 0.0)
        for at in range(0, n, CHUNK):
            chunk = ids[at : at + CHUNK]
            for name, runner in runners.items():
                started = time.process_time()
                times[name] += runner.run(chunk)
                cpu[name] += time.process_time() - started
        memory = runners["engine"].memory
        for runner in runners.values():
            runner.close()
    statements, commits = recorder.counts()
    print(f"{dialect}: clues {n}, steps each {len(PATH)}, transitions {steps}")
    print(f"recorded: {statements} statements, {commits} commits ({statements / steps:.2f} a step)")
    labels = {
        "engine": "cases.service.fire, commit per step",
        "raw": "the engine's statements replayed through the DB-API",
        "session": "the same replay through a SQLAlchemy Session",
        "peer": "transitions Machine per ORM object, version_id_col, ORM log + outbox",
    }
    for name, label in labels.items():
        t = times[name]
        rate, micros, cpu_us = steps / t, 1e6 * t / steps, 1e6 * cpu[name] / steps
        print(
            f"{name:8} {rate:7.0f} transitions/s {t:7.2f} s {micros:5.0f} µs "
            f"(processor {cpu_us:5.0f} µs)  {label}"
        )
    e = times["engine"]
    print(
        f"engine / session replay {e / times['session']:.2f}; session / raw "
        f"{times['session'] / times['raw']:.2f}; engine vs peer {times['peer'] / e:.2f}x faster"
    )
    print(
        f"processor time (this process; on PostgreSQL the server's work is not in it): "
        f"engine / raw {cpu['engine'] / cpu['raw']:.2f}, peer / engine "
        f"{cpu['peer'] / cpu['engine']:.2f}"
    )
    print(f"max RSS after each {CHUNK} clues (MiB): {', '.join(f'{m:.1f}' for m in memory)}")
    print(f"RSS growth first to last chunk: {memory[-1] - memory[0]:.1f} MiB")
    print(f"ratio {e / times['raw']:.2f}")


if __name__ == "__main__":
    main()
