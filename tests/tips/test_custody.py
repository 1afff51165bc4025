"""Photo metadata removed from tip attachments (the original kept for those who may see the
reporter), and the optional two-person rule for revealing a reporter."""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from PIL import Image
from sqlalchemy import select

from cases.intake import intake
from config.audit_log import AuditEvent
from config.filestore import store_for
from directory.roles import Role
from directory.service import add_user
from tests.conftest import csrf_token, login, post_form, user
from tests.tips.helpers import PDF, photo_with_metadata
from tests.tips.test_intake import NAME, hotline
from tips.attachments import Upload
from tips.metadata import strip_metadata
from tips.models import RevealLog, RevealRequest
from tips.service import vault_for

SH = ZoneInfo("Asia/Shanghai")
MONDAY = datetime(2026, 6, 15, 10, tzinfo=SH)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(MONDAY, tick=False) as traveller:
        yield traveller


def _tip(db, settings, *uploads: Upload):
    clerk = user(db, "clerk")
    new = hotline("医生收受红包，附现场照片", attachments=list(uploads))
    tip, _ = intake(db, clerk, clerk.unit, new, vault_for(settings))
    db.commit()
    return tip


@pytest.mark.parametrize("fmt", ["JPEG", "PNG"])
def test_photo_metadata_is_removed_and_the_original_kept(db, settings, fmt):
    photo = photo_with_metadata(fmt)
    with Image.open(io.BytesIO(photo)) as image:  # the fixture really carries it
        assert image.getexif().get(0x010F) == "QingfengTestPhone"
    tip = _tip(db, settings, Upload(f"现场.{fmt.lower()}", photo), Upload("材料.pdf", PDF))
    files = store_for(settings)
    picture, document = tip.attachments
    clean = files.get(db, picture.stored_name)
    assert files.get(db, picture.original_name) == photo  # byte for byte, for staff
    assert b"QingfengTestPhone" not in clean and b"GPS" not in clean
    assert "清河县".encode() not in clean
    with Image.open(io.BytesIO(clean)) as image:
        assert not image.getexif() and image.size == (16, 16)
        image.load()  # the picture itself is whole
        assert image.getpixel((8, 8))[0] > 150
    assert picture.sha256 and picture.size == len(photo)  # of the file as received
    assert document.original_name is None and files.get(db, document.stored_name) == PDF


def test_stripping_is_lossless_and_leaves_other_files_alone():
    photo = photo_with_metadata()
    clean = strip_metadata(photo)
    assert strip_metadata(clean) == clean
    scan = photo[photo.index(b"\xff\xda") :]  # the image data, from start of scan
    assert clean.endswith(scan)
    assert strip_metadata(PDF) == PDF
    assert strip_metadata(b"\xff\xd8\xff\xe1\x00") == b"\xff\xd8\xff\xe1\x00"  # broken: as is


def test_the_original_photo_is_a_logged_reveal(client, db, settings):
    tip = _tip(db, settings, Upload("现场.jpg", photo_with_metadata()))
    picture = tip.attachments[0]
    login(client, "clerk")
    page = client.get(f"/tips/{tip.id}").get_data(as_text=True)
    assert "已去除拍摄位置等元数据" in page and "下载原始文件" in page
    clean = client.get(f"/tips/{tip.id}/attachments/{picture.id}")
    assert clean.status_code == 200 and b"QingfengTestPhone" not in clean.data
    original = post_form(
        client,
        f"/tips/{tip.id}/attachments/{picture.id}/original",
        {},
        token_from=f"/tips/{tip.id}",
    )
    assert original.status_code == 200 and b"QingfengTestPhone" in original.data
    logged = db.scalars(select(RevealLog).where(RevealLog.tip_id == tip.id)).all()
    assert [r.purpose for r in logged] == ["下载原始附件“现场.jpg”：下载含元数据的原始附件"]


@pytest.fixture
def two_person(app):
    app.config["QINGFENG"] = app.config["QINGFENG"].with_overrides(reveal_two_person=True)


def _reveal(client, tip_id: int, purpose: str = "核实身份"):
    return post_form(
        client, f"/tips/{tip_id}/reveal", {"purpose": purpose}, token_from=f"/tips/{tip_id}"
    )


