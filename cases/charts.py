"""Clue figures for the charts page (/stats): SQL aggregates within the actor's jurisdiction.

Months are local (Asia/Shanghai) calendar months: the boundaries are computed here and
compared with the stored UTC instants, so one GROUP BY serves SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from cases.models import Clue
from cases.reference import VIOLATION_CATEGORIES
from cases.states import CLOSED_STATES
from config.localtime import LOCAL_TZ
from directory.jurisdiction import visible_unit_ids
from directory.models import OrgUnit, User
from tips.channels import CHANNELS
from workflow.engine import local_today

CLOSED = [str(s) for s in CLOSED_STATES]


@dataclass(frozen=True)
class Series:
    """One chart: labelled counts, in display order (also rendered as a table)."""

    title: str
    label_header: str
    labels: list[str]
    values: list[int]

    @property
    def rows(self) -> list[tuple[str, int]]:
        return list(zip(self.labels, self.values, strict=True))


def _month_starts(today: date, months: int) -> list[date]:
    starts = []
    year, month = today.year, today.month
    for _ in range(months + 1):
        starts.append(date(year, month, 1))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return list(reversed(starts))  # months+1 starts: the last is this month's


def _instant(day: date) -> datetime:
    return datetime.combine(day, time(0), LOCAL_TZ)


def clues_by_month(
    session: Session, actor: User, *, months: int = 12, today: date | None = None
) -> Series:
    """Clues received per local month over the last ``months`` months (this one included)."""
    today = today or local_today()
    starts = _month_starts(today, months - 1)
    nxt = date(today.year + (today.month == 12), today.month % 12 + 1, 1)
    bounds = [*starts, nxt]
    bucket = case(
        *[
            (and_(Clue.received_at >= _instant(a), Clue.received_at < _instant(b)), i)
            for i, (a, b) in enumerate(zip(bounds, bounds[1:], strict=False))
        ],
        else_=-1,
    )
    counts: dict[int, int] = dict(
        session.execute(
            select(bucket, func.count())
            .where(
                Clue.unit_id.in_(visible_unit_ids(session, actor)),
                Clue.received_at >= _instant(bounds[0]),
                Clue.received_at < _instant(bounds[-1]),
            )
            .group_by(bucket)
        ).all()
    )
    return Series(
        "按月受理的线索",
        "月份",
        [f"{s.year}年{s.month}月" for s in starts],
        [int(counts.get(i, 0)) for i in range(len(starts))],
    )


def _grouped(
    session: Session, actor: User, column, labels: dict[str, str]
) -> list[tuple[str, int]]:
    rows = session.execute(
        select(column, func.count())
        .where(Clue.unit_id.in_(visible_unit_ids(session, actor)))
        .group_by(column)
        .order_by(func.count().desc(), column)
    ).all()
    return [(labels.get(key or "", key or "未分类"), int(n)) for key, n in rows]


def clues_by_channel(session: Session, actor: User) -> Series:
    """All clues within jurisdiction by source channel (来源渠道)."""
    rows = _grouped(session, actor, Clue.channel, CHANNELS)
    return Series("按来源渠道", "来源渠道", [r[0] for r in rows], [r[1] for r in rows])


def clues_by_category(session: Session, actor: User) -> Series:
    """All clues within jurisdiction by problem category (问题类别, cases.reference)."""
    rows = _grouped(session, actor, Clue.category, dict(VIOLATION_CATEGORIES))
    return Series("按问题类别", "问题类别", [r[0] for r in rows], [r[1] for r in rows])


def overdue_by_unit(session: Session, actor: User, today: date | None = None) -> Series:
    """Open clues past their next deadline, per receiving unit, most first."""
    today = today or local_today()
    rows = session.execute(
        select(OrgUnit.name, func.count(Clue.id))
        .join(OrgUnit, OrgUnit.id == Clue.unit_id)
        .where(
            Clue.unit_id.in_(visible_unit_ids(session, actor)),
            Clue.state.not_in(CLOSED),
            Clue.next_due_on < today,
        )
        .group_by(OrgUnit.name)
        .order_by(func.count(Clue.id).desc(), OrgUnit.name)
    ).all()
    return Series("逾期线索（按单位）", "单位", [r[0] for r in rows], [int(r[1]) for r in rows])
