"""The offices' time zone: one constant, not a setting.

Every date this system reasons about is a date in China: the State Council's working-day
calendar, the Civil Code's periods, the reporting days (the 12th, the 14th), the business
date of a reminder. They are all Beijing time, and China has one time zone, so there is
nothing to configure; a setting would only let the shown and the computed dates disagree
with the official calendar. Time is stored in UTC and converted here (DESIGN.md).
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

LOCAL_TZ_NAME = "Asia/Shanghai"
LOCAL_TZ = ZoneInfo(LOCAL_TZ_NAME)


def local_date(at: datetime) -> date:
    """The calendar day of the instant ``at`` in the offices' time zone."""
    return at.astimezone(LOCAL_TZ).date()


def cn_date(day: date | datetime | None) -> str:
    """A date as the office writes it: 2026年12月4日 (an instant: its local day)."""
    if day is None:
        return ""
    if isinstance(day, datetime):
        day = local_date(day) if day.tzinfo is not None else day.date()
    return f"{day.year}年{day.month}月{day.day}日"


def cn_datetime(at: datetime | None) -> str:
    """An instant in local time as the office writes it: 2026年12月4日 09:30."""
    if at is None:
        return ""
    local = at.astimezone(LOCAL_TZ) if at.tzinfo is not None else at
    return f"{cn_date(local.date())} {local:%H:%M}"
