"""Deadlines waiting for a year's calendar: kept, listed, and computed when the year is confirmed.

A step is never refused for a calendar reason. A clock whose due date falls in a year
nobody has confirmed stays pending (``workflow.timelimits``: ``due: None``), and its owner
lists it here, one row per (kind, subject, clock). When an administrator confirms the
year, ``resolve_year`` asks each kind's resolver to compute its deadlines; reminders then
follow from the computed dates like any other.

Any clock kind can use it: an owner registers a resolver for its ``kind`` (``register``)
and calls ``sync`` whenever its clocks change.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint, delete, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from config.database import Base, utcnow

PENDING_LABEL = "待定（{year} 年工作日历未确认）"


def pending_label(year: int | None) -> str:
    return PENDING_LABEL.format(year=year) if year else "待定（工作日历未确认）"


class PendingDeadline(Base):
    """One deadline that cannot be computed until ``year``'s calendar is confirmed."""

    __tablename__ = "pending_deadlines"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))  # clue | referral | inquiry | …
    subject_id: Mapped[int] = mapped_column(Integer)
    clock: Mapped[str] = mapped_column(String(48))
    label: Mapped[str] = mapped_column(String(100), default="")
    year: Mapped[int] = mapped_column(Integer, index=True)
    # The body whose work it is: listings stay within the viewer's jurisdiction.
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"), index=True)
    clue_id: Mapped[int | None] = mapped_column(Integer, index=True)  # for links and filters
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (UniqueConstraint("kind", "subject_id", "clock"),)

    @property
    def due_label(self) -> str:
        return pending_label(self.year)


@dataclass(frozen=True)
class Pending:
    """What ``sync`` keeps for one clock: the year it waits for and what it is."""

    year: int
    label: str


def sync(
    session: Session,
    kind: str,
    subject_id: int,
    pending: Mapping[str, Pending],
    *,
    unit_id: int | None = None,
    clue_id: int | None = None,
) -> None:
    """Make the subject's pending rows exactly ``pending`` (by clock name)."""
    rows = {
        r.clock: r
        for r in session.scalars(
            select(PendingDeadline).where(
                PendingDeadline.kind == kind, PendingDeadline.subject_id == subject_id
            )
        )
    }
    for clock, old in rows.items():
        if clock not in pending:
            session.delete(old)
    for clock, want in pending.items():
        row = rows.get(clock)
        if row is None:
            row = PendingDeadline(kind=kind, subject_id=subject_id, clock=clock)
            session.add(row)
        row.year, row.label = want.year, want.label[:100]
        row.unit_id, row.clue_id = unit_id, clue_id
    session.flush()


def clear(session: Session, kind: str, subject_id: int) -> None:
    session.execute(
        delete(PendingDeadline).where(
            PendingDeadline.kind == kind, PendingDeadline.subject_id == subject_id
        )
    )


# A resolver computes one subject's pending deadlines on the session's (fresh) calendar,
# syncs its rows and returns how many it computed.
Resolver = Callable[[Session, int], int]
# Deadlines kept elsewhere than in this table (e.g. reporting obligations): called with the year.
YearHook = Callable[[Session, int], int]
# Both filled by the composition root (``app_boot.flows``: each lifecycle with its resolvers
# and year hooks), never by importing the module that defines one.
RESOLVERS: dict[str, Resolver] = {}
YEAR_HOOKS: dict[str, YearHook] = {}


def install(resolvers: Mapping[str, Resolver], year_hooks: Mapping[str, YearHook]) -> None:
    """Make these the resolvers and year hooks in force (``app_boot.flows.install``)."""
    RESOLVERS.clear()
    RESOLVERS.update(resolvers)
    YEAR_HOOKS.clear()
    YEAR_HOOKS.update(year_hooks)


def resolve_year(session: Session, year: int) -> int:
    """Compute every deadline that waited for ``year`` (just confirmed); returns how many.

    Runs in the confirming transaction, so a year is never confirmed with its pending
    deadlines left behind.
    """
    session.info.pop("working_calendar", None)  # the calendar just changed
    session.flush()
    subjects = session.execute(
        select(PendingDeadline.kind, PendingDeadline.subject_id)
        .where(PendingDeadline.year == year)
        .distinct()
        .order_by(PendingDeadline.kind, PendingDeadline.subject_id)
    ).all()
    computed = 0
    for kind, subject_id in subjects:
        resolver = RESOLVERS.get(kind)
        if resolver is not None:
            computed += resolver(session, subject_id)
    for hook in YEAR_HOOKS.values():
        computed += hook(session, year)
    session.flush()
    return computed


@dataclass(frozen=True)
class PendingCount:
    year: int
    label: str
    count: int


def pending_counts(session: Session, unit_ids: Any = None) -> list[PendingCount]:
    """Pending deadlines by year and what they are (within ``unit_ids``, a list or a SELECT
    of unit ids, when given)."""
    stmt = select(PendingDeadline.year, PendingDeadline.label, func.count()).group_by(
        PendingDeadline.year, PendingDeadline.label
    )
    if unit_ids is not None:
        stmt = stmt.where(PendingDeadline.unit_id.in_(unit_ids))
    rows = session.execute(stmt.order_by(PendingDeadline.year, PendingDeadline.label)).all()
    return [PendingCount(year, label, int(n)) for year, label, n in rows]


def pending_rows(session: Session, unit_ids: Any = None, limit: int = 50) -> list[PendingDeadline]:
    stmt = select(PendingDeadline).order_by(PendingDeadline.year, PendingDeadline.id)
    if unit_ids is not None:
        stmt = stmt.where(PendingDeadline.unit_id.in_(unit_ids))
    return list(session.scalars(stmt.limit(limit)))
