"""统计表（三） from draft to accepted: prefill, submit, return, resubmit, accept, lock, roll-up."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
import time_machine
from sqlalchemy import event, select

from config.errors import InvalidTransition, NotFound, PermissionDenied, ValidationError
from reporting import cells
from reporting.models import Submission
from reporting.overview import compliance, unit_rollup
from reporting.submissions import (
    amend,
    available,
    fire,
    review_queue,
    save_draft,
    start_draft,
)
from tests.conftest import unit, user
from tests.reporting.journey import SH, obligation, reporter_of, verified_clue

NOV_5 = datetime(2026, 11, 5, 10, tzinfo=SH)


@pytest.fixture
def travel():
    with time_machine.travel(NOV_5, tick=False):
        yield


def _accept(db, unit_code: str, values: dict[str, object]) -> Submission:
    ob = obligation(db, unit_code)
    reporter = reporter_of(db, unit_code)
    sub = start_draft(db, reporter, ob)
    save_draft(db, reporter, sub, values)
    fire(db, reporter, sub, "submit")
    fire(db, user(db, "leader"), sub, "accept")
    return sub


@pytest.mark.usefixtures("travel")
def test_reporter_fills_submits_is_returned_resubmits_and_is_accepted(db):
    verified_clue(db, "C01-D01-H01", datetime(2026, 3, 10, 9, tzinfo=SH))
    verified_clue(db, "C01-D01-H01", datetime(2026, 10, 20, 9, tzinfo=SH))
    verified_clue(db, "C01-D01-H02", datetime(2026, 10, 21, 9, tzinfo=SH))  # another hospital
    verified_clue(db, "C01-D01-H01", datetime(2026, 11, 2, 9, tzinfo=SH))  # after the period
    reporter, county = user(db, "reporter"), user(db, "handler")
    ob = obligation(db, "C01-D01-H01")
    assert ob.due_on == date(2026, 11, 12) and ob.period_label == "2026年10月"

    sub = start_draft(db, reporter, ob)
    values = cells.decode_form(sub)
    # 二级公立医院: 逐月累计 from January, so March's and October's clues count.
    assert values[("public_l2", "clues")] == 2
    assert ob.state == "draft"

    typed = {"public_l2|clues": "2", "public_l2|kb_cases": "1", "public_l2|kb_persons": "2",
             "public_l2|kb_amount": "1.25", "public_l2|warnings": "3"}  # fmt: skip
    save_draft(db, reporter, sub, typed, signatures={"leader_name": "张院长"})
    stored = cells.decode_form(sub)
    assert stored[("all", "kb_amount")] == Decimal("1.25")  # 合计 computed
    assert stored[("public", "warnings")] == 3
    assert [t.trigger for t in available(db, reporter, sub)] == ["submit"]
    assert available(db, county, sub) == []  # nothing to review yet

    fire(db, reporter, sub, "submit")
    assert sub.state == "submitted" and not sub.late and ob.state == "submitted"
    assert review_queue(db, county) == [sub]
    with pytest.raises(PermissionDenied):
        fire(db, reporter, sub, "accept")
    with pytest.raises(ValidationError):
        fire(db, county, sub, "send_back", {})  # a return needs a reason
    fire(db, county, sub, "send_back", {"reason": "回扣涉案金额请与案卷核对"})
    assert sub.state == "returned" and sub.return_reason == "回扣涉案金额请与案卷核对"
    assert ob.state == "returned"

    save_draft(db, reporter, sub, {**typed, "public_l2|kb_amount": "1.3"})
    fire(db, reporter, sub, "resubmit")
    fire(db, user(db, "leader"), sub, "accept")
    assert sub.state == "accepted" and ob.state == "accepted" and sub.accepted_at is not None

    with pytest.raises(InvalidTransition, match="锁定"):
        save_draft(db, reporter, sub, typed)
    assert cells.decode_form(sub)[("public_l2", "kb_amount")] == Decimal("1.3")

    # An amendment is a new, reasoned version; the accepted one stays untouched.
    with pytest.raises(ValidationError):
        amend(db, reporter, sub, "  ")
    second = amend(db, reporter, sub, "补录一起回扣案件")
    assert (second.number, second.previous_id, second.state) == (2, sub.id, "draft")
    assert sub.state == "accepted"


@pytest.mark.usefixtures("travel")
def test_late_submission_is_marked(db):
    ob = obligation(db, "C01-D01-H01", start=date(2026, 9, 1))
    assert ob.due_on == date(2026, 10, 12)
    reporter = user(db, "reporter")
    sub = start_draft(db, reporter, ob)
    save_draft(db, reporter, sub, {"public_l2|warnings": "1"})
    fire(db, reporter, sub, "submit")
    assert sub.late and ob.late
    summaries, _ = compliance(
        db, user(db, "leader"), unit(db, "C01-D01"), date(2026, 9, 1), date(2026, 11, 5)
    )
    zl3 = next(s for s in summaries if s.form_code == "zl3")
    # Seven institutions; one submitted late, the six others have not started and are overdue.
    assert (zl3.total, zl3.submitted, zl3.not_started, zl3.late) == (7, 1, 6, 7)


@pytest.mark.usefixtures("travel")
@pytest.mark.parametrize(
    ("typed", "cell", "rule"),
    [
        ({"public_l2|warnings": "三次"}, "public_l2|warnings", "not_a_number"),
        ({"public_l2|kb_cases": "-1"}, "public_l2|kb_cases", "negative"),
        ({"public_l2|trainees": "2.5"}, "public_l2|trainees", "not_whole"),
        ({"public_l2|warnings": "2", "public|warnings": "5"}, "public|warnings", "sum_mismatch"),
        (
            {"public_l2|kb_cases": "3", "public_l2|kb_persons": "1"},
            "public_l2|kb_cases",
            "relation",
        ),
    ],
)
def test_bad_input_is_refused_naming_cell_and_rule(db, typed, cell, rule):
    reporter = user(db, "reporter")
    sub = start_draft(db, reporter, obligation(db, "C01-D01-H01"))
    save_draft(db, reporter, sub, {"public_l2|courses": "4"})
    before = dict(sub.values)
    with pytest.raises(ValidationError) as err:
        save_draft(db, reporter, sub, {**typed, "public_l2|courses": "9"})
    details = err.value.details
    assert isinstance(details, list)
    assert {"cell": cell, "rule": rule} in [{"cell": d["cell"], "rule": d["rule"]} for d in details]
    assert all("「" in d["message"] and "列" in d["message"] for d in details)
    assert sub.values == before  # nothing saved half-way: 4 courses still, not 9


@pytest.mark.usefixtures("travel")
def test_cumulative_figure_cannot_fall_below_last_months_accepted(db):
    september = obligation(db, "C01-D01-H01", start=date(2026, 9, 1))
    reporter = user(db, "reporter")
    sub = start_draft(db, reporter, september)
    save_draft(db, reporter, sub, {"public_l2|warnings": "5"})
    fire(db, reporter, sub, "submit")
    fire(db, user(db, "leader"), sub, "accept")
    october = start_draft(db, reporter, obligation(db, "C01-D01-H01"))
    with pytest.raises(ValidationError) as err:
        save_draft(db, reporter, october, {"public_l2|warnings": "4"})
    assert "逐月累计" in err.value.message and "上月" in err.value.message
    save_draft(db, reporter, october, {"public_l2|warnings": "6"})


@pytest.mark.usefixtures("travel")
def test_other_institutions_reporter_cannot_see_or_fill(db):
    sub = start_draft(db, user(db, "reporter"), obligation(db, "C01-D01-H01"))
    stranger = reporter_of(db, "C01-D01-H02")
    with pytest.raises(NotFound):
        save_draft(db, stranger, sub, {"public_l2|warnings": "1"})
    with pytest.raises(NotFound):
        fire(db, stranger, sub, "submit")
    with pytest.raises(NotFound):
        start_draft(db, stranger, obligation(db, "C01-D01-H01"))
    # The inspector reads but never fills or reviews.
    inspector = user(db, "inspector")
    assert available(db, inspector, sub) == []
    with pytest.raises(PermissionDenied):
        save_draft(db, inspector, sub, {})


@pytest.mark.usefixtures("travel")
def test_county_rollup_equals_the_sum_of_its_institutions(db):
    a = _accept(db, "C01-D01-H01", {"public_l2|warnings": "2", "public_l2|kb_amount": "0.5"})
    b = _accept(db, "C01-D01-H07", {"private_l2|warnings": "3", "private_l2|kb_amount": "1.25"})
    c = _accept(db, "C01-D01-H02", {"public_l2|warnings": "4"})
    # A submitted but not accepted form does not count.
    pending = start_draft(db, reporter_of(db, "C01-D01-H03"), obligation(db, "C01-D01-H03"))
    save_draft(db, reporter_of(db, "C01-D01-H03"), pending, {"public_l2|warnings": "100"})
    result = unit_rollup(db, user(db, "leader"), unit(db, "C01-D01"), "zl3", date(2026, 10, 1))
    assert result.values[("all", "warnings")] == 9
    assert result.values[("public_l2", "warnings")] == 6
    assert result.values[("private", "warnings")] == 3
    assert result.values[("all", "kb_amount")] == Decimal("1.75")
    contributed = {u.code for u, ok in result.units if ok}
    assert contributed == {a.unit.code, b.unit.code, c.unit.code}
    city = unit_rollup(db, user(db, "inspector"), unit(db, "C01"), "zl3", date(2026, 10, 1))
    assert city.values[("all", "warnings")] == 9  # the county rolls up into the city
    with pytest.raises(NotFound):
        unit_rollup(db, user(db, "reporter"), unit(db, "C01-D01"), "zl3", date(2026, 10, 1))


@pytest.mark.usefixtures("travel")
def test_rollup_reads_the_subtree_in_a_fixed_number_of_queries(db):
    """Roll-up cost must not grow with the units below (a province has ~10,000 institutions)."""
    _accept(db, "C01-D01-H01", {"public_l2|warnings": "2"})
    db.flush()
    counts = {}
    statements: list[str] = []

    def listener(_conn, _cursor, statement, *_args):
        statements.append(statement)

    inspector = user(db, "inspector")  # the city: two counties and their institutions below
    for code in ("C01-D01", "C01"):
        statements.clear()
        event.listen(db.get_bind(), "before_cursor_execute", listener)
        try:
            result = unit_rollup(db, inspector, unit(db, code), "zl3", date(2026, 10, 1))
        finally:
            event.remove(db.get_bind(), "before_cursor_execute", listener)
        counts[code] = len(statements)
        assert result.values[("all", "warnings")] == 2
    assert max(counts.values()) <= 4, counts  # was one query per unit below, twice


def test_submission_rows_are_linked_to_their_obligation(db):
    with time_machine.travel(NOV_5, tick=False):
        sub = start_draft(db, user(db, "reporter"), obligation(db, "C01-D01-H01"))
    assert (
        db.scalar(select(Submission.obligation_id).where(Submission.id == sub.id))
        == sub.obligation.id
    )
