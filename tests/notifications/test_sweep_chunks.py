"""The sweeps queue in bounded chunks, each its own transaction (issue 21 §2): a run killed
after chunk k keeps chunks 1…k, the next run queues exactly what is missing (each delivery
once), and every chunk issues the same number of statements whatever its rows hold.
Runs on SQLite and, with QINGFENG_TEST_DATABASE_URL, on PostgreSQL."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime

import pytest
import time_machine
from sqlalchemy import event, func, select

from cases.states import ClueState
from directory.models import OrgUnit
from notifications.batch import targets_of
from notifications.chunks import Progress, sweep_chunks
from notifications.clue_reminders import clue_chunk, due_clue_messages
from notifications.models import Delivery
from notifications.obligation_reminders import obligation_chunk
from reporting.models import Obligation, ObligationRule
from tests.cases.factories import clue_in_state
from workflow.calendar import load_calendar

T0 = datetime(2026, 6, 9, 1, 30, tzinfo=UTC)  # Tuesday 09:30 in Shanghai
DUE = date(2026, 6, 10)  # one working day ahead: the due_1 level
CLUES = 23
SIZE = 5


def _due_clues(db, n: int = CLUES) -> list[int]:
    ids = []
    for i in range(n):
        clue = clue_in_state(db, ClueState.TRIAGE, summary=f"分批提醒线索{i}")
        clue.clocks = {
            "accept_notice": {"start": "2026-05-20", "due": DUE.isoformat(), "paused": 0,
                              "extended": 0, "extensions": 0, "paused_on": None, "met_on": None}
        }  # fmt: skip
        clue.next_due_on = DUE
        ids.append(clue.id)
    db.commit()
    return ids


def _due_obligations(db, n: int = CLUES) -> None:
    """Owed obligations of the demo's institutions, due with the clues (unique per period)."""
    institutions = db.scalars(select(OrgUnit).where(OrgUnit.kind == "institution")).all()
    rule = ObligationRule(code="chunk_test", form_code="zl1", unit_kinds="institution",
                          cycle="monthly", day_of_month=10, label="分批测试", source="test",
                          active=True)  # fmt: skip
    db.add(rule)
    db.flush()
    for i in range(n):
        month = 1 + i // len(institutions)
        db.add(
            Obligation(rule_id=rule.id, unit_id=institutions[i % len(institutions)].id,
                       form_code="zl1", period_start=date(2025, month, 1),
                       period_end=date(2025, month, 28), period_label=f"2025年{month}月",
                       due_on=DUE)
        )  # fmt: skip
    db.commit()


def _expected_keys(db) -> set[str]:
    messages = due_clue_messages(db, T0.date(), load_calendar(db))
    return {t.key for t in targets_of(db, messages)}


def _clue_keys(db) -> Counter:
    db.expire_all()
    return Counter(
        db.scalars(select(Delivery.idempotency_key).where(Delivery.subject_ref.like("clue:%")))
    )


class Killed(RuntimeError):
    pass


def _dies_in_chunk(k: int):
    """``clue_chunk`` that raises in chunk ``k`` after queueing its rows, before its commit."""
    calls = {"n": 0}

    def chunk(session, now, after, size):
        done = clue_chunk(session, now, after, size)
        calls["n"] += 1
        if calls["n"] == k:
            raise Killed(f"killed in chunk {k}")
        return done

    return chunk


def test_a_sweep_killed_after_chunk_k_loses_only_chunk_k_and_the_rerun_completes_it(
    db, session_factory
):
    _due_clues(db)
    with time_machine.travel(T0, tick=False):
        expected = _expected_keys(db)
        assert len(expected) >= CLUES
        seen: list[Progress] = []
        with pytest.raises(Killed):
            sweep_chunks(session_factory, _dies_in_chunk(3), T0, size=SIZE, report=seen.append)
        assert [p.number for p in seen] == [1, 2]  # chunks 1 and 2 committed, 3 lost
        partial = _clue_keys(db)
        assert set(partial) < expected and max(partial.values()) == 1
        assert sum(p.chunk.queued for p in seen) == sum(partial.values())
        # The next tick (the scheduler's recovery run) continues: exactly what is missing.
        again = sweep_chunks(session_factory, clue_chunk, T0, size=SIZE)
        assert again == len(expected) - len(partial)
        final = _clue_keys(db)
        assert set(final) == expected and max(final.values()) == 1
        # And once more: nothing new.
        assert sweep_chunks(session_factory, clue_chunk, T0, size=SIZE) == 0
        assert _clue_keys(db) == final


def _statements(db):
    engine = db.get_bind().engine
    counter = {"n": 0}

    def count(*_args):
        counter["n"] += 1

    event.listen(engine, "before_cursor_execute", count)
    return engine, count, counter


def _per_chunk(db, session_factory, chunk, size: int) -> list[int]:
    engine, listener, counter = _statements(db)
    per_chunk: list[int] = []
    last = {"n": 0}

    def report(progress: Progress) -> None:
        per_chunk.append(counter["n"] - last["n"])
        last["n"] = counter["n"]

    try:
        sweep_chunks(session_factory, chunk, T0, size=size, report=report)
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    return per_chunk


@pytest.mark.parametrize("chunk", [clue_chunk, obligation_chunk], ids=["clues", "obligations"])
def test_each_chunk_issues_a_fixed_number_of_statements(db, session_factory, chunk):
    """Whatever a chunk's size: five rows or all of them in one chunk, the same statements
    (an obligation chunk adds one when a rule names receiving offices, seed 004)."""
    _due_clues(db)
    _due_obligations(db)
    with time_machine.travel(T0, tick=False):
        small = _per_chunk(db, session_factory, chunk, SIZE)
        whole = _per_chunk(db, session_factory, chunk, 10 * CLUES)  # again: queues nothing
    assert len(small) >= 4 and len(whole) == 1, (small, whole)
    assert max(small) == whole[0], (small, whole)
    assert max(small) - min(small) <= 1, small


def test_a_chunk_is_bounded_by_its_size(db, session_factory):
    _due_clues(db)
    with time_machine.travel(T0, tick=False):
        seen: list[Progress] = []
        sweep_chunks(session_factory, clue_chunk, T0, size=SIZE, report=seen.append)
    assert seen and all(p.chunk.rows <= SIZE for p in seen)
    assert sum(p.chunk.rows for p in seen) >= CLUES
    assert "第 1 批" in seen[0].line() and "排队" in seen[0].line()
    total = db.scalar(
        select(func.count()).select_from(Delivery).where(Delivery.subject_ref.like("clue:%"))
    )
    assert total == seen[-1].queued
