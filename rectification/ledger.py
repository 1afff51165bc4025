"""The rectification ledger (整改台账) of a body: the list, its counts and its XLSX export.

Seed ``004_…``: "问题清单、任务清单、责任清单和整治任务台账". A user sees the items issued by
the units of their jurisdiction and the items their units are responsible for.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from sqlalchemy import ColumnElement, Select, and_, case, func, or_, select
from sqlalchemy.orm import Session, aliased

from config.spreadsheet import xlsx_row
from directory.jurisdiction import visible_unit_ids
from directory.models import OrgUnit, User
from directory.permissions import Capability, require
from rectification.models import RectificationItem, RectificationState

R = RectificationItem
S = RectificationState
FILTER_STATES = {
    "open": "整改中",
    "reported": "待验收",
    "verified": "已验收销号",
    "overdue": "逾期未完成",
}
PAGE = 200


@dataclass(frozen=True)
class LedgerFilter:
    state: str | None = None  # a key of FILTER_STATES
    unit_id: int | None = None  # the responsible unit and the units below it
    source: str | None = None


@dataclass
class Counts:
    total: int = 0
    open: int = 0
    reported: int = 0
    verified: int = 0
    overdue: int = 0


@dataclass
class LedgerPage:
    items: list[RectificationItem] = field(default_factory=list)
    counts: Counts = field(default_factory=Counts)
    more: bool = False


def overdue_clause(today: date) -> ColumnElement[bool]:
    """Open past its deadline (a reported item's clock has stopped)."""
    return and_(R.state == S.OPEN, R.next_due_on.is_not(None), R.next_due_on < today)


def _visible(session: Session, actor: User) -> ColumnElement[bool]:
    units = visible_unit_ids(session, actor)
    return or_(R.unit_id.in_(units), R.responsible_unit_id.in_(units))


def _filtered(session: Session, actor: User, f: LedgerFilter, today: date) -> Select:
    stmt = select(R).where(_visible(session, actor))
    if f.unit_id is not None:
        below = aliased(OrgUnit)
        top = select(OrgUnit.path).where(OrgUnit.id == f.unit_id).scalar_subquery()
        subtree = select(below.id).where(below.path.startswith(top))
        stmt = stmt.where(R.responsible_unit_id.in_(subtree))
    if f.source:
        stmt = stmt.where(R.source_kind == f.source)
    return stmt


def _with_state(stmt: Select, state: str | None, today: date) -> Select:
    if state == "overdue":
        return stmt.where(overdue_clause(today))
    if state in (S.OPEN, S.REPORTED, S.VERIFIED):
        return stmt.where(R.state == state)
    return stmt


def ledger_page(session: Session, actor: User, f: LedgerFilter, today: date) -> LedgerPage:
    """The first ``PAGE`` items (open ones by deadline, then the rest) and the counts."""
    require(actor, Capability.RECTIFY_READ)
    base = _filtered(session, actor, f, today)
    stmt = _with_state(base, f.state, today).order_by((R.state == S.VERIFIED), R.deadline, R.id)
    rows = list(session.scalars(stmt.limit(PAGE + 1)))
    counts = _counts(session, base, today)
    return LedgerPage(rows[:PAGE], counts, len(rows) > PAGE)


def _counts(session: Session, base: Select, today: date) -> Counts:
    sub = base.subquery()
    item = aliased(R, sub)
    overdue = and_(item.state == S.OPEN, item.next_due_on.is_not(None), item.next_due_on < today)
    row = session.execute(
        select(
            func.count(),
            func.sum(case((item.state == S.OPEN, 1), else_=0)),
            func.sum(case((item.state == S.REPORTED, 1), else_=0)),
            func.sum(case((item.state == S.VERIFIED, 1), else_=0)),
            func.sum(case((overdue, 1), else_=0)),
        ).select_from(sub)
    ).one()
    return Counts(*(int(v or 0) for v in row))


COLUMNS = (
    "序号",
    "编号",
    "下达单位",
    "问题来源",
    "来源说明",
    "发现的问题",
    "发现日期",
    "责任单位",
    "责任人",
    "整改措施",
    "整改期限",
    "办理状态",
    "是否逾期",
    "完成日期",
    "整改完成情况及佐证",
    "验收销号日期",
    "验收意见",
)
CHUNK = 64 * 1024


def ledger_rows(
    session: Session, actor: User, f: LedgerFilter, today: date
) -> Iterator[list[object]]:
    """Every item of the filtered ledger in the export's columns, in keyset batches (the
    permission is checked at once, not when the first row is asked for)."""
    require(actor, Capability.RECTIFY_READ)
    stmt = _with_state(_filtered(session, actor, f, today), f.state, today)
    return _rows(session, stmt, today)


def _rows(session: Session, stmt: Select, today: date) -> Iterator[list[object]]:
    names = dict(session.execute(select(OrgUnit.id, OrgUnit.name)).all())
    last, n = 0, 0
    while True:
        batch = list(session.scalars(stmt.where(R.id > last).order_by(R.id).limit(500)))
        if not batch:
            return
        for item in batch:
            n += 1
            late = (
                item.state == S.OPEN and item.next_due_on is not None and item.next_due_on < today
            )
            yield [
                n,
                item.number,
                names.get(item.unit_id, ""),
                item.source_label,
                item.source_ref,
                item.problem,
                item.found_on,
                names.get(item.responsible_unit_id, ""),
                item.responsible_person,
                item.measure,
                item.deadline,
                item.state_label,
                "是" if late else "否",
                item.completed_on,
                item.evidence,
                item.verified_on,
                item.verify_note,
            ]
        last = batch[-1].id


def ledger_xlsx(session: Session, actor: User, f: LedgerFilter, today: date) -> Iterator[bytes]:
    """The ledger workbook as byte chunks; every cell through ``config.spreadsheet``."""
    return _xlsx(ledger_rows(session, actor, f, today))


def _xlsx(rows: Iterator[list[object]]) -> Iterator[bytes]:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("整改台账")
    ws.freeze_panes = "A2"
    header = []
    for title in COLUMNS:
        cell = WriteOnlyCell(ws, value=title)
        cell.font = Font(bold=True)
        header.append(cell)
    ws.append(header)
    for row in rows:
        ws.append(xlsx_row(ws, row))
    with tempfile.TemporaryFile() as fh:
        wb.save(fh)
        fh.seek(0)
        while chunk := fh.read(CHUNK):
            yield chunk
