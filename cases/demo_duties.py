"""Demo: the duties beside a clue's main line, in 清河县's ledger, dated relative to today.

- a clue flagged 重大 by the county's leader (its 驻局纪检组 member ``jijianzu`` is told
  and reads it);
- a 部门移交 from the county's 医疗保障局 that asks for the result by a date: handled up to
  feedback, so the handler's next step is 向移交单位报告办理结果 (reminded before the date);
- a referral to the 医保部门 receipted without an outcome: the outcome is chased next.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from cases.models import Clue
from cases.outcomes import add_referral, record_referral_receipt
from cases.service import NewClue, create_clue, fire
from config.database import utcnow
from config.errors import CalendarUnknown
from config.localtime import local_date
from directory.models import OrgUnit, User

MAJOR_STORY = "上级交办：城关镇卫生院套取医保基金问题"
REFERRED = "部门移交：清河县医疗保障局移交县中医院串换药品套取医保基金问题"
STEPS: tuple[tuple[str, str, dict[str, str]], ...] = (
    ("clerk", "register", {}),
    ("leader", "assign", {"handler_id": "handler"}),
    (
        "handler",
        "propose",
        {"route": "concluded", "reason": "经了解，拟予以了结并报告移交单位"},
    ),
    ("leader", "approve_concluded", {}),
    ("handler", "submit_result", {"reason": "已责令县中医院退回违规费用，约谈分管院长"}),
    ("leader", "approve_result", {}),
)


def load_demo(session: Session, now: datetime | None = None) -> None:
    now = now or utcnow()
    try:
        with session.begin_nested():
            _play(session, now)
    except CalendarUnknown:  # a deadline in an unconfirmed year: leave these out
        return


def _play(session: Session, now: datetime) -> None:
    users = {u.username: u for u in session.scalars(select(User))}
    major = session.scalar(select(Clue).where(Clue.summary == MAJOR_STORY))
    if major is not None:
        fire(
            session,
            users["leader"],
            major,
            "mark_major",
            {"reason": "涉及套取医保基金数额较大，可能涉及违纪违法，按规定同时报告驻局纪检组"},
            now=now - timedelta(hours=5),
        )
        referral = add_referral(
            session,
            users["handler"],
            major,
            {
                "target": "insurance",
                "organ": "清河县医疗保障局",
                "sent_on": local_date(now) - 12 * DAY,
            },
        )
        record_referral_receipt(
            session,
            users["handler"],
            major,
            {
                "referral_id": referral.id,
                "received_on": local_date(now) - 8 * DAY,
                "outcome": "",
                "outcome_on": None,
            },
        )
    _referred_clue(session, users, now)


DAY = timedelta(days=1)


def _referred_clue(session: Session, users: dict[str, User], now: datetime) -> None:
    county = session.scalars(select(OrgUnit).where(OrgUnit.code == "C01-D01")).one()
    when = now - 9 * DAY
    clue = create_clue(
        session,
        users["clerk"],
        county,
        NewClue(
            channel="department",
            summary=REFERRED,
            content=REFERRED + "。移交函要求于期限前报告办理结果。（演示数据）",
            received_at=when,
            report_requested=True,
            report_due=local_date(now) + 12 * DAY,
            category="check_17",
        ),
        now=when,
    )
    for j, (username, trigger, raw) in enumerate(STEPS, start=1):
        data = {k: users[v].id if k == "handler_id" else v for k, v in raw.items()}
        fire(session, users[username], clue, trigger, data, now=when + timedelta(hours=2 * j))
