"""The ledger as XLSX, streamed: the clues' own columns come from one Core SELECT of exactly
the columns the sheet shows, read in batches (``yield_per``: a server-side cursor on
PostgreSQL); each batch's related names are fetched in one query per kind, never one per
row. The rows go to the one spreadsheet writer's constant-memory stream (a temporary
file), then the finished file is sent in chunks, so memory does not grow with the number
of clues (``bench/bench_export.py``, docs/performance.md §4).

The sheet reads as the office's own register: a title row naming the body and the time
of the export, the header frozen below it, column widths set, and the next deadline with
its state (已逾期 / 即将到期 / 正常 / 待定) as the ledger's badges show it.
"""

from __future__ import annotations

import tempfile
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import case, null, select
from sqlalchemy.orm import Session

from cases.handling_models import ClueSubject, Referral, Sanction
from cases.ledger_query import LedgerFilter, after_key, ledger_query
from cases.models import FEEDBACK_GIVEN, Clue
from cases.reference import CHANNEL_LABELS, SANCTION_KINDS, category_label
from cases.states import FINDINGS_LABELS, ROUTE_LABELS, STATE_LABELS, ClueState
from config.database import ids_among
from config.errors import DomainError
from config.localtime import LOCAL_TZ
from config.xlsx_stream import XlsxStream
from directory.models import OrgUnit, User
from workflow import timelimits
from workflow.engine import calendar_for, local_today
from workflow.models import TransitionLog
from workflow.pending import PendingDeadline

LEDGER_TITLE = "问题线索台账"
LEDGER_COLUMNS = (
    "序号",
    "线索编号",
    "受理日期",
    "来源",
    "反映对象（单位/人员）",
    "问题类别",
    "主要问题摘要",
    "处置方式",
    "核查结论",
    "处理结果",
    "办理状态",
    "承办人",
    "办结/销号日期",
    "下一期限",
    "期限状态",
)
# Characters, as Excel counts them (a Chinese character is about two).
LEDGER_WIDTHS = (6, 20, 11, 12, 26, 24, 48, 12, 10, 28, 16, 10, 13, 11, 10)
DUE_STATE_LABELS = {"overdue": "已逾期", "due_soon": "即将到期", "normal": "正常"}
PENDING = "待定"
BATCH = 2000
HEAD_ROWS = 2  # the title and the header
CHUNK = 64 * 1024

# Exactly what the sheet shows: no mapped objects, no JSON but a clue awaiting 销号 after
# feedback (its status reads 已反馈 only when the feedback clock is met).
_FEEDBACK_CLOCKS = case((Clue.state == ClueState.FEEDBACK, Clue.clocks), else_=null())
_COLUMNS = (
    Clue.id,
    Clue.ledger_no,
    Clue.received_at,
    Clue.channel,
    Clue.accused_unit_id,
    Clue.category,
    Clue.summary,
    Clue.route,
    Clue.findings,
    Clue.state,
    _FEEDBACK_CLOCKS.label("feedback_clocks"),
    Clue.handler_id,
    Clue.next_due_on,
)


def ledger_rows(
    session: Session, actor: User, f: LedgerFilter, today: date | None = None
) -> Iterator[list[object]]:
    """The ledger's rows in the sheet's columns, jurisdiction and filters applied.

    The statement (with the actor's jurisdiction) is built now, so the rows can be read
    later while a response streams, when the actor is no longer loaded."""
    stmt = ledger_query(session, actor, f).with_only_columns(*_COLUMNS)
    return _rows(session, stmt, _DueStates(session, today or local_today()))


def _batches(session: Session, stmt: Any) -> Iterator[Sequence[Any]]:
    """The rows in batches of ``BATCH``: on PostgreSQL from one server-side cursor
    (``yield_per``); on SQLite, which has none, in keyset pages — one ordered statement
    would hold every row in SQLite's sorter when its plan sorts (memory grew with rows)."""
    if session.get_bind().dialect.name == "postgresql":
        yield from session.execute(stmt, execution_options={"yield_per": BATCH}).partitions()
        return
    page = stmt.limit(BATCH)
    while batch := session.execute(page).all():
        yield batch
        if len(batch) < BATCH:
            return
        last = batch[-1]
        page = stmt.where(after_key(last.received_at, last.id)).limit(BATCH)


def _rows(session: Session, stmt: Any, due: _DueStates) -> Iterator[list[object]]:
    n = 0
    for batch in _batches(session, stmt):
        extra = _batch_details(session, batch)
        pending = extra["pending"]
        for c in batch:
            n += 1
            next_due, due_state = due.of(c.next_due_on, c.id in pending)
            yield [
                n,
                c.ledger_no or f"待受理-{c.id}",  # as Clue.reference
                _day(c.received_at),
                CHANNEL_LABELS.get(c.channel, c.channel),
                extra["subjects"].get(c.id) or extra["units"].get(c.accused_unit_id, ""),
                category_label(c.category),
                c.summary,
                ROUTE_LABELS.get(c.route or "", ""),
                FINDINGS_LABELS.get(c.findings or "", ""),
                extra["results"].get(c.id, ""),
                _state_label(c.state, c.feedback_clocks),
                extra["handlers"].get(c.handler_id, ""),
                extra["closed"].get(c.id, ""),
                next_due,
                due_state,
            ]


def _state_label(state: str, feedback_clocks: dict[str, Any] | None) -> str:
    """As ``Clue.state_label``, from the selected columns."""
    if feedback_clocks and (feedback_clocks.get("result_feedback") or {}).get("met_on"):
        return FEEDBACK_GIVEN
    return STATE_LABELS.get(state, state)


