"""Rectification items through the service: issue, report, verify or send back, who may,
and bad input refused with a message naming the field (nothing half-written)."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from sqlalchemy import func, select

from config.errors import NotFound, PermissionDenied, ValidationError
from rectification.models import RectificationItem
from rectification.service import available, fire, get_item, history
from tests.conftest import unit, user
from tests.rectification.helpers import issue, on


def test_an_item_gets_a_number_a_deadline_clock_and_a_log_row(db):
    item = issue(db)
    assert item.number == "整改〔2026〕1号"
    assert item.unit_id == unit(db, "C01-D01").id
    assert item.next_due_on == date(2026, 6, 15) and item.clocks["rectify"]["due"] == "2026-06-15"
    second = issue(db, problem="另一个问题")
    assert second.number == "整改〔2026〕2号"
    assert [s.trigger for s in history(db, user(db, "leader"), item)] == ["create"]


def test_report_then_verify_writes_the_item_off(db):
    item = issue(db)
    reporter, leader = user(db, "reporter"), user(db, "leader")
    assert [t.trigger for t in available(db, reporter, item)] == ["report_done"]
    assert "verify" not in [t.trigger for t in available(db, leader, item)]
    with time_machine.travel(on(date(2026, 6, 10)), tick=False):
        fire(db, reporter, item, "report_done",
             {"evidence": "已公示，附照片3张", "completed_on": "2026-06-09"})  # fmt: skip
    assert item.state == "reported" and item.next_due_on is None
    assert available(db, reporter, item) == []
    assert {t.trigger for t in available(db, leader, item)} == {"verify", "send_back"}
    with time_machine.travel(on(date(2026, 6, 11)), tick=False):
        fire(db, leader, item, "verify", {"reason": "现场核验，已整改到位"})
    assert item.state == "verified" and item.verified_on == date(2026, 6, 11)
    assert [s.trigger for s in history(db, leader, item)] == ["create", "report_done", "verify"]


def test_send_back_restarts_the_deadline(db):
    item = issue(db)
    with time_machine.travel(on(date(2026, 6, 20)), tick=False):
        fire(db, user(db, "reporter"), item, "report_done",
             {"evidence": "已公示", "completed_on": "2026-06-19"})  # fmt: skip
        fire(db, user(db, "leader"), item, "send_back", {"reason": "公示内容不全"})
    assert item.state == "open" and item.verify_note == "公示内容不全"
    # The original deadline runs again: the item is overdue at once.
    assert item.next_due_on == date(2026, 6, 15) and item.completed_on is None


def test_only_the_issuing_body_verifies_and_only_a_leader_extends(db):
    item = issue(db)
    with time_machine.travel(on(date(2026, 6, 2)), tick=False):
        with pytest.raises(PermissionDenied):
            fire(db, user(db, "handler"), item, "extend",
                 {"new_deadline": "2026-07-01", "reason": "需采购设备"})  # fmt: skip
        fire(db, user(db, "leader"), item, "extend",
             {"new_deadline": "2026-07-01", "reason": "需采购设备"})  # fmt: skip
        assert item.deadline == date(2026, 7, 1) and item.next_due_on == date(2026, 7, 1)
        fire(db, user(db, "reporter"), item, "report_done",
             {"evidence": "已公示", "completed_on": "2026-06-02"})  # fmt: skip
        with pytest.raises(PermissionDenied):
            fire(db, user(db, "reporter"), item, "verify", {})
        # A leader of another county cannot even see it.
        other = user(db, "clerk_yt")
        with pytest.raises(NotFound):
            get_item(db, other, item.id)


def test_the_responsible_unit_sees_its_items_and_others_do_not(db):
    item = issue(db)
    assert get_item(db, user(db, "reporter"), item.id) is item
    with pytest.raises(NotFound):
        get_item(db, user(db, "clerk_sm"), item.id)
    with pytest.raises(NotFound):
        get_item(db, user(db, "reporter"), 10**12)


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"problem": ""}, "problem", "请填写“发现的问题”"),
        ({"problem": "问" * 2001}, "problem", "不能超过 2000 个字"),
        ({"responsible_user_id": "abc"}, "responsible_user_id", "值无效"),
        ({"responsible_user_id": ""}, "responsible_user_id", "请"),
        ({"measure": "整改\x00措施"}, "measure", "无法保存的字符"),
        ({"deadline": "2026-13-01"}, "deadline", "不是有效日期"),
        ({"deadline": "2026-05-01"}, "deadline", "不能早于今天"),
        ({"found_on": "2026-07-01"}, "found_on", "不能晚于今天"),
        ({"source_kind": "rumour"}, "source_kind", "值无效"),
        ({"source_kind": "clue", "clue_ref": ""}, "clue_ref", "请填写关联线索编号"),
        ({"clue_ref": "不存在的线索"}, "clue_ref", "未找到线索"),
        ({"responsible_unit_id": "abc"}, "responsible_unit_id", "值无效"),
    ],
)
def test_bad_input_is_refused_by_field_and_nothing_is_written(db, changes, field, words):
    before = db.scalar(select(func.count()).select_from(RectificationItem))
    with pytest.raises(ValidationError) as err:
        issue(db, **changes)
    assert field in err.value.details and words in err.value.details[field]
    assert db.scalar(select(func.count()).select_from(RectificationItem)) == before


def test_an_item_can_only_go_to_a_unit_below_the_issuer(db):
    with pytest.raises(ValidationError) as err:
        issue(db, responsible_unit_id=unit(db, "C01-D02-H01").id)
    assert "下级单位" in err.value.details["responsible_unit_id"]


def test_roles_without_the_capability_cannot_issue(db):
    with pytest.raises(PermissionDenied):
        issue(db, actor="clerk")
    with pytest.raises(PermissionDenied):
        issue(db, actor="reporter")


def test_a_completion_date_in_the_future_is_refused(db):
    item = issue(db)
    with time_machine.travel(on(date(2026, 6, 10)), tick=False), pytest.raises(ValidationError):
        fire(db, user(db, "reporter"), item, "report_done",
             {"evidence": "已公示", "completed_on": "2026-06-30"})  # fmt: skip
    assert item.state == "open"
