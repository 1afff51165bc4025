from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from cases.states import ClueState
from tests.cases.factories import clue_in_state, new_clue
from tests.conftest import csrf_token, login, post_form, user


@pytest.fixture(autouse=True)
def _midyear():
    with time_machine.travel(
        datetime(2026, 6, 15, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False
    ):
        yield


def fire_form(client, clue, trigger, data, version=None):
    token = csrf_token(client, f"/clues/{clue.id}")
    return client.post(
        f"/clues/{clue.id}/fire/{trigger}",
        data={"csrf_token": token, "version": version or clue.version, **data},
    )


def test_clue_page_offers_exactly_the_available_actions(client, db):
    clue = new_clue(db, reporter_named=True)
    login(client, "clerk")
    page = client.get(f"/clues/{clue.id}").get_data(as_text=True)
    assert "受理登记" in page and "不予受理" in page and "登记已告知受理情况" in page
    assert "提出拟办意见" not in page and "批准销号" not in page
    assert "告知实名举报人受理情况" in page  # the running deadline


def test_clerk_registers_through_the_page_and_the_timeline_shows_it(client, db):
    clue = new_clue(db)
    login(client, "clerk")
    response = fire_form(client, clue, "register", {"reason": "属于受理范围"})
    assert response.status_code == 302
    db.expire_all()
    page = client.get(f"/clues/{clue.id}").get_data(as_text=True)
    assert "已受理" in page and "属于受理范围" in page and "李登记" in page


def test_stale_page_gets_a_conflict_message(client, db):
    clue = new_clue(db)
    login(client, "clerk")
    response = fire_form(client, clue, "register", {}, version=99)
    assert response.status_code == 409
    assert "已被他人修改" in response.get_data(as_text=True)


def test_validation_error_keeps_what_was_typed(client, db):
    clue = clue_in_state(db, ClueState.TRIAGE)
    login(client, "handler")
    response = fire_form(client, clue, "propose", {"route": "verifying", "reason": ""})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "请填写“拟办意见”" in page
    assert 'value="verifying" selected' in page


def test_refused_step_for_the_wrong_role_is_403(client, db):
    clue = new_clue(db)
    login(client, "handler")
    assert fire_form(client, clue, "register", {}).status_code == 403


def test_clue_outside_jurisdiction_is_404(client, db):
    clue = new_clue(db, unit_code="C02-D03", actor=None)
    login(client, "leader")
    assert client.get(f"/clues/{clue.id}").status_code == 404


def test_intake_form_creates_a_clue(client, db):
    login(client, "clerk")
    county = user(db, "clerk").unit.parent
    response = post_form(
        client,
        "/clues/new",
        {
            "unit_id": county.id,
            "channel": "hotline",
            "summary": "反映某医院乱收费",
            "content": "来电反映……",
            "reporter_named": "y",
        },
    )
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "反映某医院乱收费" in page and "待受理" in page


def test_intake_form_keeps_input_on_error(client, db):
    login(client, "clerk")
    county = user(db, "clerk").unit.parent
    response = post_form(
        client,
        "/clues/new",
        {
            "unit_id": county.id,
            "channel": "hotline",
            "summary": "",
            "content": "只有内容",
        },
    )
    assert response.status_code == 422
    assert "只有内容" in response.get_data(as_text=True)


def test_unknown_year_on_intake_is_stored_pending_and_becomes_an_admin_alert(client, db):
    from workflow.calendar_service import calendar_alerts

    county = user(db, "clerk").unit.parent
    with time_machine.travel(
        datetime(2026, 12, 21, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False
    ):
        login(client, "clerk")
        response = post_form(
            client,
            "/clues/new",
            {
                "unit_id": county.id,
                "channel": "hotline",
                "summary": "年底来电",
                "reporter_named": "y",
            },
        )
        assert response.status_code == 302  # stored, never refused for a calendar reason
        alerts = calendar_alerts(db, datetime(2026, 6, 1).date())
    assert [a.year for a in alerts if a.year == 2027] == [2027]
    assert any("1 项期限待定" in reason for a in alerts for reason in a.reasons)


def test_home_pages_show_each_roles_work(client, db):
    clue = new_clue(db)
    waiting = clue_in_state(db, ClueState.PENDING_APPROVAL, summary="等待审批的线索")
    login(client, "clerk")
    assert clue.summary in client.get("/").get_data(as_text=True)
    post_form(client, "/logout", {}, token_from="/")
    login(client, "leader")
    page = client.get("/").get_data(as_text=True)
    assert "待我审批" in page and waiting.summary in page
    post_form(client, "/logout", {}, token_from="/")
    login(client, "handler")
    assert waiting.summary in client.get("/").get_data(as_text=True)


def test_follow_and_unfollow_through_the_page(client, db):
    clue = new_clue(db)
    login(client, "clerk")
    page = client.get(f"/clues/{clue.id}").get_data(as_text=True)
    assert "关注人数：0" in page and f'action="/clues/{clue.id}/follow"' in page
    response = post_form(client, f"/clues/{clue.id}/follow", {}, token_from=f"/clues/{clue.id}")
    assert response.status_code == 303 and response.location.endswith(f"/clues/{clue.id}")
    page = client.get(response.location).get_data(as_text=True)
    assert "已关注该线索" in page and "关注人数：1" in page
    assert f'action="/clues/{clue.id}/unfollow"' in page and "取消关注" in page
    response = post_form(
        client,
        f"/clues/{clue.id}/unfollow",
        {},
        token_from=f"/clues/{clue.id}",
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "已取消关注该线索" in page and "关注人数：0" in page


def test_follow_needs_the_csrf_token(client, db):
    clue = new_clue(db)
    login(client, "clerk")
    assert client.post(f"/clues/{clue.id}/follow").status_code == 400
    assert "关注人数：0" in client.get(f"/clues/{clue.id}").get_data(as_text=True)


def test_following_a_clue_outside_the_jurisdiction_is_404(app, client, db):
    elsewhere = new_clue(db, unit_code="C02-D03", actor=None)
    login(client, "clerk")
    response = post_form(client, f"/clues/{elsewhere.id}/follow", {}, token_from="/clues/")
    assert response.status_code == 404
    admin = app.test_client()  # the province sees the clue: nobody follows it
    login(admin, "admin")
    assert "关注人数：0" in admin.get(f"/clues/{elsewhere.id}").get_data(as_text=True)


def test_a_phone_notice_is_recorded_with_the_time_of_the_call(client, db):
    """受理告知 by phone: the call's time is typed on the page (local time), refused in
    Chinese when it is malformed, in the future or hostile, and nothing is logged then;
    the 办理记录 shows it, and the deadline stops."""
    from cases.service import timeline

    clue = new_clue(db, reporter_named=True)
    login(client, "clerk")
    page = client.get(f"/clues/{clue.id}").get_data(as_text=True)
    assert 'type="datetime-local" id="notify_acceptance-notified_at"' in page
    for raw, message in [
        ("2026-06-15T11:30", "“告知时间”不能晚于现在。"),
        ("2026-06-15", "“告知时间”不是有效时间（格式：2026-06-01 14:30）。"),
        ("x" * 5000, "“告知时间”不是有效时间（格式：2026-06-01 14:30）。"),
        ("<img src=x onerror=alert(1)>", "“告知时间”不是有效时间（格式：2026-06-01 14:30）。"),
    ]:
        refused = fire_form(client, clue, "notify_acceptance",
                            {"method": "phone", "notified_at": raw})
        html = refused.get_data(as_text=True)
        assert refused.status_code == 422 and message in html, raw
        assert "<img src=x" not in html
        db.expire_all()
        assert [log.trigger for log in timeline(db, user(db, "clerk"), clue)] == ["create"]
    done = fire_form(client, clue, "notify_acceptance",
                     {"method": "phone", "notified_at": "2026-06-15T09:05"})
    assert done.status_code == 302
    db.expire_all()
    [step] = [log for log in timeline(db, user(db, "clerk"), clue)
              if log.trigger == "notify_acceptance"]
    assert step.payload["notified_at"] == "2026-06-15T01:05:00+00:00"
    page = client.get(f"/clues/{clue.id}").get_data(as_text=True)
    assert "告知时间：2026年6月15日 09:05" in page and "告知方式：电话" in page


def test_a_call_recorded_later_meets_the_limit_on_the_day_of_the_call(db):
    """Recorded on the 15th for a call on the 11th: the limit was met on the 11th."""
    from cases.service import fire

    with time_machine.travel(datetime(2026, 6, 10, 9, tzinfo=ZoneInfo("Asia/Shanghai"))):
        clue = new_clue(db, reporter_named=True)
    fire(db, user(db, "clerk"), clue, "notify_acceptance",
         {"method": "phone", "notified_at": "2026-06-11T16:20"})
    assert clue.clocks["accept_notice"]["met_on"] == "2026-06-11"
    other = new_clue(db, reporter_named=True)
    fire(db, user(db, "clerk"), other, "notify_acceptance", {"method": "sms"})
    assert other.clocks["accept_notice"]["met_on"] == "2026-06-15"  # blank: the step's day
