"""Sweeps in bounded chunks: each chunk its own short transaction, so no sweep holds one
huge transaction, a crash loses at most the chunk in flight, and the next run continues.

A sweep is a function ``chunk(session, now, after, size) -> Chunk | None`` that reads at
most ``size`` due rows with an id greater than ``after`` (keyset pagination on the id, in
id order), queues their deliveries and says where it stopped; ``None`` when there is
nothing (left) to do. ``sweep_chunks`` runs chunk after chunk, each in a session and
transaction of its own; ``sweep_in_session`` runs them all in the caller's session (tests,
callers that already hold a transaction).

Exactly once: every delivery carries an idempotency key under a unique constraint and is
inserted with ``ON CONFLICT DO NOTHING`` (``notifications.batch``). A chunk that committed
has its rows marked by those keys; a run that died after chunk k is run again by the
scheduler (``notifications.recovery``: "recovered", the same business day), finds chunks
1…k queued, inserts nothing for them, and queues the rest. Each chunk issues a fixed
number of statements (its rows, the people concerned, their preferences, the insert),
whatever its size. Each chunk is logged on ``qingfeng.sweep`` (the CLI prints it).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from config.database import session_scope

CHUNK_ROWS = 2000  # due rows per chunk: about a quarter of a second on either database
log = logging.getLogger("qingfeng.sweep")


@dataclass(frozen=True)
class Chunk:
    rows: int  # due rows read
    last_id: int  # the next chunk starts after this id
    queued: int  # deliveries inserted


ChunkFn = Callable[[Session, datetime, int, int], Chunk | None]


@dataclass(frozen=True)
class Progress:
    name: str
    number: int
    chunk: Chunk
    seconds: float
    rows: int  # due rows so far
    queued: int  # deliveries so far

    def line(self) -> str:
        return (
            f"{self.name}：第 {self.number} 批 {self.chunk.rows} 条到期记录，"
            f"排队 {self.chunk.queued} 条，用时 {self.seconds:.2f} 秒"
            f"（累计 {self.rows} 条记录，{self.queued} 条提醒）"
        )


def sweep_chunks(
    factory: sessionmaker,
    chunk: ChunkFn,
    now: datetime,
    *,
    name: str = "",
    size: int = CHUNK_ROWS,
    report: Callable[[Progress], None] | None = None,
) -> int:
    """Run ``chunk`` until no rows are left, each call in its own transaction; returns the
    deliveries queued. An error ends the run: the chunks before it stay committed."""
    after = rows = queued = number = 0
    while True:
        started = time.perf_counter()
        with session_scope(factory) as session:
            done = chunk(session, now, after, size)
        if done is None:
            return queued
        number, rows, queued = number + 1, rows + done.rows, queued + done.queued
        progress = Progress(name, number, done, time.perf_counter() - started, rows, queued)
        log.info(progress.line())
        if report is not None:
            report(progress)
        if done.rows < size:
            return queued
        after = done.last_id


def sweep_in_session(
    session: Session, chunk: ChunkFn, now: datetime, *, size: int = CHUNK_ROWS
) -> int:
    """Every chunk in ``session``'s transaction (the caller commits); returns the queued."""
    after = queued = 0
    while (done := chunk(session, now, after, size)) is not None:
        queued += done.queued
        if done.rows < size:
            break
        after = done.last_id
    return queued
