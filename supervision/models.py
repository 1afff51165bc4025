"""挂牌督办 marks and 回头看 draws.

Seed ``001_…``: "'回头看'" and "督查情况要予以公开通报". A superior body marks a clue of a
body below as supervised (``SupervisedClue``): its overdue steps escalate to the superior's
leaders too, and the superior's 督办 list shows its state and deadline. Each quarter a
reproducible random sample of the clues written off below is drawn (``LookBackDraw``, its
seed logged) and each sampled clue gets its own look-back record and outcome
(``LookBackSample``).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cases.models import Clue
from config.database import Base, utcnow
from directory.models import OrgUnit, User


class SupervisedClue(Base):
    __tablename__ = "supervised_clues"

    id: Mapped[int] = mapped_column(primary_key=True)
    clue_id: Mapped[int] = mapped_column(ForeignKey("clues.id"), unique=True)
    superior_unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), index=True)
    due_on: Mapped[date | None] = mapped_column(Date)  # 督办期限 (the superior's own)
    note: Mapped[str] = mapped_column(String(200), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True, index=True)
    marked_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    marked_at: Mapped[datetime] = mapped_column(default=utcnow)
    lifted_at: Mapped[datetime | None] = mapped_column()

    clue: Mapped[Clue] = relationship()
    superior_unit: Mapped[OrgUnit] = relationship()
    marked_by: Mapped[User] = relationship()


class Outcome:
    PENDING = "pending"
    CONFIRMED = "confirmed"
    PROBLEM = "problem"


OUTCOME_LABELS = {
    Outcome.PENDING: "待回头看",
    Outcome.CONFIRMED: "办理到位",
    Outcome.PROBLEM: "发现问题，需重新办理",
}


class LookBackDraw(Base):
    __tablename__ = "lookback_draws"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), index=True)
    period: Mapped[str] = mapped_column(String(8))  # 2026Q3
    closed_from: Mapped[date] = mapped_column(Date)
    closed_to: Mapped[date] = mapped_column(Date)
    seed: Mapped[str] = mapped_column(String(32))
    rate_percent: Mapped[int] = mapped_column(Integer)
    population: Mapped[int] = mapped_column(Integer)
    drawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    drawn_at: Mapped[datetime] = mapped_column(default=utcnow)

    unit: Mapped[OrgUnit] = relationship()
    samples: Mapped[list[LookBackSample]] = relationship(
        back_populates="draw", order_by="LookBackSample.id"
    )

    __table_args__ = (UniqueConstraint("unit_id", "period"),)


class LookBackSample(Base):
    __tablename__ = "lookback_samples"

    id: Mapped[int] = mapped_column(primary_key=True)
    draw_id: Mapped[int] = mapped_column(ForeignKey("lookback_draws.id"), index=True)
    clue_id: Mapped[int] = mapped_column(ForeignKey("clues.id"), index=True)
    outcome: Mapped[str] = mapped_column(String(16), default=Outcome.PENDING)
    note: Mapped[str] = mapped_column(Text, default="")
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_on: Mapped[date | None] = mapped_column(Date)

    draw: Mapped[LookBackDraw] = relationship(back_populates="samples")
    clue: Mapped[Clue] = relationship()

    @property
    def outcome_label(self) -> str:
        return OUTCOME_LABELS.get(self.outcome, self.outcome)


class SupervisionNotice(Base):
    """督查情况通报 (seed 001: "督查情况要予以公开通报"): a body publishes the results of its
    supervision — its 督办 list and a quarter's 回头看 — to the bodies below it.

    Addressed to the bodies below (their staff and institutions read it, their leaders are
    told), not to the public portal: the seed's 通报 is how a superior tells the units it
    supervised where work fell short "督促整改落实", and its figures name clues still being
    handled, which never go to the public (DESIGN.md, "Security").
    """

    __tablename__ = "supervision_notices"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), index=True)
    period: Mapped[str] = mapped_column(String(8))  # 2026Q3: the 回头看 quarter it reports
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    published_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    published_at: Mapped[datetime] = mapped_column(default=utcnow)

    unit: Mapped[OrgUnit] = relationship()
    published_by: Mapped[User] = relationship()
