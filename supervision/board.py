"""The board of the bodies below (督办看板), for leaders, and the lists behind its figures.

For each body below the actor's (a city's counties; a province's cities and counties), over
its whole subtree: open clues, overdue clues, clues under 挂牌督办, reports missing (due and
not sent) or sent late this year, and overdue rectification items. Each figure is computed
with one grouped SQL aggregate per kind (by unit), folded onto the bodies in memory, so the
cost does not grow with the number of bodies (measured in ``bench/bench_board.py``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from cases.models import Clue
from cases.states import CLOSED_STATES
from config.errors import NotFound
from directory.jurisdiction import body_of
from directory.models import OrgUnit, UnitKind, User
from directory.permissions import Capability, require
from rectification.ledger import overdue_clause
from rectification.models import RectificationItem
from reporting.forms import FORMS
from reporting.models import Obligation, ObligationState
from supervision.models import SupervisedClue

FIGURES = {
    "open": "在办线索",
    "overdue": "逾期线索",
    "supervised": "挂牌督办",
    "missing": "逾期未报",
    "late": "迟报",
    "rectification": "整改逾期",
}
BODY_KINDS = (UnitKind.CITY, UnitKind.COUNTY)
CLOSED = [str(s) for s in CLOSED_STATES]
UNSENT = [ObligationState.NOT_STARTED, ObligationState.DRAFT]


@dataclass
class BoardRow:
    unit_id: int
    name: str
    depth: int
    figures: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIGURES, 0))


@dataclass
class Board:
    body: OrgUnit
    rows: list[BoardRow]
    totals: dict[str, int]


def lower_bodies(session: Session, body: OrgUnit) -> list[OrgUnit]:
    """The cities and counties below ``body``; for a county, its institutions."""
    below = (OrgUnit.path.startswith(body.path, autoescape=True), OrgUnit.id != body.id)
    found = list(
        session.scalars(
            select(OrgUnit)
            .where(*below, OrgUnit.kind.in_([str(k) for k in BODY_KINDS]))
            .order_by(OrgUnit.path)
        )
    )
    if found:
        return found
    return list(
        session.scalars(
            select(OrgUnit)
            .where(OrgUnit.parent_id == body.id, OrgUnit.kind == UnitKind.INSTITUTION)
            .order_by(OrgUnit.path)
        )
    )


def board(session: Session, actor: User, today: date) -> Board:
    """Every lower body's figures, in tree order, with their totals."""
    require(actor, Capability.BOARD)
    body = body_of(session, actor.unit)
    bodies = lower_bodies(session, body)
    rows = {b.id: BoardRow(b.id, b.name, b.depth - body.depth) for b in bodies}
    units = session.execute(
        select(OrgUnit.id, OrgUnit.path).where(
            OrgUnit.path.startswith(body.path, autoescape=True), OrgUnit.id != body.id
        )
    ).all()
    # Each unit counts for every board body at or above it (a city row covers its counties).
    owners = {
        uid: [int(p) for p in path.strip("/").split("/") if int(p) in rows] for uid, path in units
    }
    for name, counts in _counts(session, list(owners), today):
        for unit_id, n in counts:
            for owner in owners.get(unit_id, ()):
                rows[owner].figures[name] += int(n or 0)
    ordered = [rows[b.id] for b in bodies]
    top = [r for r in ordered if r.depth == 1]
    totals = {k: sum(r.figures[k] for r in top) for k in FIGURES}
    return Board(body, ordered, totals)


