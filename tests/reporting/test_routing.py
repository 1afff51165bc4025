"""Forms go where the notice sends them: receiving offices, two recipients, first and last
period, and one period's deadline set by the notice (seeds 002 and 004)."""

from __future__ import annotations

from datetime import date, datetime

import pytest
import time_machine
from sqlalchemy import func, select

from config.errors import PermissionDenied, ValidationError
from directory.roles import Role
from directory.service import add_user
from notifications.submission_routes import load_submissions
from reporting.models import DeadlineOverride, Obligation, ObligationRule, RuleRecipient
from reporting.obligations import Period, due_date, ensure_default_rules, generate_obligations
from reporting.routing import set_override, set_recipients, set_window
from reporting.submissions import available, fire, review_queue, start_draft
from tests.conftest import unit, user
from tests.reporting.journey import SH, obligation
from workflow.engine import calendar_for

NOV_5 = datetime(2026, 11, 5, 10, tzinfo=SH)


@pytest.fixture(autouse=True)
def travel():
    with time_machine.travel(NOV_5, tick=False):
        yield


def _rule(db, code: str) -> ObligationRule:
    return {r.code: r for r in ensure_default_rules(db)}[code]


def _yizheng(db):
    """A handler of the county's 医政体改和中医股 (the demo has one in 党建办 only)."""
    return add_user(
        db,
        username="yizheng",
        display_name="医政股承办",
        password="another-password-1",  # noqa: S106 - test data
        role=Role.HANDLER,
        unit=unit(db, "C01-D01-O02"),
    )


def _submitted(db, form: str = "zl3"):
    ob = obligation(db, "C01-D01-H01", form)
    reporter = user(db, "reporter")
    sub = start_draft(db, reporter, ob)
    fire(db, reporter, sub, "submit", zero_report=True)
    return sub


def test_form_goes_to_the_named_office_its_users_review_and_are_told(db):
    yizheng = _yizheng(db)
    leader, dangjian = user(db, "leader"), user(db, "handler")
    set_recipients(db, leader, _rule(db, "zl3_institution"), [unit(db, "C01-D01-O02").id])
    sub = _submitted(db, "zl3")
    assert "accept" in {t.trigger for t in available(db, yizheng, sub)}
    assert available(db, dangjian, sub) == []  # 党建办 does not receive 附件3
    assert "accept" in {t.trigger for t in available(db, leader, sub)}  # the body's leader
    assert sub in review_queue(db, yizheng) and sub not in review_queue(db, dangjian)
    told = load_submissions(db, {sub.id}, frozenset({"reviewers"})).audiences["reviewers"]
    assert [u.username for u in told[sub.id]] == ["yizheng"]
    with pytest.raises(PermissionDenied):
        fire(db, dangjian, sub, "accept")
    fire(db, yizheng, sub, "accept")
    assert sub.state == "accepted"


def test_one_form_to_two_recipients_both_review(db):
    yizheng = _yizheng(db)
    leader, dangjian = user(db, "leader"), user(db, "handler")
    offices = [unit(db, "C01-D01-O01").id, unit(db, "C01-D01-O02").id]
    set_recipients(db, leader, _rule(db, "zl1_institution"), offices)
    sub = _submitted(db, "zl1")
    told = load_submissions(db, {sub.id}, frozenset({"reviewers"})).audiences["reviewers"]
    assert {u.username for u in told[sub.id]} == {"handler", "yizheng"}
    assert available(db, dangjian, sub) and available(db, yizheng, sub)


def test_no_office_named_the_whole_body_reviews_as_before(db):
    sub = _submitted(db, "zl3")
    told = load_submissions(db, {sub.id}, frozenset({"reviewers"})).audiences["reviewers"]
    assert {"handler", "leader"} <= {u.username for u in told[sub.id]}


def test_only_offices_of_ones_own_body_and_nothing_half_written(db):
    leader = user(db, "leader")
    rule = _rule(db, "zl3_institution")
    set_recipients(db, leader, rule, [unit(db, "C01-D01-O02").id])
    for bad in (
        [unit(db, "C01-D02-O01").id],
        ["abc"],
        ["1; DROP TABLE x"],
        [unit(db, "C01-D01").id],
    ):
        with pytest.raises(ValidationError) as err:
            set_recipients(db, leader, rule, [unit(db, "C01-D01-O01").id, *bad])
        assert "处室" in err.value.message
    names = [r.office.name for r in rule.recipients]
    assert names == ["医政体改和中医股"]
    with pytest.raises(PermissionDenied):
        set_recipients(db, user(db, "reporter"), rule, [])


