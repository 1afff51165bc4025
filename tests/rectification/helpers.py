"""Builders for the rectification tests: an item issued by the county bureau to a hospital."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import time_machine

from rectification.service import create_item
from tests.conftest import unit, user

SH = ZoneInfo("Asia/Shanghai")
ISSUED = datetime(2026, 6, 1, 10, tzinfo=SH)  # a Monday


def item_data(db, **changes) -> dict[str, object]:
    data: dict[str, object] = {
        "source_kind": "inspection",
        "source_ref": "检查记录 #12",
        "problem": "门诊收费处未公示收费项目和标准",
        "found_on": "2026-05-28",
        "responsible_unit_id": unit(db, "C01-D01-H01").id,
        "responsible_user_id": user(db, "reporter").id,
        "measure": "一周内在门诊大厅公示收费项目和标准，并建立巡查制度",
        "deadline": "2026-06-15",
    }
    data.update(changes)
    return data


def issue(db, actor: str = "leader", at: datetime = ISSUED, **changes):
    with time_machine.travel(at, tick=False):
        return create_item(db, user(db, actor), item_data(db, **changes))


def on(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=SH)
