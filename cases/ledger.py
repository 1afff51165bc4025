"""Ledger numbers (台账编号): gap-free per body and year.

The counter row is incremented inside the registering transaction, so a
rolled-back registration gives its number back and no number is skipped.
"""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from cases.models import LedgerCounter
from directory.models import OrgUnit


def next_number(session: Session, unit: OrgUnit, year: int) -> tuple[int, str]:
    """Allocate the next sequence for ``unit`` in ``year``; returns (seq, ledger number)."""
    stmt = (
        update(LedgerCounter)
        .where(LedgerCounter.unit_id == unit.id, LedgerCounter.year == year)
        .values(last=LedgerCounter.last + 1)
        .returning(LedgerCounter.last)
        .execution_options(synchronize_session=False)
    )
    seq = session.execute(stmt).scalar()
    if seq is None:
        try:
            with session.begin_nested():
                session.add(LedgerCounter(unit_id=unit.id, year=year, last=1))
            seq = 1
        except IntegrityError:  # another registration created the row first
            seq = session.execute(stmt).scalar_one()
    return seq, format_number(unit, year, seq)


def format_number(unit: OrgUnit, year: int, seq: int) -> str:
    return f"{unit.code}〔{year}〕{seq:04d}号"
