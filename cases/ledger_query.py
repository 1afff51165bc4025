"""The ledger (台账): filtered, searched, keyset-paginated clues within jurisdiction.

Order is (received_at DESC, id DESC), indexed as ``ix_clues_received_id`` and
``ix_clues_unit_received_id``; a page continues strictly after the last row's key, so
pages neither repeat nor skip rows when clues are added meanwhile (OFFSET would).
Search is a substring match on summary and content, served by a trigram index on both
databases (``cases.text_index``: FTS5 on SQLite, pg_trgm GIN on PostgreSQL).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, literal, select, tuple_
from sqlalchemy.orm import Session

from cases.models import Clue
from cases.text_index import clue_text_match, substring_match
from config.database import is_valid_id
from config.errors import CalendarUnknown, ValidationError
from config.localtime import LOCAL_TZ
from directory.jurisdiction import visible_unit_ids
from directory.models import OrgUnit, User
from workflow.engine import calendar_for, local_today
from workflow.pending import PendingDeadline

DUE_SOON_WORKING_DAYS = 3  # as cases.service.deadlines: "due soon" is ≤ 3 working days


@dataclass(frozen=True)
class LedgerFilter:
    unit_id: int | None = None  # this unit and everything below it
    state: str | None = None
    channel: str | None = None
    category: str | None = None
    handler_id: int | None = None
    due: str | None = None  # "soon" | "overdue" | "pending"
    received_from: date | None = None
    received_to: date | None = None
    q: str = ""


@dataclass(frozen=True)
class LedgerPage:
    rows: list[Clue]
    next_cursor: str | None


def encode_cursor(clue: Clue) -> str:
    return f"{clue.received_at.isoformat()}~{clue.id}"


def decode_cursor(cursor: str) -> tuple[datetime, int]:
    try:
        at, _, ident = cursor.partition("~")
        when, number = datetime.fromisoformat(at), int(ident)
        if not is_valid_id(number):
            raise ValueError(ident)
        return when, number
    except ValueError as err:
        raise ValidationError("翻页参数无效，请从第一页重新查询。") from err


def ledger_query(
    session: Session, actor: User, f: LedgerFilter, today: date | None = None
) -> Select[Clue]:
    """The filtered statement, jurisdiction applied, in ledger order."""
    stmt = select(Clue).where(Clue.unit_id.in_(visible_unit_ids(session, actor)))
    if f.unit_id:
        unit = session.get(OrgUnit, f.unit_id)
        path = unit.path if unit else "\x00"
        stmt = stmt.where(
            Clue.unit_id.in_(
                select(OrgUnit.id).where(OrgUnit.path.startswith(path, autoescape=True))
            )
        )
    for column, value in (
        (Clue.state, f.state),
        (Clue.channel, f.channel),
        (Clue.category, f.category),
        (Clue.handler_id, f.handler_id),
    ):
        if value:
            stmt = stmt.where(column == value)
    if f.due:
        today = today or local_today()
        if f.due == "overdue":
            stmt = stmt.where(Clue.next_due_on < today)
        elif f.due == "soon":
            stmt = stmt.where(Clue.next_due_on.between(today, _soon_limit(session, today)))
        elif f.due == "pending":  # a deadline waits for a year's calendar (workflow.pending)
            stmt = stmt.where(
                Clue.id.in_(
                    select(PendingDeadline.clue_id).where(PendingDeadline.clue_id.is_not(None))
                )
            )
    if f.received_from:
        stmt = stmt.where(Clue.received_at >= _start_of(f.received_from))
    if f.received_to:
        stmt = stmt.where(Clue.received_at < _start_of(f.received_to + timedelta(days=1)))
    if f.q.strip():
        stmt = stmt.where(*clue_text_match(session, f.q))
    return stmt.order_by(Clue.received_at.desc(), Clue.id.desc())


def text_match(q: str, *columns: Any) -> list[ColumnElement[bool]]:
    """Each word (up to 5) must occur as a substring of one of ``columns``: the ledger's
    strategy for Chinese text (no word boundaries; pg_trgm indexes on PostgreSQL)."""
    return [substring_match(word, *columns) for word in q.split()[:5]]


def ledger_page(
    session: Session,
    actor: User,
    f: LedgerFilter,
    *,
    cursor: str | None = None,
    limit: int = 50,
    today: date | None = None,
) -> LedgerPage:
    """One page of the ledger after ``cursor`` (the last row's key), and the next cursor."""
    return _page(session, ledger_query(session, actor, f, today), cursor, limit)


def _page(session: Session, stmt: Select[Clue], cursor: str | None, limit: int):
    if cursor:
        at, ident = decode_cursor(cursor)
        stmt = stmt.where(_after(at, ident))
    rows = list(session.scalars(stmt.limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    return LedgerPage(rows, encode_cursor(rows[-1]) if more and rows else None)


def iter_ledger(
    session: Session, actor: User, f: LedgerFilter, *, batch: int = 1000
) -> Iterator[list[Clue]]:
    """The whole filtered ledger in keyset batches (exports): memory stays one batch.

    The statement (with the actor's jurisdiction) is built now, so the batches can be
    read later while a response streams, when the actor is no longer loaded."""
    return _batches(session, ledger_query(session, actor, f), batch)


def _batches(session: Session, stmt: Select[Clue], batch: int) -> Iterator[list[Clue]]:
    cursor = None
    while True:
        page = _page(session, stmt, cursor, batch)
        if page.rows:
            yield page.rows
        if page.next_cursor is None:
            return
        # The session's identity map holds rows weakly: earlier batches are freed.
        cursor = page.next_cursor


def after_key(at: datetime, ident: int):
    """Rows strictly after the key (``received_at``, ``id``) in ledger order."""
    return _after(at, ident)


def _after(at: datetime, ident: int):
    # A row-value comparison: PostgreSQL and SQLite both seek the (received_at, id) index.
    return tuple_(Clue.received_at, Clue.id) < tuple_(literal(at, Clue.received_at.type), ident)


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time(0), LOCAL_TZ)


def _soon_limit(session: Session, today: date) -> date:
    try:
        return calendar_for(session).add_working_days(today, DUE_SOON_WORKING_DAYS)
    except CalendarUnknown:  # an unconfirmed year: count calendar days, err on the early side
        return today + timedelta(days=DUE_SOON_WORKING_DAYS)
