"""Demo: the 清河县卫生健康局's rectification ledger, dated relative to today.

Four items at each stage, issued by the county's leader to its hospitals and an office:
one running (due in a week), one overdue (escalated), one reported and waiting for 验收,
one verified and written off. The clue-sourced item points at a clue of the demo ledger,
the inspection item at the demo campaign's inspection when it is there.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from campaigns.models import Inspection
from cases.models import Clue
from config.database import utcnow
from config.errors import CalendarUnknown
from config.localtime import local_date
from directory.demo import DEMO_PASSWORD
from directory.models import OrgUnit, User
from directory.roles import Role
from directory.service import add_user
from rectification.models import RectificationItem
from rectification.service import create_item, fire

DAY = timedelta(days=1)


def load_demo(session: Session, now: datetime | None = None) -> None:
    now = now or utcnow()
    try:
        with session.begin_nested():
            _play(session, now)
    except CalendarUnknown:  # a deadline in an unconfirmed year: leave the ledger empty
        return


def _play(session: Session, now: datetime) -> None:
    users = {u.username: u for u in session.scalars(select(User))}
    leader, reporter = users["leader"], users["reporter"]
    units = {
        u.code: u for u in session.scalars(select(OrgUnit).where(OrgUnit.code.like("C01-D01%")))
    }
    clue = session.scalar(
        select(Clue).where(Clue.unit_id == units["C01-D01"].id, Clue.ledger_no.is_not(None))
    )
    inspection = session.scalar(
        select(Inspection).where(Inspection.institution_id == units["C01-D01-H01"].id)
    )

    linked = inspection.id if inspection else None

    people = {
        "C01-D01-H01": reporter,
        "C01-D01-H02": _person(session, units["C01-D01-H02"], "liufang", "刘芳", Role.REPORTER),
        "C01-D01-O02": _person(session, units["C01-D01-O02"], "zhaoqiang", "赵强", Role.HANDLER),
    }

    def issue(days_ago: int, due_in: int, code: str, **data: Any) -> RectificationItem:
        when = now - days_ago * DAY
        data |= {
            "found_on": local_date(when).isoformat(),
            "deadline": local_date(now + due_in * DAY).isoformat(),
            "responsible_unit_id": units[code].id,
            "responsible_user_id": people[code].id,
        }
        return create_item(
            session,
            leader,
            data,
            inspection_id=linked if data["source_kind"] == "inspection" else None,
            now=when,
        )

    issue(3, 7, "C01-D01-H01", **RUNNING)
    issue(40, -10, "C01-D01-H02", **OVERDUE)
    if clue is not None:
        reported = issue(20, 5, "C01-D01-H01", clue_ref=clue.ledger_no, **REPORTED)
        evidence = "已清退多收费用 12 笔共 860 元，附退费凭证（演示数据）"
        completed = local_date(now - 2 * DAY).isoformat()
        data = {"evidence": evidence, "completed_on": completed}
        fire(session, reporter, reported, "report_done", data, now=now - 2 * DAY)
    done = issue(30, -5, "C01-D01-O02", **VERIFIED)
    completed = local_date(now - 12 * DAY).isoformat()
    data = {"evidence": "制度已印发并上墙（演示数据）", "completed_on": completed}
    fire(session, users["handler"], done, "report_done", data, now=now - 12 * DAY)
    fire(session, leader, done, "verify", {"reason": "现场核验到位，同意销号"}, now=now - 10 * DAY)


def _person(session: Session, unit: OrgUnit, username: str, name: str, role: Role) -> User:
    """The responsible person's account (责任人 is a user of the responsible unit)."""
    found = session.scalar(select(User).where(User.username == username))
    if found is not None:
        return found
    return add_user(
        session,
        username=username,
        display_name=name,
        password=DEMO_PASSWORD,
        role=role,
        unit=unit,
        email=f"{username}@demo.qingfeng.local",
    )


RUNNING = {
    "source_kind": "inspection",
    "source_ref": "专项检查记录",
    "problem": "住院部未在显著位置公示廉洁行医承诺和投诉举报电话（演示数据）",
    "measure": "在住院部各病区公示承诺和举报电话，每月巡查一次",
}
OVERDUE = {
    "source_kind": "self_check",
    "source_ref": "自查自纠台账第3项",
    "problem": "部分科室存在大处方、重复检查现象（演示数据）",
    "measure": "开展处方点评，建立重复检查预警并通报",
}
REPORTED = {
    "source_kind": "clue",
    "problem": "线索核查发现收费窗口存在多收费问题（演示数据）",
    "measure": "清退多收费用，规范收费流程",
}
VERIFIED = {
    "source_kind": "checklist",
    "source_ref": "专项行动问题清单",
    "problem": "股室未建立医药代表接待登记制度（演示数据）",
    "measure": "建立接待登记制度并上墙",
}
