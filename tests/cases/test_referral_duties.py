"""The duties a referral carries, both ways:

- a 部门移交 / 巡视巡察移交 that asks for the result ("要求报告结果") records its deadline and
  the duty, is reminded before it, and is reported back (a logged step) before 销号;
- a referral out (移送司法机关, 按规定移交) is chased for its receipt and, once receipted,
  for its outcome too, until the outcome is recorded.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from cases.intake import new_clue_for
from cases.models import Clue
from cases.record_actions import perform
from cases.service import available, create_clue, fire
from config.errors import ValidationError
from directory.tokens import create_token
from notifications.clue_reminders import due_clue_messages
from notifications.referral_reminders import due_referral_messages
from tests.cases.factories import clue_in_state
from tests.conftest import csrf_token, login, post_form, unit, user
from tips.models import Tip
from workflow.calendar import load_calendar

SH = ZoneInfo("Asia/Shanghai")
NOV_2 = datetime(2026, 11, 2, 10, tzinfo=SH)  # a Monday


def referred_in(db, channel: str = "department", *, reply: bool = True) -> object:
    tip = Tip(
        channel=channel,
        summary="县医保局移交：某卫生院串换药品",
        content="移交函",
        meta={"sender": "清河县医疗保障局", "deadline": "2026-11-20", "reply_requested": reply},
        received_at=NOV_2,
    )
    new = new_clue_for(tip)
    return create_clue(db, user(db, "clerk"), unit(db, "C01-D01"), new, now=NOV_2)


@pytest.mark.parametrize("channel", ["department", "inspection_tour"])
def test_a_referral_asking_for_the_result_records_the_duty_and_its_deadline(db, channel):
    clue = referred_in(db, channel)
    assert clue.report_requested and clue.report_due == date(2026, 11, 20)
    assert clue.clocks["report_back"]["due"] == "2026-11-20"
    plain = referred_in(db, channel, reply=False)
    assert not plain.report_requested and "report_back" not in plain.clocks


def test_the_report_back_is_reminded_before_its_deadline(db):
    clue = referred_in(db)
    clue.ledger_no = f"清卫纪线〔2026〕B{clue.id}号"
    db.flush()
    cal = load_calendar(db)
    messages = [
        m
        for m in due_clue_messages(db, date(2026, 11, 17), cal)
        if m.subject_ref == f"clue:{clue.id}/report_back"
    ]
    assert messages and {m.context["stage"] for m in messages} == {"向移交单位报告结果"}
    assert {m.level for m in messages} == {"due_3"}


def test_reporting_back_is_a_step_and_close_out_waits_for_it(db):
    clue = clue_in_state(db, "feedback", report_requested=True, report_due=date(2026, 11, 20))
    handler = user(db, "handler")
    steps = {t.trigger for t in available(db, handler, clue)}
    assert "report_back" in steps and "request_write_off" not in steps
    with pytest.raises(ValidationError):
        fire(db, handler, clue, "report_back", {"method": "letter"})  # the summary is required
    fire(db, handler, clue, "report_back", {"method": "letter", "reason": "已书面报告处理结果"})
    assert clue.reported_back_on is not None
    assert "report_back" not in {t.trigger for t in available(db, handler, clue)}


def test_the_page_offers_the_report_back_to_the_handler(client, db):
    clue = clue_in_state(db, "feedback", report_requested=True, report_due=date(2026, 11, 20))
    db.commit()
    login(client, "handler")
    page = client.get(f"/clues/{clue.id}").get_data(as_text=True)
    assert "向移交单位报告办理结果" in page and 'data-testid="report-back"' in page
    token = csrf_token(client, f"/clues/{clue.id}")
    answer = client.post(
        f"/clues/{clue.id}/fire/report_back",
        data={"csrf_token": token, "version": clue.version, "method": "letter", "reason": "已报告"},
    )
    assert answer.status_code == 302
    page = client.get(f"/clues/{clue.id}").get_data(as_text=True)
    assert "向移交单位报告" in page and "尚未报告" not in page


def _receipted(db):
    clue = clue_in_state(db, "transferred")
    clue.ledger_no = f"清卫纪线〔2026〕O{clue.id}号"
    handler = user(db, "handler")
    with time_machine.travel(NOV_2, tick=False):
        referral = perform(
            db,
            handler,
            clue,
            "referral",
            {"target": "market", "organ": "清河县市场监督管理局", "sent_on": "2026-11-02"},
        )
        perform(
            db,
            handler,
            clue,
            "referral_receipt",
            {"referral_id": referral.id, "received_on": "2026-11-04"},
        )
    return clue, referral


def test_after_the_receipt_the_outcome_is_reminded_until_recorded(db):
    clue, referral = _receipted(db)
    assert referral.outcome_due == date(2026, 12, 4)  # 30 days after the receipt
    cal = load_calendar(db)
    due = [
        m.template
        for m in due_referral_messages(db, date(2026, 12, 1), cal)
        if m.subject_ref == f"referral_outcome:{referral.id}"
    ]
    assert due == ["referral_outcome_due"]
    overdue = {
        m.template
        for m in due_referral_messages(db, date(2026, 12, 7), cal)
        if m.subject_ref == f"referral_outcome:{referral.id}"
    }
    assert overdue == {"referral_outcome_overdue"}
    handler = user(db, "handler")
    with pytest.raises(ValidationError):
        perform(
            db,
            handler,
            clue,
            "referral_outcome",
            {"referral_id": referral.id, "outcome": "已立案", "outcome_on": "2026-11-01"},
        )  # before the receipt
    perform(
        db,
        handler,
        clue,
        "referral_outcome",
        {
            "referral_id": referral.id,
            "outcome": "已立案查处，罚款2万元",
            "outcome_on": "2026-11-30",
        },
    )
    assert referral.outcome_due is None and referral.outcome_on == date(2026, 11, 30)
    assert not [
        m
        for m in due_referral_messages(db, date(2026, 12, 7), cal)
        if m.subject_ref == f"referral_outcome:{referral.id}"
    ]


def test_the_page_records_the_outcome_after_the_receipt(client, db):
    clue, referral = _receipted(db)
    db.commit()
    login(client, "handler")
    page = client.get(f"/clues/{clue.id}").get_data(as_text=True)
    assert 'data-testid="outcome-due"' in page and "登记处理结果" in page
    token = csrf_token(client, f"/clues/{clue.id}")
    answer = client.post(
        f"/clues/{clue.id}/records/referral_outcome",
        data={
            "csrf_token": token,
            "referral_id": referral.id,
            "outcome": "已立案",
            "outcome_on": "2026-11-30",
        },
    )
    assert answer.status_code in {302, 303}
    page = client.get(f"/clues/{clue.id}").get_data(as_text=True)
    assert "已立案" in page and ">登记处理结果</button>" not in page


def test_the_api_records_the_outcome(client, db):
    clue, referral = _receipted(db)
    assert referral.outcome_due is not None
    owner = user(db, "handler")
    _, secret = create_token(db, owner, owner, "结果接口测试")
    db.commit()
    headers = {"Authorization": f"Bearer {secret}"}
    answer = client.post(
        f"/api/clues/{clue.id}/records/referral_outcome",
        headers=headers,
        json={"referral_id": referral.id, "outcome": "已立案", "outcome_on": "2026-11-30"},
    )
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json()["outcome"] == "已立案" and answer.get_json()["outcome_due"] is None
    again = client.post(
        f"/api/clues/{clue.id}/records/referral_outcome",
        headers=headers,
        json={"referral_id": referral.id, "outcome": "x" * 10, "outcome_on": "2026-11-30"},
    )
    assert again.status_code == 422


@pytest.mark.parametrize("channel", ["department", "inspection_tour"])
def test_the_intake_desk_records_the_referrers_deadline_and_duty(client, db, channel):
    from tests.web.test_intake_pages import latest_tip

    login(client, "clerk")
    token = csrf_token(client, f"/intake/?channel={channel}")
    response = client.post(
        f"/intake/?channel={channel}",
        data={
            "csrf_token": token,
            "meta_sender": "清河县医疗保障局",
            "meta_reference": "清医保移〔2026〕3号",
            "meta_deadline": "2026-12-30",
            "meta_reply_requested": "y",
            "content": "移交：某卫生院串换药品套取医保基金",
        },
    )
    assert response.status_code == 302
    clue = db.get(Clue, latest_tip(db).clue_id)
    assert clue.report_requested and clue.report_due == date(2026, 12, 30)
    assert "report_back" in clue.clocks


def test_the_discipline_review_channel_keeps_its_case_reference(client, db):
    """Seed 004's list of sources: clues found in a 纪律审查 come in on a channel of their own."""
    from tests.web.test_intake_pages import latest_tip

    login(client, "clerk")
    page = client.get("/intake/?channel=discipline_review").get_data(as_text=True)
    assert "纪律审查" in page and "审查案件编号" in page
    response = post_form(
        client,
        "/intake/?channel=discipline_review",
        {
            "meta_case_reference": "清纪审〔2026〕5号",
            "meta_reviewer": "县纪委监委第二审查室",
            "content": "审查中发现县医院采购科长收受回扣线索",
        },
    )
    assert response.status_code == 302
    tip = latest_tip(db)
    assert tip.channel == "discipline_review"
    assert tip.meta["case_reference"] == "清纪审〔2026〕5号"
