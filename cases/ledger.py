"""Ledger numbers (台账编号): gap-free per body and year.

The counter row is incremented inside the registering transaction, so a
rolled-back registration gives its number back and no number is skipped.
"""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import Table, bindparam, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from cases.models import LedgerCounter
from directory.models import OrgUnit
from workflow import fastsql


def next_number(session: Session, unit: OrgUnit, year: int) -> tuple[int, str]:
    """Allocate the next sequence for ``unit`` in ``year``; returns (seq, ledger number)."""
    params = {"b_unit": unit.id, "b_year": year}
    # On the session's own DB-API connection: same transaction, compiled once per dialect
    # (``workflow.fastsql``); no mapped object holds the counter.
    seq = _bump(session, params)
    if seq is None:
        try:
            with session.begin_nested():
                session.add(LedgerCounter(unit_id=unit.id, year=year, last=1))
            seq = 1
        except IntegrityError:  # another registration created the row first
            seq = _bump(session, params)
            assert seq is not None
    return seq, format_number(unit, year, seq)


def _bump(session: Session, params: dict[str, int]) -> int | None:
    conn = session.connection()
    cursor = fastsql.execute(conn, fastsql.prepare("ledger_bump", conn.dialect, _BUMP_OF), params)
    try:
        row = cursor.fetchone()
    finally:
        cursor.close()
    return None if row is None else int(row[0])


_COUNTER_TABLE = cast(Table, LedgerCounter.__table__)
_COUNTER = _COUNTER_TABLE.c
_BUMP = (
    update(_COUNTER_TABLE)
    .where(_COUNTER.unit_id == bindparam("b_unit"), _COUNTER.year == bindparam("b_year"))
    .values(last=_COUNTER.last + 1)
    .returning(_COUNTER.last)
)


def _BUMP_OF(_dialect: object) -> Any:
    return _BUMP


def format_number(unit: OrgUnit, year: int, seq: int) -> str:
    return f"{unit.code}〔{year}〕{seq:04d}号"
