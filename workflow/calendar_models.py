"""The official working-day calendar, year by year.

A date not listed is a working day Monday–Friday and a rest day at weekends; the
listed days are the State Council's yearly 放假安排: rest days (``holiday``) and
make-up working days (``workday``, 调休). Only confirmed years are ever used.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from config.database import Base, utcnow


class CalendarSource(StrEnum):
    PACKAGE = "package"  # seeded from the chinesecalendar package
    ADMIN = "admin"  # entered or corrected by an administrator; never overwritten by seeding


SOURCE_LABELS: dict[CalendarSource, str] = {
    CalendarSource.PACKAGE: "内置数据",
    CalendarSource.ADMIN: "管理员录入",
}


class DayKind(StrEnum):
    HOLIDAY = "holiday"  # a rest day, whatever the weekday
    WORKDAY = "workday"  # a make-up working day on a weekend (调休)


DAY_KIND_LABELS: dict[DayKind, str] = {
    DayKind.HOLIDAY: "放假",
    DayKind.WORKDAY: "调休上班",
}


class CalendarYear(Base):
    __tablename__ = "calendar_years"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    source: Mapped[CalendarSource] = mapped_column(String(16))
    confirmed: Mapped[bool] = mapped_column(Boolean, default=False)
    confirmed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    confirmed_at: Mapped[datetime | None] = mapped_column()
    note: Mapped[str] = mapped_column(String(500), default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    days: Mapped[list[CalendarDay]] = relationship(
        back_populates="calendar_year",
        order_by="CalendarDay.day",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )

    @property
    def source_label(self) -> str:
        return SOURCE_LABELS[CalendarSource(self.source)]

    def __repr__(self) -> str:
        return f"<CalendarYear {self.year} {self.source} confirmed={self.confirmed}>"


class CalendarDay(Base):
    __tablename__ = "calendar_days"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    year: Mapped[int] = mapped_column(
        ForeignKey("calendar_years.year", ondelete="CASCADE"), index=True
    )
    kind: Mapped[DayKind] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(50), default="")

    calendar_year: Mapped[CalendarYear] = relationship(back_populates="days")

    @property
    def kind_label(self) -> str:
        return DAY_KIND_LABELS[DayKind(self.kind)]

    def __repr__(self) -> str:
        return f"<CalendarDay {self.day} {self.kind} {self.name}>"


class CalendarRequest(Base):
    """A year some deadline needed while nobody had confirmed it: kept to alert administrators.

    Written in its own short transaction after ``CalendarUnknown``, so it survives the
    rolled-back work that needed it.
    """

    __tablename__ = "calendar_requests"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    context: Mapped[str] = mapped_column(String(200), default="")
    times: Mapped[int] = mapped_column(Integer, default=1)
    first_requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_requested_at: Mapped[datetime] = mapped_column(default=utcnow)
