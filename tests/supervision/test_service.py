"""挂牌督办, the board and 回头看 through the services: who may, what escalates to whom,
the figures and the lists behind them, a reproducible sample, and bad input refused."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlalchemy import select

from cases.states import ClueState
from config.errors import Conflict, NotFound, PermissionDenied, ValidationError
from notifications.clue_reminders import sweep_clues
from notifications.models import Channel, Delivery
from supervision.board import board, drill
from supervision.lookback import draw, record_outcome, sample_ids, written_off_below
from supervision.models import LookBackSample
from supervision.service import lift, mark, mark_by_reference, supervised_list
from tests.cases.factories import new_clue
from tests.conftest import unit, user
from tests.rectification.helpers import issue
from workflow.models import TransitionLog

SH = ZoneInfo("Asia/Shanghai")
TODAY = date(2026, 6, 1)


def at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=SH)


def handed_down(db, due: date, code: str = "C01-D01"):
    with time_machine.travel(at(TODAY), tick=False):
        return new_clue(db, unit_code=code, actor="leader" if code == "C01-D01" else None,
                        channel="superior", handed_down=True, superior_due=due)  # fmt: skip


def test_a_city_leader_marks_a_county_clue_and_lists_it(db):
    clue = handed_down(db, date(2026, 6, 10))
    city = user(db, "leader_dc")
    with time_machine.travel(at(TODAY), tick=False):
        row = mark(db, city, clue.id, {"due_on": "2026-06-08", "note": "按期报结果"})
    assert row.superior_unit_id == unit(db, "C01").id
    rows = supervised_list(db, city, TODAY)
    assert [(r.clue_id, r.next_due_on, r.due_on, r.overdue) for r in rows] == [
        (clue.id, clue.next_due_on, date(2026, 6, 8), False)
    ]
    assert supervised_list(db, city, date(2026, 6, 11))[0].overdue
    with pytest.raises(Conflict):
        mark(db, city, clue.id, {})
    lift(db, city, row.id)
    assert supervised_list(db, city, TODAY) == []


def test_only_a_superior_marks_and_only_clues_below(db):
    clue = handed_down(db, date(2026, 6, 10))
    with pytest.raises(NotFound):  # the county's own leader is no superior of its clue
        mark(db, user(db, "leader"), clue.id, {})
    with pytest.raises(PermissionDenied):
        mark(db, user(db, "handler"), clue.id, {})
    with pytest.raises(NotFound):
        mark(db, user(db, "leader_dc"), 10**12, {})
    other = new_clue(db, unit_code="C02-D03", actor=None)
    with pytest.raises(NotFound):  # another city's county
        mark(db, user(db, "leader_dc"), other.id, {})


@pytest.mark.parametrize(
    ("ref", "data", "field"),
    [
        ("", {}, "reference"),
        ("x" * 65, {}, "reference"),
        ("不存在", {}, "reference"),
        (None, {"due_on": "2026-02-30"}, "due_on"),
        (None, {"due_on": "2026-05-01"}, "due_on"),
        (None, {"note": "要" * 201}, "note"),
    ],
)
def test_bad_marks_are_refused_by_field(db, ref, data, field):
    clue = handed_down(db, date(2026, 6, 10))
    clue.ledger_no = f"清卫纪线〔2026〕S{clue.id}号"
    with time_machine.travel(at(TODAY), tick=False), pytest.raises(ValidationError) as err:
        mark_by_reference(db, user(db, "leader_dc"), clue.ledger_no if ref is None else ref, data)
    assert field in err.value.details


def _escalations(db, clue) -> set[int]:
    rows = db.scalars(
        select(Delivery).where(
            Delivery.subject_ref.like(f"clue:{clue.id}/%"),
            Delivery.level == "escalated",
            Delivery.channel == Channel.INAPP,
        )
    ).all()
    return {d.recipient_user_id for d in rows}


def test_overdue_steps_escalate_to_the_supervising_superior_too(db):
    watched, plain = handed_down(db, date(2026, 6, 5)), handed_down(db, date(2026, 6, 5))
    with time_machine.travel(at(TODAY), tick=False):
        mark(db, user(db, "leader_dc"), watched.id, {})
    day = date(2026, 6, 11)  # 4 working days after the 5th (端午 is 19 June)
    with time_machine.travel(at(day), tick=False):
        assert sweep_clues(db, at(day)) > 0
    county, city = user(db, "leader").id, user(db, "leader_dc").id
    assert _escalations(db, watched) == {county, city}
    assert _escalations(db, plain) == {county}


def test_the_board_counts_each_lower_body_and_drills_down(db):
    late = handed_down(db, date(2026, 6, 3))
    handed_down(db, date(2026, 6, 30))
    handed_down(db, date(2026, 6, 3), code="C01-D02")
    with time_machine.travel(at(TODAY), tick=False):
        mark(db, user(db, "leader_dc"), late.id, {})
    issue(db, deadline="2026-06-05")  # a rectification item of the county's hospital
    today = date(2026, 6, 8)
    result = board(db, user(db, "leader_dc"), today)
    rows = {r.name: r.figures for r in result.rows}
    qinghe, yuntai = rows["清河县卫生健康局"], rows["云台区卫生健康局"]
    assert qinghe["overdue"] == 1 and qinghe["supervised"] == 1 and qinghe["rectification"] == 1
    assert qinghe["open"] >= 2 and yuntai["overdue"] == 1 and yuntai["supervised"] == 0
    assert result.totals["overdue"] == 2
    assert "石门县卫生健康局" not in rows  # another city
    listed = drill(db, user(db, "leader_dc"), unit(db, "C01-D01").id, "overdue", today)
    assert [r.path for r in listed] == [f"/clues/{late.id}"]
    with pytest.raises(NotFound):
        drill(db, user(db, "leader_dc"), unit(db, "C02-D03").id, "overdue", today)
    with pytest.raises(NotFound):
        drill(db, user(db, "leader_dc"), unit(db, "C01-D01").id, "everything", today)
    with pytest.raises(PermissionDenied):
        board(db, user(db, "handler"), today)


def _written_off(db, code: str, when: datetime):
    clue = new_clue(db, unit_code=code, actor=None)
    clue.state = ClueState.WRITTEN_OFF
    db.add(TransitionLog(lifecycle="clue", subject_id=clue.id, actor_id=None, at=when,
                         trigger="approve_write_off", from_state="pending_write_off",
                         to_state="written_off", version=2, reason="", payload={}))  # fmt: skip
    db.flush()
    return clue


def test_lookback_draws_a_reproducible_sample_of_clues_written_off_below(db):
    below = [_written_off(db, "C01-D01", at(date(2026, 4, 10 + i))) for i in range(12)]
    _written_off(db, "C01", at(date(2026, 4, 20)))  # the city's own: not below it
    _written_off(db, "C01-D02", at(date(2026, 7, 2)))  # next quarter
    city = user(db, "leader_dc")
    with time_machine.travel(at(date(2026, 7, 6)), tick=False):
        made = draw(db, city, city.unit, "2026q2", 25)
        with pytest.raises(Conflict):
            draw(db, city, city.unit, "2026Q2", 25)
    ids = written_off_below(db, unit(db, "C01"), date(2026, 4, 1), date(2026, 6, 30))
    assert ids == sorted(c.id for c in below) and made.population == 12
    drawn = sorted(s.clue_id for s in made.samples)
    assert len(drawn) == 3 and drawn == sample_ids(made.seed, ids, 25)
    sample = made.samples[0]
    with pytest.raises(ValidationError):
        record_outcome(db, city, sample.id, "problem", "")
    record_outcome(db, city, sample.id, "problem", "反馈不到位，需重新告知")
    assert db.get(LookBackSample, sample.id).outcome_label == "发现问题，需重新办理"
    with pytest.raises(NotFound):
        record_outcome(db, user(db, "leader"), sample.id, "confirmed", "")


@pytest.mark.parametrize(
    ("period", "rate"),
    [("2026Q5", 10), ("季度", 10), ("2026Q3", 10), ("2026Q2", 0), ("2026Q2", 101)],
)
def test_bad_draws_are_refused(db, period, rate):
    city = user(db, "leader_dc")
    with time_machine.travel(at(date(2026, 7, 6)), tick=False), pytest.raises(ValidationError):
        draw(db, city, city.unit, period, rate)


def test_sample_ids_are_stable_for_a_seed():
    ids = list(range(100, 200))
    assert sample_ids("abc", ids, 10) == sample_ids("abc", list(reversed(ids)), 10)
    assert sample_ids("abc", ids, 10) != sample_ids("abd", ids, 10)
    assert sample_ids("abc", [], 10) == [] and len(sample_ids("x", [1, 2], 1)) == 1


def test_a_county_board_lists_its_institutions(db):
    issue(db, deadline="2026-06-05")
    rows = {r.name: r.figures for r in board(db, user(db, "leader"), date(2026, 6, 8)).rows}
    assert "清河县人民医院" in rows and rows["清河县人民医院"]["rectification"] == 1
    assert "云台区卫生健康局" not in rows
