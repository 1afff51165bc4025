"""Working time (DESIGN.md: reminders go out on working days, in working hours, Asia/Shanghai).

Working days are the official calendar's (make-up working days count). E-mail and webhook
messages wait for working time unless their kind is urgent; in-app messages never wait.
"""

from __future__ import annotations

from datetime import datetime

from config.errors import CalendarUnknown
from config.localtime import LOCAL_TZ
from workflow.calendar import WorkingCalendar

WORKING_HOURS = (8, 18)  # local time, [start, end); QINGFENG_WORKING_HOURS overrides


def in_working_time(
    now: datetime,
    calendar: WorkingCalendar,
    hours: tuple[int, int] = WORKING_HOURS,
) -> bool:
    local = now.astimezone(LOCAL_TZ)
    if not hours[0] <= local.hour < hours[1]:
        return False
    try:
        return calendar.is_workday(local.date())
    except CalendarUnknown:
        # A year nobody has confirmed yet: hold nothing on a weekday, rather than hold
        # every message until an administrator enters the calendar (issue 15.2).
        return local.weekday() < 5
