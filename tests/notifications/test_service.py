from __future__ import annotations

import pytest
from sqlalchemy import func, select

from config.errors import PermissionDenied, ValidationError
from notifications.models import Channel, Delivery, DeliveryStatus
from notifications.service import enqueue, notify_user, recipients_for, set_preference
from notifications.templates import render
from tests.conftest import user
from tests.notifications.conftest import BUSINESS_DAY


def _clue_due(db, recipient, **overrides):
    args = {
        "channel": Channel.EMAIL,
        "recipient": recipient,
        "subject_ref": "clue:123",
        "level": "due_3",
        "business_date": BUSINESS_DAY,
        "template": "clue_due",
        "context": {
            "ref": "清纪〔2026〕123号",
            "stage": "初步核实",
            "deadline": "2026-11-26",
            "days_left": 3,
            "path": "/clues/123",
        },
    }
    return enqueue(db, **{**args, **overrides})


def test_same_key_twice_inserts_one_row(db):
    handler = user(db, "handler")
    first = _clue_due(db, handler)
    second = _clue_due(
        db, handler, context={"ref": "x", "stage": "y", "deadline": "z", "days_left": 1}
    )
    assert first is not None and first.status == DeliveryStatus.PENDING
    assert first.address == handler.email
    assert second is None
    count = db.scalar(select(func.count()).where(Delivery.subject_ref == "clue:123"))
    assert count == 1


def test_each_key_part_makes_a_new_delivery(db):
    handler = user(db, "handler")
    assert _clue_due(db, handler) is not None
    assert _clue_due(db, handler, level="due_1") is not None
    assert _clue_due(db, handler, channel=Channel.INAPP) is not None
    assert _clue_due(db, handler, subject_ref="clue:124") is not None
    assert _clue_due(db, user(db, "leader")) is not None
    assert _clue_due(db, handler, business_date=BUSINESS_DAY.replace(day=24)) is not None


def test_tip_content_never_enters_a_delivery(db):
    with pytest.raises(ValidationError, match="不得携带线索内容.*content"):
        _clue_due(
            db,
            user(db, "handler"),
            context={
                "ref": "R1",
                "stage": "s",
                "deadline": "d",
                "days_left": 1,
                "content": "举报内容",
            },
        )


def test_message_carries_reference_and_link_from_settings():
    rendered = render(
        "clue_overdue",
        {"ref": "清纪〔2026〕7号", "stage": "函询", "deadline": "2026-11-20", "path": "/clues/7"},
        "https://qf.example/",
    )
    assert rendered.link == "https://qf.example/clues/7"
    assert "清纪〔2026〕7号" in rendered.subject
    assert "https://qf.example/clues/7" in rendered.body and "已超期" in rendered.body


def test_recipients_follow_preferences(db):
    handler = user(db, "handler")
    routes = recipients_for(db, handler)
    assert [(r.channel, r.address) for r in routes] == [
        (Channel.INAPP, ""),
        (Channel.EMAIL, handler.email),
    ]
    set_preference(db, handler, handler, Channel.EMAIL, enabled=False)
    set_preference(
        db, handler, handler, Channel.WEBHOOK, enabled=True, address="https://robot.example/h"
    )
    assert [(r.channel, r.address) for r in recipients_for(db, handler)] == [
        (Channel.INAPP, ""),
        (Channel.WEBHOOK, "https://robot.example/h"),
    ]
    set_preference(db, handler, handler, Channel.EMAIL, enabled=True, address="sun@example.cn")
    assert (Channel.EMAIL, "sun@example.cn") in [
        (r.channel, r.address) for r in recipients_for(db, handler)
    ]


def test_user_without_email_gets_in_app_only(db):
    clerk = user(db, "clerk")
    clerk.email = ""
    db.flush()
    queued = notify_user(
        db,
        clerk,
        subject_ref="clue:9",
        level="event",
        business_date=BUSINESS_DAY,
        template="clue_assigned",
        context={"ref": "R9", "deadline": "2026-12-01", "path": "/clues/9"},
    )
    assert [d.channel for d in queued] == [Channel.INAPP]


def test_preferences_are_checked(db):
    handler, clerk = user(db, "handler"), user(db, "clerk")
    with pytest.raises(PermissionDenied):
        set_preference(db, clerk, handler, Channel.EMAIL, enabled=False)
    with pytest.raises(ValidationError, match="站内消息不能关闭"):
        set_preference(db, handler, handler, Channel.INAPP, enabled=False)
    with pytest.raises(ValidationError, match="http"):
        set_preference(db, handler, handler, Channel.WEBHOOK, enabled=True, address="ftp://x/y")
    # An administrator over the user's unit may set it for them.
    pref = set_preference(db, user(db, "admin"), handler, Channel.EMAIL, enabled=False)
    assert pref.enabled is False