def _counts(
    session: Session, unit_ids: list[int], today: date
) -> Iterable[tuple[str, Iterable[tuple[int, int]]]]:
    """(figure, [(unit id, count)]) for each figure, one grouped query each."""
    year_start = date(today.year, 1, 1)
    is_open = Clue.state.not_in(CLOSED)
    late_clue = and_(is_open, Clue.next_due_on.is_not(None), Clue.next_due_on < today)
    clues = session.execute(
        select(
            Clue.unit_id,
            func.sum(case((is_open, 1), else_=0)),
            func.sum(case((late_clue, 1), else_=0)),
        )
        .where(Clue.unit_id.in_(unit_ids))
        .group_by(Clue.unit_id)
    ).all()
    yield "open", [(u, o) for u, o, _ in clues]
    yield "overdue", [(u, d) for u, _, d in clues]
    yield (
        "supervised",
        session.execute(
            select(Clue.unit_id, func.count())
            .join(SupervisedClue, SupervisedClue.clue_id == Clue.id)
            .where(SupervisedClue.active.is_(True), is_open, Clue.unit_id.in_(unit_ids))
            .group_by(Clue.unit_id)
        ).all(),
    )
    missing = and_(Obligation.state.in_(UNSENT), Obligation.due_on < today)
    reports = session.execute(
        select(
            Obligation.unit_id,
            func.sum(case((missing, 1), else_=0)),
            func.sum(case((Obligation.late.is_(True), 1), else_=0)),
        )
        .where(Obligation.unit_id.in_(unit_ids), Obligation.period_start >= year_start)
        .group_by(Obligation.unit_id)
    ).all()
    yield "missing", [(u, m) for u, m, _ in reports]
    yield "late", [(u, n) for u, _, n in reports]
    r = RectificationItem
    yield (
        "rectification",
        session.execute(
            select(r.responsible_unit_id, func.count())
            .where(overdue_clause(today), r.responsible_unit_id.in_(unit_ids))
            .group_by(r.responsible_unit_id)
        ).all(),
    )


@dataclass(frozen=True)
class DrillRow:
    reference: str
    title: str
    unit_name: str
    state: str
    due: date | None
    path: str


def drill(session: Session, actor: User, unit_id: int, figure: str, today: date) -> list[DrillRow]:
    """The list behind one figure of one lower body (clues or reports; the rectification
    and 督办 figures have their own lists)."""
    require(actor, Capability.BOARD)
    body = body_of(session, actor.unit)
    unit = session.get(OrgUnit, unit_id)
    if (
        unit is None
        or unit.id == body.id
        or not unit.path.startswith(body.path)
        or figure not in FIGURES
    ):
        raise NotFound("未找到该单位，或不在您的管辖范围内。")
    subtree = select(OrgUnit.id).where(OrgUnit.path.startswith(unit.path, autoescape=True))
    if figure in ("open", "overdue", "supervised"):
        return _clue_rows(session, subtree, figure, today)
    return _report_rows(session, subtree, figure, today)


def _clue_rows(session: Session, subtree, figure: str, today: date) -> list[DrillRow]:
    stmt = (
        select(Clue, OrgUnit.name)
        .join(OrgUnit, OrgUnit.id == Clue.unit_id)
        .where(Clue.unit_id.in_(subtree), Clue.state.not_in(CLOSED))
    )
    if figure == "overdue":
        stmt = stmt.where(Clue.next_due_on.is_not(None), Clue.next_due_on < today)
    if figure == "supervised":
        stmt = stmt.join(SupervisedClue, SupervisedClue.clue_id == Clue.id).where(
            SupervisedClue.active.is_(True)
        )
    stmt = stmt.order_by(Clue.next_due_on.is_(None), Clue.next_due_on, Clue.id).limit(500)
    return [
        DrillRow(c.reference, c.summary, name, c.state_label, c.next_due_on, f"/clues/{c.id}")
        for c, name in session.execute(stmt)
    ]


def _report_rows(session: Session, subtree, figure: str, today: date) -> list[DrillRow]:
    stmt = (
        select(Obligation, OrgUnit.name)
        .join(OrgUnit, OrgUnit.id == Obligation.unit_id)
        .where(Obligation.unit_id.in_(subtree), Obligation.period_start >= date(today.year, 1, 1))
    )
    if figure == "missing":
        stmt = stmt.where(Obligation.state.in_(UNSENT), Obligation.due_on < today)
    else:
        stmt = stmt.where(Obligation.late.is_(True))
    stmt = stmt.order_by(Obligation.due_on, Obligation.id).limit(500)
    return [
        DrillRow(
            o.period_label,
            FORMS[o.form_code].title if o.form_code in FORMS else o.form_code,
            name,
            "迟报" if o.late else "未报送",
            o.due_on,
            f"/reporting/obligations/{o.id}",
        )  # fmt: skip
        for o, name in session.execute(stmt)
    ]
