"""Tamper evidence for the append-only logs (``transition_log`` and ``audit_events``).

Writing a log row costs nothing extra: a sealing job later chains the rows in id order.
Each seal stores the last ids it covers and SHA-256 over the previous seal's hash and the
digests of the canonical JSON of every covered row, so ``verify`` detects an edited,
deleted or slipped-in row, and a seal that was edited or removed. Whoever can rewrite the
database can also rewrite every seal after a change; keep the printed head hash elsewhere
(``qingfeng audit seal`` prints it) to detect that too.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from config.audit_log import AuditEvent
from config.database import utcnow
from config.errors import Conflict
from workflow.audit_models import AuditSeal
from workflow.models import TransitionLog

GENESIS = "0" * 64
# Rows younger than this are left for the next run: on PostgreSQL a transaction that took
# id 100 may commit after the one that took id 101, and a seal must never pass over a row
# that is not yet visible.
SETTLE = timedelta(minutes=2)
BATCH = 5000
SHORT = 16  # hex digits of each row digest kept in the seal to name the changed row

TABLES: tuple[tuple[str, Table, str], ...] = (
    ("transition_log", cast(Table, TransitionLog.__table__), "last_log_id"),
    ("audit_events", cast(Table, AuditEvent.__table__), "last_event_id"),
)
TABLE_LABELS = {"transition_log": "办理日志", "audit_events": "审计事件"}


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def row_digest(table: str, row: Mapping[str, Any]) -> str:
    """SHA-256 over the table name and the row as canonical JSON (sorted keys, UTC times)."""
    canonical = json.dumps(
        {key: _plain(value) for key, value in row.items()},
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(f"{table}\n{canonical}".encode()).hexdigest()


def chain_hash(prev_hash: str, digests: list[str]) -> str:
    h = hashlib.sha256(prev_hash.encode())
    for digest in digests:
        h.update(b"\n" + digest.encode())
    return h.hexdigest()


def _rows(session: Session, table: Table, after: int, upto: int | None, limit: int | None = None):
    query = select(table).where(table.c.id > after).order_by(table.c.id)
    if upto is not None:
        query = query.where(table.c.id <= upto)
    if limit is not None:
        query = query.limit(limit)
    return session.execute(query).mappings()


def _settled_limit(session: Session, table: Table, after: int, cutoff: datetime) -> int | None:
    """The first id that is still too young; rows from it on wait for a later seal."""
    return session.scalar(
        select(func.min(table.c.id)).where(table.c.id > after, table.c.at >= cutoff)
    )


def _last_seal(session: Session) -> AuditSeal | None:
    return session.scalar(select(AuditSeal).order_by(AuditSeal.seq.desc()).limit(1))


def seal_once(
    session: Session, *, now: datetime | None = None, settle: timedelta = SETTLE, batch: int = BATCH
) -> AuditSeal | None:
    """Seal up to ``batch`` settled rows after the last seal; None when nothing is new.

    Raises ``Conflict`` when another process sealed the same successor first (``seq`` is
    unique), so two schedulers can never fork the chain.
    """
    cutoff = (now or utcnow()) - settle
    last = _last_seal(session)
    prev_hash = last.hash if last else GENESIS
    entries: list[list[Any]] = []
    digests: list[str] = []
    last_ids: dict[str, int] = {}
    budget = batch
    for name, table, attr in TABLES:
        after = getattr(last, attr) if last else 0
        young = _settled_limit(session, table, after, cutoff)
        upto = young - 1 if young is not None else None
        last_ids[attr] = after
        for row in _rows(session, table, after, upto, budget):
            digest = row_digest(name, row)
            digests.append(digest)
            entries.append([name, row["id"], digest[:SHORT]])
            last_ids[attr] = row["id"]
            budget -= 1
    if not entries:
        return None
    seal = AuditSeal(
        seq=(last.seq + 1) if last else 1,
        sealed_at=utcnow(),
        prev_hash=prev_hash,
        hash=chain_hash(prev_hash, digests),
        entries=entries,
        **last_ids,
    )
    try:
        with session.begin_nested():
            session.add(seal)
    except IntegrityError as err:
        raise Conflict("另一进程刚刚封存了审计日志，本次跳过。") from err
    return seal


def seal_all(session: Session, *, now: datetime | None = None, settle: timedelta = SETTLE) -> int:
    """Seal every settled row, batch by batch; returns how many rows were sealed."""
    total = 0
    while (seal := seal_once(session, now=now, settle=settle)) is not None:
        total += len(seal.entries)
    return total


@dataclass(frozen=True)
class VerifyReport:
    seals: int
    rows: int
    unsealed: int
    problem: str | None = None
    head_hash: str = GENESIS

    @property
    def ok(self) -> bool:
        return self.problem is None


def verify(session: Session) -> VerifyReport:
    """Recompute the whole chain; report the first seal or row that does not match."""
    prev_hash, expected_seq, rows = GENESIS, 1, 0
    after = {attr: 0 for _, _, attr in TABLES}
    seals = session.scalars(select(AuditSeal).order_by(AuditSeal.seq))
    checked = 0

    def report(problem: str | None) -> VerifyReport:
        unsealed = sum(
            session.scalar(select(func.count()).where(table.c.id > after[attr])) or 0
            for _, table, attr in TABLES
        )
        return VerifyReport(checked, rows, unsealed, problem, prev_hash)

    for seal in seals:
        if seal.seq != expected_seq:
            return report(f"封存记录第 {expected_seq} 号缺失（已被删除）。")
        if seal.prev_hash != prev_hash:
            return report(f"封存记录第 {seal.seq} 号与上一号不衔接（封存记录被改动）。")
        problem, digests = _check_seal(session, seal, after)
        rows += len(digests)
        if problem is not None:
            return report(problem)
        if chain_hash(prev_hash, digests) != seal.hash:
            return report(f"封存记录第 {seal.seq} 号的哈希值不符（封存记录被改动）。")
        prev_hash, expected_seq, checked = seal.hash, expected_seq + 1, checked + 1
        after = {attr: getattr(seal, attr) for _, _, attr in TABLES}
    return report(None)


def _check_seal(
    session: Session, seal: AuditSeal, after: dict[str, int]
) -> tuple[str | None, list[str]]:
    actual: dict[str, dict[int, str]] = {}
    for name, table, attr in TABLES:
        actual[name] = {
            row["id"]: row_digest(name, row)
            for row in _rows(session, table, after[attr], getattr(seal, attr))
        }
    digests = []
    for name, row_id, short in seal.entries:
        label = TABLE_LABELS[name]
        digest = actual[name].pop(row_id, None)
        if digest is None:
            return (
                f"{label}（{name}）第 {row_id} 行缺失：封存后被删除（封存第 {seal.seq} 号）。",
                [],
            )
        if digest[:SHORT] != short:
            return f"{label}（{name}）第 {row_id} 行在封存后被修改（封存第 {seal.seq} 号）。", []
        digests.append(digest)
    for name, extra in actual.items():
        if extra:
            row_id = min(extra)
            label = TABLE_LABELS[name]
            return (
                f"{label}（{name}）第 {row_id} 行是封存后插入的（封存第 {seal.seq} 号范围内）。",
                [],
            )
    return None, digests