def test_two_person_rule_needs_a_second_leader(app, db, settings, two_person, clock):
    tip = _tip(db, settings)
    clerk = app.test_client()
    login(clerk, "clerk")
    page = clerk.get(f"/tips/{tip.id}").get_data(as_text=True)
    assert 'data-testid="two-person"' in page and "申请查看举报人信息" in page

    refused = _reveal(clerk, tip.id)
    assert refused.status_code == 302
    assert "须先提交申请" in clerk.get(f"/tips/{tip.id}").get_data(as_text=True)
    assert db.scalars(select(RevealLog)).all() == []

    empty = post_form(
        clerk, f"/tips/{tip.id}/reveal-requests", {"purpose": " "}, token_from=f"/tips/{tip.id}"
    )
    assert "“查看事由”不能为空" in clerk.get(empty.headers["Location"]).get_data(as_text=True)
    post_form(
        clerk,
        f"/tips/{tip.id}/reveal-requests",
        {"purpose": "需电话核实举报细节"},
        token_from=f"/tips/{tip.id}",
    )
    request = db.scalar(select(RevealRequest).where(RevealRequest.tip_id == tip.id))
    assert request is not None and request.status == "pending"

    # The one who asked cannot approve, even a leader; a leader over the tip can.
    leader = app.test_client()
    login(leader, "leader")
    post_form(
        leader,
        f"/tips/{tip.id}/reveal-requests",
        {"purpose": "本人也要看"},
        token_from=f"/tips/{tip.id}",
    )
    own = db.scalar(
        select(RevealRequest).where(RevealRequest.requested_by_id == user(db, "leader").id)
    )
    assert own is not None
    selfish = leader.post(
        f"/tips/{tip.id}/reveal-requests/{own.id}",
        data={"csrf_token": csrf_token(leader, f"/tips/{tip.id}"), "decision": "approve"},
    )
    assert selfish.status_code == 403
    handler = app.test_client()
    login(handler, "handler")
    not_custodian = handler.post(
        f"/tips/{tip.id}/reveal-requests/{request.id}",
        data={"csrf_token": csrf_token(handler, f"/tips/{tip.id}"), "decision": "approve"},
    )
    assert not_custodian.status_code == 403
    page = leader.get(f"/tips/{tip.id}").get_data(as_text=True)
    assert "需电话核实举报细节" in page and "批准" in page
    approved = leader.post(
        f"/tips/{tip.id}/reveal-requests/{request.id}",
        data={"csrf_token": csrf_token(leader, f"/tips/{tip.id}"), "decision": "approve"},
    )
    assert approved.status_code == 302
    db.expire_all()
    assert request.status == "approved" and request.decided_by_id == user(db, "leader").id

    shown = _reveal(clerk, tip.id)
    assert shown.status_code == 200 and NAME in shown.get_data(as_text=True)
    (logged,) = db.scalars(select(RevealLog)).all()
    assert logged.user_id == user(db, "clerk").id and "需电话核实举报细节" in logged.purpose
    kinds = list(db.scalars(select(AuditEvent.kind).where(AuditEvent.subject_id == tip.id)))
    assert {"reveal.request", "reveal.approve"} <= set(kinds)

    # The approval lasts a day; then the clerk asks again.
    clock.shift(timedelta(hours=25))
    login(clerk, "clerk")  # signed out meanwhile (idle)
    assert _reveal(clerk, tip.id).status_code == 302
    assert len(db.scalars(select(RevealLog)).all()) == 1


def test_a_second_leader_of_the_same_body_may_approve(app, db, settings, two_person):
    tip = _tip(db, settings)
    add_user(
        db,
        username="leader-b",
        display_name="副局长",
        password="another-password-1",
        role=Role.LEADER,
        unit=user(db, "leader").unit,
    )
    db.commit()
    first = app.test_client()
    login(first, "leader")
    post_form(
        first, f"/tips/{tip.id}/reveal-requests", {"purpose": "核实"}, token_from=f"/tips/{tip.id}"
    )
    request = db.scalar(select(RevealRequest).where(RevealRequest.tip_id == tip.id))
    second = app.test_client()
    login(second, "leader-b", "another-password-1")
    denied = second.post(
        f"/tips/{tip.id}/reveal-requests/{request.id}",
        data={"csrf_token": csrf_token(second, f"/tips/{tip.id}"), "decision": "deny"},
    )
    assert denied.status_code == 302
    db.expire_all()
    assert request.status == "denied"
    assert _reveal(first, tip.id).status_code == 302  # denied: still no reveal
    assert db.scalars(select(RevealLog)).all() == []
