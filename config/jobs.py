"""The shape of a scheduled job, shared by every domain package's ``jobs.py``.

It lives in ``config`` because every package may import ``config`` while only
``notifications/scheduler`` collects the jobs (DESIGN.md: "Each domain package registers
its own scheduled jobs … ``notifications/scheduler`` only collects them").
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

# func(session_factory, settings, now) -> a short summary for the admin page (or None).
JobFunc = Callable[[Any, Any, datetime], str | None]


@dataclass(frozen=True)
class JobSpec:
    """A job with a stable id and an APScheduler trigger, e.g. ``{"trigger": "interval",
    "minutes": 1}`` or ``{"trigger": "cron", "hour": 8, "minute": 30}`` (Asia/Shanghai)."""

    id: str
    trigger: Mapping[str, Any]
    func: JobFunc
    label: str = ""
    # Seconds a tick may be late and still run (after downtime: once, thanks to coalescing).
    misfire_grace_time: int = 6 * 3600
