"""Demo register entries, dated from today: the demo hospital's 警示教育, training and a
supplier talk; the county's 建议书 (one answered), a 通报 and measures against its hospitals."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from config.database import utcnow
from config.localtime import LOCAL_TZ
from directory.models import OrgUnit, UnitKind, User
from reporting.registers.service import add_entry


def load_demo(session: Session, now: datetime | None = None) -> None:
    today = (now or utcnow()).astimezone(LOCAL_TZ).date()
    users = {u.username: u for u in session.scalars(select(User))}
    reporter, leader = users["reporter"], users["leader"]

    def day(n: int) -> str:
        return (today - timedelta(days=n)).isoformat()

    for user, code, data in (
        (reporter, "warning", {"occurred_on": day(3), "subtype": "meeting",
                               "title": "全院警示教育大会", "participants": "120"}),
        (reporter, "warning", {"occurred_on": day(20), "subtype": "case",
                               "title": "医药购销领域典型案例通报学习", "participants": "45"}),
        (reporter, "study", {"occurred_on": day(6), "subtype": "training",
                             "title": "医务人员廉洁从业九项准则培训班", "participants": "60"}),
        (reporter, "study", {"occurred_on": day(12), "subtype": "study",
                             "title": "党委理论学习中心组专题学习", "participants": "15"}),
        (reporter, "talk", {"occurred_on": day(8), "subtype": "supplier",
                            "title": "约谈高值耗材供应商", "counterpart": "某医疗器械有限公司"}),
        (leader, "talk", {"occurred_on": day(9), "subtype": "three_one",
                          "title": "三谈一访：新任科主任廉政谈话", "counterpart": "科主任 5 人"}),
        (leader, "advice", {"occurred_on": day(40), "subtype": "discipline",
                            "title": "关于加强药品耗材采购监管的纪律检查建议书",
                            "counterpart": "县纪委监委", "answered_on": day(10)}),
        (leader, "advice", {"occurred_on": day(5), "subtype": "supervision",
                            "title": "关于规范医保基金使用的监察建议书",
                            "counterpart": "县监委"}),
        (leader, "notice", {"occurred_on": day(15), "subtype": "criticism",
                            "title": "关于收受红包问题的通报", "counterpart": "某卫生院医师"}),
    ):  # fmt: skip
        add_entry(session, user, code, data)
    hospitals = session.scalars(
        select(OrgUnit)
        .where(OrgUnit.parent_id == leader.unit_id, OrgUnit.kind == UnitKind.INSTITUTION)
        .order_by(OrgUnit.code)
        .limit(2)
    ).all()
    for n, (hospital, subtype) in enumerate(zip(hospitals, ("talk", "deadline"), strict=False)):
        add_entry(session, leader, "measure", {
            "occurred_on": day(4 + n), "subtype": subtype,
            "title": "医保基金使用专项检查发现问题", "target_unit_id": str(hospital.id),
        })  # fmt: skip
    session.flush()