def test_other_bodies_choices_stay(db):
    leader = user(db, "leader")
    other = add_user(
        db,
        username="yt-leader",
        display_name="另一县分管",
        password="another-password-1",  # noqa: S106
        role=Role.LEADER,
        unit=unit(db, "C01-D02"),
    )
    rule = _rule(db, "zl3_institution")
    set_recipients(db, leader, rule, [unit(db, "C01-D01-O02").id])
    set_recipients(db, other, rule, [unit(db, "C01-D02-O01").id])
    set_recipients(db, other, rule, [])
    assert [r.office.code for r in rule.recipients] == ["C01-D01-O02"]


def test_first_and_last_period_from_july_to_december(db):
    admin = user(db, "admin")
    rule = _rule(db, "zl2_body")
    set_window(db, admin, rule, "2026-12-01", "2026-12-31")
    generate_obligations(db, date(2026, 11, 5))  # October and November would be due
    made = db.scalar(select(func.count()).where(Obligation.rule_id == rule.id))
    assert made == 0
    set_window(db, admin, rule, "2026-07-15", "2026-12-01")  # "从7月起…12月"
    assert rule.first_period == date(2026, 7, 1) and rule.last_period == date(2026, 12, 1)
    generate_obligations(db, date(2026, 11, 5))
    starts = set(db.scalars(select(Obligation.period_start).where(Obligation.rule_id == rule.id)))
    assert starts == {date(2026, 10, 1), date(2026, 11, 1)}
    with pytest.raises(ValidationError, match="起始期间不能晚于截止期间"):
        set_window(db, admin, rule, "2026-12-01", "2026-07-01")
    with pytest.raises(ValidationError, match="格式不正确"):
        set_window(db, admin, rule, "七月", "")
    with pytest.raises(PermissionDenied):
        set_window(db, user(db, "handler"), rule, "2026-07-01", "")


def test_one_periods_deadline_as_the_notice_gives_it(db):
    admin = user(db, "admin")
    rule = _rule(db, "quarterly_progress")
    generate_obligations(db, date(2026, 11, 5))  # Q3 2026 is due
    q3 = Period(date(2026, 7, 1), date(2026, 9, 30), "2026年第3季度")
    assert due_date(rule, q3, calendar_for(db)) == date(2026, 10, 10)  # 调休 Saturday
    set_override(db, admin, rule, "2026-08-01", "2026-10-08", "桂卫医发〔2021〕28号：首次报送")
    assert due_date(rule, q3, calendar_for(db)) == date(2026, 10, 8)
    dues = set(
        db.scalars(
            select(Obligation.due_on).where(
                Obligation.rule_id == rule.id, Obligation.period_start == q3.start
            )
        )
    )
    assert dues == {date(2026, 10, 8)}
    q2 = Period(date(2026, 4, 1), date(2026, 6, 30), "2026年第2季度")
    assert due_date(rule, q2, calendar_for(db)) == date(2026, 7, 3)  # only that period


@pytest.mark.parametrize(
    ("period", "due", "reason", "message"),
    [
        ("2026-08-01", "2026-09-01", "", "应晚于该期间"),
        ("2026-08-01", "10月8日", "", "格式不正确"),
        ("", "2026-10-08", "", "请填写报送期间"),
        ("2026-08-01", "2026-10-08", "据" * 201, "200"),
        ("2026-08-01", "2026-10-08", "bad\x00", "无法保存"),
    ],
)
def test_bad_overrides_are_refused_with_nothing_written(db, period, due, reason, message):
    rule = _rule(db, "quarterly_progress")
    with pytest.raises(ValidationError) as err:
        set_override(db, user(db, "admin"), rule, period, due, reason)
    assert message in err.value.message
    assert db.scalar(select(func.count()).select_from(DeadlineOverride)) == 0
    assert db.scalar(select(func.count()).select_from(RuleRecipient)) == 0
