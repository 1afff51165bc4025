"""Objects inside and outside a jurisdiction for the access-control matrix.

Side "a" is 清河县 (C01-D01, the demo users' county), side "b" is 石门县 (C02-D03,
another city): the second-county leader and clerk created here live on side "b".
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from cases.attachments import Upload, add_attachments
from cases.export_jobs import ExportJob
from cases.models import Clue
from cases.states import ClueState
from config.filestore import store_for
from directory.demo import DEMO_PASSWORD
from directory.roles import Role
from directory.service import add_user
from notifications.models import Channel, Delivery, DeliveryStatus, InboxMessage
from reporting.submissions import start_draft
from tests.cases.factories import clue_in_state
from tests.conftest import csrf_token, login, unit, user
from tests.reporting.journey import obligation, reporter_of
from tests.tips.helpers import EXIF_JPEG, PDF
from tips.custody import request_reveal
from tips.mailbox import keep_original, quarantine
from tips.models import Tip
from web.tipsweb import vault

SIDES = {"a": "C01-D01", "b": "C02-D03"}
# Reporter identities of the named tips: they must never leak to roles without the right.
REPORTER = {"a": ("刘桂芳", "13800001111"), "b": ("陈秀英", "13900002222")}
ACCUSED = {"a": "张建国", "b": "黄志明"}


@dataclass
class Side:
    clue_id: int = 0
    clue_attachment_id: int = 0
    tip_id: int = 0
    tip_attachment_id: int = 0
    tip_photo_id: int = 0  # a JPEG with EXIF: kept as received beside a copy without it
    reveal_request_id: int = 0
    obligation_id: int = 0
    submission_id: int = 0
    user_id: int = 0
    unit_id: int = 0
    quarantine_id: int = 0
    campaign_id: int = 0
    task_id: int = 0
    inspection_id: int = 0
    rectification_id: int = 0
    supervised_id: int = 0  # a 挂牌督办 mark of the city above side "a" (on side a's clue)
    sample_id: int = 0  # a 回头看 sample of that city
    doc_type_id: int = 0  # a 文种 of the side's county, and a 文号 issued under it
    doc_number_id: int = 0


@dataclass
class World:
    sides: dict[str, Side] = field(default_factory=dict)
    delivery_id: int = 0
    messages: dict[str, int] = field(default_factory=dict)  # username -> own inbox message
    export_jobs: dict[str, int] = field(default_factory=dict)  # username -> own export job


def add_second_county_users(db: Session) -> None:
    county = unit(db, "C02-D03")
    office = unit(db, "C02-D03-O01")
    for name, role, where in (
        ("leader2", Role.LEADER, county),
        ("clerk2", Role.CLERK, office),
        ("handler2", Role.HANDLER, office),
        ("target-a", Role.HANDLER, unit(db, "C01-D01-O02")),
        ("target-b", Role.HANDLER, unit(db, "C02-D03-O02")),
    ):
        add_user(
            db,
            username=name,
            display_name=f"{name}用户",
            password=DEMO_PASSWORD,
            role=role,
            unit=where,
            email=f"{name}@demo.qingfeng.local",
        )
    db.flush()


def _named_tip(app: Flask, db: Session, clerk: str, side: str) -> Tip:
    """A named hotline tip with a PDF, registered through the intake desk like a clerk does."""
    client = app.test_client()
    login(client, clerk)
    name, phone = REPORTER[side]
    data = {
        "reporter_phone": phone,
        "reporter_name": name,
        "named": "y",
        "meta_call_time": "2026-06-15T09:40",
        "meta_duration_seconds": "120",
        "meta_clerk": "登记员",
        "content": f"{ACCUSED[side]}医生收受患者家属红包两千元",
        "accused_name": ACCUSED[side],
        "accused_post": "doctor",
        "csrf_token": csrf_token(client, "/intake/"),
        "attachments": [(io.BytesIO(PDF), "录音.pdf"), (io.BytesIO(EXIF_JPEG), "现场.jpg")],
    }
    response = client.post(
        "/intake/?channel=hotline", data=data, content_type="multipart/form-data"
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    tip_id = int(re.search(r"/tips/(\d+)/decision", response.location).group(1))  # type: ignore[union-attr]
    db.expire_all()
    tip = db.get(Tip, tip_id)
    assert tip is not None and tip.attachments
    return tip


def _campaign(db: Session, side: str, code: str) -> tuple[int, int, int]:
    """A campaign of the county, one task and one inspection of its hospital."""
    from campaigns.inspections import NewInspection, record_inspection
    from campaigns.models import CampaignTask
    from campaigns.service import NewCampaign, create_campaign

    leader = user(db, "leader" if side == "a" else "leader2")
    campaign = create_campaign(
        db,
        leader,
        NewCampaign(
            name=f"专项整治 {side}", starts_on=date(2026, 7, 1), ends_on=date(2026, 12, 31)
        ),
    )
    task = CampaignTask(campaign_id=campaign.id, seq=1, text="严厉查处收受红包行为")
    db.add(task)
    db.flush()
    inspection = record_inspection(
        db,
        leader,
        campaign,
        NewInspection(
            institution_id=unit(db, f"{code}-H01").id,
            inspected_on=date(2026, 8, 1),
            inspectors="检查组",
        ),
    )
    db.commit()
    return campaign.id, task.id, inspection.id


def _rectification(db: Session, side: str, code: str) -> int:
    """An item the county issued to its hospital H01, due in a month."""
    from rectification.service import create_item

    today = date.today()
    item = create_item(
        db,
        user(db, "leader" if side == "a" else "leader2"),
        {
            "source_kind": "inspection",
            "problem": f"未公示收费标准 {side}",
            "found_on": today.isoformat(),
            "responsible_unit_id": unit(db, f"{code}-H01").id,
            "responsible_user_id": reporter_of(db, f"{code}-H01").id,
            "measure": "公示收费标准",
            "deadline": (today + timedelta(days=30)).isoformat(),
        },
    )
    db.commit()
    return item.id


def _supervision(db: Session, clue_id: int) -> tuple[int, int]:
    """The city's mark on a county clue and a sample of its look-back, both of side "a"'s
    city (石门县 has no city leader: the same objects serve side "b")."""
    from supervision.models import LookBackDraw, LookBackSample, SupervisedClue

    city, clue = unit(db, "C01"), db.get(Clue, clue_id)
    found = db.scalar(select(SupervisedClue).where(SupervisedClue.superior_unit_id == city.id))
    if found is not None:
        sample = db.scalar(select(LookBackSample.id))
        return found.id, int(sample or 0)
    mark = SupervisedClue(
        clue_id=clue.id, superior_unit_id=city.id, marked_by_id=user(db, "admin").id
    )
    quarter = {"closed_from": date(2026, 1, 1), "closed_to": date(2026, 3, 31)}
    draw = LookBackDraw(
        unit_id=city.id, period="2026Q1", seed="0", rate_percent=10, population=1, **quarter
    )
    db.add_all([mark, draw])
    db.flush()
    sample = LookBackSample(draw_id=draw.id, clue_id=clue.id)
    db.add(sample)
    db.commit()
    return mark.id, sample.id


def _document_register(db: Session, code: str, handler: str) -> tuple[int, int]:
    from documents.numbers import TypeInput, issue_number, save_type

    data = TypeInput("letter", "函", f"{code}函")
    doc_type = save_type(db, user(db, "admin"), unit(db, code), data)
    save_type(db, user(db, "admin"), unit(db, code), TypeInput("approval", "呈批件", f"{code}呈"))
    number = issue_number(db, user(db, handler), doc_type, title="移送函")
    db.commit()
    return doc_type.id, number.id


def build_world(app: Flask, db: Session, usernames: list[str]) -> World:
    world = World()
    cfg = app.config["QINGFENG"]
    add_second_county_users(db)
    db.commit()
    for side, code in SIDES.items():
        s = Side()
        clerk, handler = ("clerk", "handler") if side == "a" else ("clerk2", "handler2")
        clue = clue_in_state(db, ClueState.VERIFYING, unit_code=code, actor=clerk)
        clue.handler_id = user(db, handler).id
        clue.major = True  # read on the 重大线索 pages too (cases.major)
        db.flush()
        s.clue_id = clue.id
        saved = add_attachments(
            db,
            user(db, handler),
            clue,
            [Upload("证据.pdf", PDF)],
            store_for(cfg),
            cfg.max_upload_bytes,
        )
        s.clue_attachment_id = saved.saved[0].id
        ob = obligation(db, f"{code}-H01")
        s.obligation_id = ob.id
        s.submission_id = start_draft(db, reporter_of(db, f"{code}-H01"), ob).id
        s.unit_id = unit(db, code).id
        s.user_id = user(db, f"target-{side}").id  # admins may edit it
        with app.app_context():
            q = quarantine(
                db, unit(db, code), f"broken {side}".encode(), "无法解析", vault(), source="x"
            )
        assert q is not None
        s.quarantine_id = q.id
        db.commit()
        tip = _named_tip(app, db, clerk, side)
        s.tip_id, s.tip_attachment_id = tip.id, tip.attachments[0].id
        s.tip_photo_id = tip.attachments[1].id
        s.reveal_request_id = request_reveal(db, user(db, clerk), tip, "核实举报人身份").id
        with app.app_context():  # as if the tip had come by mail: its original is kept
            keep_original(db, tip, f"Subject: tip {side}\r\n\r\nbody".encode(), vault())
        s.campaign_id, s.task_id, s.inspection_id = _campaign(db, side, code)
        s.rectification_id = _rectification(db, side, code)
        s.supervised_id, s.sample_id = _supervision(db, s.clue_id)
        s.doc_type_id, s.doc_number_id = _document_register(db, code, handler)
        world.sides[side] = s
    delivery = Delivery(
        channel=Channel.EMAIL,
        recipient_user_id=user(db, "leader").id,
        address="leader@demo.qingfeng.local",
        subject_ref="clue:1",
        level="due",
        business_date=date(2026, 6, 15),
        idempotency_key="matrix-delivery",
        template="clue_reminder",
        status=DeliveryStatus.DEAD,
        last_error="550 mailbox unavailable",
    )
    db.add(delivery)
    for name in {*usernames, "admin"}:
        msg = InboxMessage(user_id=user(db, name).id, title="新交办", body="请查看", link="/")
        db.add(msg)
        db.flush()
        world.messages[name] = msg.id
        job = ExportJob(user_id=user(db, name).id, total=0, file_name="台账.xlsx")
        db.add(job)
        db.flush()
        world.export_jobs[name] = job.id
    db.commit()
    world.delivery_id = delivery.id
    return world