class _DueStates:
    """The state of a next deadline, as the ledger's row badge (``cases.queries.due_badges``)
    judges it; worked out once per distinct date (a few hundred in any ledger)."""

    def __init__(self, session: Session, today: date) -> None:
        self._calendar = calendar_for(session)
        self._today = today
        self._seen: dict[date, tuple[str, str]] = {}

    def of(self, due: date | None, pending: bool) -> tuple[str, str]:
        if due is None:
            return (PENDING, PENDING) if pending else ("", "")
        if due not in self._seen:
            try:
                state = str(timelimits.status(due, self._today, self._calendar))
            except DomainError:  # a year nobody confirmed: only "overdue" is certain
                state = "overdue" if self._today > due else "normal"
            self._seen[due] = (due.isoformat(), DUE_STATE_LABELS.get(state, ""))
        return self._seen[due]


def _batch_details(session: Session, batch: Sequence[Any]) -> dict[str, Any]:
    ids = [c.id for c in batch]
    subjects: dict[int, list[str]] = defaultdict(list)
    for clue_id, name in session.execute(
        select(ClueSubject.clue_id, ClueSubject.name)
        .where(ids_among(session, ClueSubject.clue_id, ids))
        .order_by(ClueSubject.id)
    ):
        subjects[clue_id].append(name)
    results: dict[int, list[str]] = defaultdict(list)
    for clue_id, name, kind in session.execute(
        select(Sanction.clue_id, ClueSubject.name, Sanction.kind)
        .join(Sanction.subject)
        .where(ids_among(session, Sanction.clue_id, ids))
        .order_by(Sanction.id)
    ):
        results[clue_id].append(f"{name}：{SANCTION_KINDS.get(kind, kind)}")
    for clue_id, organ in session.execute(
        select(Referral.clue_id, Referral.organ).where(
            ids_among(session, Referral.clue_id, ids)
        )
    ):
        results[clue_id].append(f"移送{organ}")
    return {
        "subjects": {k: "、".join(v) for k, v in subjects.items()},
        "results": {k: "；".join(v) for k, v in results.items()},
        "units": _names(session, OrgUnit.id, OrgUnit.name, {c.accused_unit_id for c in batch}),
        "handlers": _names(session, User.id, User.display_name, {c.handler_id for c in batch}),
        "closed": _closed(session, ids),
        "pending": _pending(session, [c.id for c in batch if c.next_due_on is None]),
    }


def _names(session: Session, key: Any, name: Any, ids: Iterable[int | None]) -> dict[int, str]:
    wanted = [i for i in ids if i]
    if not wanted:
        return {}
    stmt = select(key, name).where(ids_among(session, key, wanted))
    return {k: v for k, v in session.execute(stmt)}


def _closed(session: Session, ids: list[int]) -> dict[int, str]:
    return {
        subject_id: _day(at)
        for subject_id, at in session.execute(
            select(TransitionLog.subject_id, TransitionLog.at).where(
                TransitionLog.lifecycle == "clue",
                TransitionLog.trigger == "approve_write_off",
                ids_among(session, TransitionLog.subject_id, ids),
            )
        )
    }


def _pending(session: Session, ids: list[int]) -> set[int]:
    """The clues among ``ids`` whose deadline waits for a year's calendar (workflow.pending)."""
    if not ids:
        return set()
    return set(
        session.scalars(select(PendingDeadline.clue_id).where(
                ids_among(session, PendingDeadline.clue_id, ids)
            ))
    )


def _day(at: datetime) -> str:
    return at.astimezone(LOCAL_TZ).strftime("%Y-%m-%d")


def ledger_title(session: Session, actor: User, f: LedgerFilter, now: datetime) -> str:
    """ "问题线索台账（单位，导出时间）": the unit filtered on, else the actor's own."""
    unit = (
        session.get(OrgUnit, f.unit_id or actor.unit_id) if (f.unit_id or actor.unit_id) else None
    )
    moment = now.astimezone(LOCAL_TZ)
    stamp = f"{moment.year}年{moment.month}月{moment.day}日 {moment:%H:%M}"
    return f"{LEDGER_TITLE}（{unit.name if unit else ''}，导出时间 {stamp}）"


def write_ledger(out: XlsxStream, title: str, rows: Iterable[Sequence[object]]) -> Iterator[int]:
    """The title row, the frozen header, then ``rows``; yields the count every ``BATCH``
    rows (a background job records its progress there)."""
    out.freeze(HEAD_ROWS)
    out.title(title, len(LEDGER_COLUMNS))
    out.append(LEDGER_COLUMNS, out.header)
    for n, row in enumerate(rows, start=1):
        # Tip text comes from the public: never a live formula (config.spreadsheet).
        out.append(row)
        if n % BATCH == 0:
            yield n


def ledger_xlsx(
    session: Session, actor: User, f: LedgerFilter, now: datetime | None = None
) -> Iterator[bytes]:
    """The ledger workbook as byte chunks (for a streamed response)."""
    now = now or datetime.now(LOCAL_TZ)
    title = ledger_title(session, actor, f, now)
    return _xlsx(title, ledger_rows(session, actor, f, now.astimezone(LOCAL_TZ).date()))


def _xlsx(title: str, rows: Iterator[list[object]]) -> Iterator[bytes]:
    with tempfile.TemporaryFile() as fh:
        out = XlsxStream(fh, LEDGER_TITLE, LEDGER_WIDTHS)
        for _ in write_ledger(out, title, rows):
            pass
        out.close()
        fh.seek(0)
        while chunk := fh.read(CHUNK):
            yield chunk
