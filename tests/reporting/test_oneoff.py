"""A notice's one-off obligations entered by an office (seeds 000 "11月25日前", 004 "12月1日前")."""

from __future__ import annotations

from datetime import date, datetime

import pytest
import time_machine
from sqlalchemy import func, select

from config.errors import PermissionDenied, ValidationError
from directory.models import OrgUnit
from notifications.obligation_reminders import due_obligation_messages
from reporting.models import Obligation, ObligationRule
from reporting.oneoff import PENDING_KIND, create_oneoff
from tests.conftest import unit, user
from tests.reporting.journey import SH
from tests.workflow.test_calendar import HOLIDAYS_2027, WORKDAYS_2027
from workflow.calendar_service import set_year_from_text
from workflow.engine import calendar_for
from workflow.pending import PendingDeadline

NOV_5 = datetime(2026, 11, 5, 10, tzinfo=SH)
TODAY = date(2026, 11, 5)


@pytest.fixture(autouse=True)
def travel():
    with time_machine.travel(NOV_5, tick=False):
        yield


def _data(db, **extra):
    data = {
        "label": "专项整治工作总结及量表",
        "source": "鹿卫医〔2021〕22号",
        "form_code": "campaign_summary",
        "unit_kinds": ["institution"],
        "due": "2026-12-01",
        "offices": [str(unit(db, "C01-D01-O02").id)],
    }
    data.update(extra)
    return data


def test_office_enters_a_one_off_and_the_units_below_owe_it(db):
    summary = create_oneoff(db, user(db, "leader"), _data(db), TODAY)
    rule = summary.rule
    assert rule.cycle == "fixed" and rule.fixed_due == date(2026, 12, 1)
    obs = db.scalars(select(Obligation).where(Obligation.rule_id == rule.id)).all()
    county = unit(db, "C01-D01")
    assert obs and summary.units == len(obs)
    assert all(o.unit.path.startswith(county.path) and o.unit.kind == "institution" for o in obs)
    assert {o.due_on for o in obs} == {date(2026, 12, 1)}
    assert [r.office.name for r in rule.recipients] == ["医政体改和中医股"]
    # the same reminders as any obligation: 3 working days before 12-01
    msgs = due_obligation_messages(db, date(2026, 11, 26), calendar_for(db))
    assert any(m.subject_ref == f"obligation:{obs[0].id}" for m in msgs)


def test_scope_narrows_to_a_subtree_and_never_beyond_the_issuer(db):
    hospital = db.scalar(
        select(OrgUnit).where(
            OrgUnit.parent_id == unit(db, "C01-D01").id, OrgUnit.kind == "institution"
        )
    )
    summary = create_oneoff(
        db, user(db, "leader"), _data(db, scope_unit_id=str(hospital.id)), TODAY
    )
    assert summary.units == 1
    with pytest.raises(ValidationError, match="报送范围"):
        create_oneoff(db, user(db, "leader"), _data(db, scope_unit_id=unit(db, "C02").id), TODAY)


def test_working_day_rule_in_an_unconfirmed_year_waits_as_pending(db):
    data = _data(
        db, due="", working_days="10", counted_from="2026-12-28", period_start="2026-12-28"
    )
    summary = create_oneoff(db, user(db, "leader"), data, TODAY)
    assert summary.pending_year == 2027
    obs = db.scalars(select(Obligation).where(Obligation.rule_id == summary.rule.id)).all()
    assert obs and all(o.due_on is None and o.calendar_unknown for o in obs)
    row = db.scalar(select(PendingDeadline).where(PendingDeadline.kind == PENDING_KIND))
    assert row is not None and row.year == 2027
    set_year_from_text(db, user(db, "admin"), 2027, HOLIDAYS_2027, WORKDAYS_2027, "测试")
    db.expire_all()
    dues = set(db.scalars(select(Obligation.due_on).where(Obligation.rule_id == summary.rule.id)))
    assert dues == {date(2027, 1, 12)}  # 12-29..31, 4..8 Jan, 11 and 12 Jan 2027
    assert db.scalar(select(PendingDeadline).where(PendingDeadline.kind == PENDING_KIND)) is None


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"label": ""}, "请填写报送事项"),
        ({"label": "总" * 201}, "200"),
        ({"label": "<script>\x00</script>"}, "无法保存"),
        ({"form_code": "nope"}, "请选择报表"),
        ({"unit_kinds": []}, "请选择由哪类单位"),
        ({"unit_kinds": ["office"]}, "单位类型不正确"),
        ({"due": "12月1日"}, "格式不正确"),
        ({"due": ""}, "请填写报送期限"),
        ({"working_days": "5"}, "只填一项"),
        ({"due": "", "working_days": "-3", "counted_from": "2026-11-05"}, "工作日数"),
        ({"due": "", "working_days": "5"}, "请填写起算日"),
        ({"due": "2026-10-01", "period_start": "2026-11-01"}, "不能早于"),
        ({"offices": [str(10**9)]}, "处室"),
        ({"scope_unit_id": "x' OR 1=1"}, "报送范围"),
    ],
)
def test_bad_input_clear_message_nothing_written(db, extra, message):
    before = db.scalar(select(func.count()).select_from(ObligationRule))
    with db.begin_nested() as nested:
        with pytest.raises(ValidationError) as err:
            create_oneoff(db, user(db, "leader"), _data(db, **extra), TODAY)
        nested.rollback()
    assert message in err.value.message
    assert db.scalar(select(func.count()).select_from(ObligationRule)) == before


def test_same_form_same_start_is_refused_and_reporters_cannot_enter(db):
    create_oneoff(db, user(db, "leader"), _data(db, period_start="2026-11-05"), TODAY)
    with pytest.raises(ValidationError, match="同一报表"):
        create_oneoff(db, user(db, "leader"), _data(db, period_start="2026-11-05"), TODAY)
    with pytest.raises(PermissionDenied):
        create_oneoff(db, user(db, "reporter"), _data(db), TODAY)
