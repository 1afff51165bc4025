"""Demo for the 通报: the 文种 通报 where documents.demo has not set it (清卫纪通), and three
clues handled to 销号 with their 当事人, findings and executed sanctions — typical cases a
leader can pick.

The clues came in 70–90 days before the demo is loaded and were closed the same day, so
they fall in the current year's 通报 period (except in the year's first weeks) and every
clock they started ended in a year the calendar knows.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cases.outcomes import add_feedback_record, add_sanction
from cases.records import add_subject
from cases.service import NewClue, create_clue, fire
from config.database import utcnow
from config.errors import CalendarUnknown
from config.localtime import LOCAL_TZ
from directory.models import OrgUnit, User
from documents.bulletins import BULLETIN_TYPE
from documents.models import DocumentType

# (summary, category, institution code, person, post, findings, sanctions)
CASES: list[tuple[str, str, str, str, str, str, tuple[str, ...]]] = [
    (
        "反映清河县人民医院外科医生收受患者家属红包",
        "check_08",
        "C01-D01-H01",
        "张三",
        "doctor",
        "张三在为患者实施手术前，收受患者家属所送“红包”2000元，事后未按规定上交。",
        ("admonishment", "withhold_bonus"),
    ),
    (
        "反映清河县中医医院药剂科人员收受医药代表回扣",
        "check_11",
        "C01-D01-H02",
        "李四",
        "technician",
        "李四利用药品采购验收职务便利，多次收受医药企业销售人员给予的回扣共计1.2万元。",
        ("circulated_criticism", "no_promotion"),
    ),
    (
        "反映城关镇卫生院医生过度检查、开大处方",
        "check_15",
        "C01-D01-H04",
        "王五",
        "doctor",
        "王五在门诊诊疗中对多名患者开具与病情无关的检查项目，违反合理诊疗规定。",
        ("criticism_education",),
    ),
]


def load_demo(session: Session, now: datetime | None = None) -> None:
    now = now or utcnow()
    county = session.scalars(select(OrgUnit).where(OrgUnit.code == "C01-D01")).one()
    city = session.scalars(select(OrgUnit).where(OrgUnit.code == "C01")).one()
    for body, prefix in ((county, "清卫纪通"), (city, "东卫纪通")):  # as documents.demo names them
        known = session.scalar(
            select(DocumentType).where(
                DocumentType.body_id == body.id, DocumentType.code == BULLETIN_TYPE
            )
        )
        if known is None:
            session.add(
                DocumentType(body_id=body.id, code=BULLETIN_TYPE, name="通报", prefix=prefix)
            )
    session.flush()
    try:
        with session.begin_nested():
            _play(session, county, now)
    except CalendarUnknown:
        return  # the demo's other stories report the unknown year; the 通报 can wait


def _play(session: Session, county: OrgUnit, now: datetime) -> None:
    users = {u.username: u for u in session.scalars(select(User))}
    for i, (summary, category, code, person, post, findings, kinds) in enumerate(CASES):
        day = (now.astimezone(LOCAL_TZ) - timedelta(days=90 - 10 * i)).date()
        when = datetime(day.year, day.month, day.day, 9, 0, tzinfo=LOCAL_TZ)
        institution = session.scalars(select(OrgUnit).where(OrgUnit.code == code)).one()
        clue = create_clue(
            session, users["clerk"], county,
            NewClue(channel="hotline", summary=summary, content=f"{summary}。（演示数据）",
                    accused_unit_id=institution.id, received_at=when, category=category),
            now=when,
        )
        step = _stepper(session, users, clue, when)
        step("clerk", "register", {})
        step("leader", "assign", {"handler_id": users["handler"].id})
        step("handler", "propose", {"route": "verifying", "reason": "问题具体，拟初步核实"})
        step("leader", "approve_verifying", {})
        subject = add_subject(session, users["handler"], clue, {
            "kind": "person", "name": person, "post": post, "institution_id": institution.id,
            "institution_name": "", "note": "",
        })
        step("handler", "record_findings", {"findings": "substantiated", "reason": findings})
        step("handler", "dispose", {"reason": "依规依纪作出处理"})
        for kind in kinds:
            add_sanction(session, users["handler"], clue, {
                "kind": kind, "subject_id": subject.id, "decided_on": day,
                "executed_on": day, "amount": None, "note": "",
            })
        step("handler", "submit_result", {"reason": "已作出处理并执行完毕"})
        step("leader", "approve_result", {})
        add_feedback_record(session, clue, mode="not_applicable", na_reason="匿名举报，无联系方式")
        step("handler", "request_write_off", {})
        step("leader", "approve_write_off", {"reason": "同意销号"})


def _stepper(session: Session, users: dict[str, User], clue: Any, when: datetime):
    hours = iter(range(1, 40))

    def step(username: str, trigger: str, data: dict[str, Any]) -> None:
        fire(session, users[username], clue, trigger, data, now=when + timedelta(hours=next(hours)))

    return step
