"""报送 saves what was typed with every check; 撤回 until a reviewer opens it; own row only;
the period's own year in titles and notes (issue 15, section 1)."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from openpyxl import load_workbook
from sqlalchemy import select

from config.errors import Conflict, InvalidTransition, ValidationError
from reporting import cells
from reporting.filing import grand_totals, note_opened
from reporting.forms import FORMS, form_for
from reporting.models import SubmissionState
from reporting.overview import export_submission
from reporting.sending import preview_send, send_typed
from reporting.submissions import available, fire, save_draft, start_draft
from tests.conftest import user
from tests.reporting.journey import obligation, reporter_of
from tests.reporting.test_submissions import NOV_5
from workflow.models import TransitionLog

pytestmark = pytest.mark.usefixtures("_november")


@pytest.fixture
def _november():
    with time_machine.travel(NOV_5, tick=False):
        yield


@pytest.fixture
def draft(db):
    reporter = user(db, "reporter")
    return reporter, start_draft(db, reporter, obligation(db, "C01-D01-H01"))


def _cells(errors: ValidationError) -> set[str]:
    assert isinstance(errors.details, list)
    return {d["cell"] for d in errors.details}


def test_send_saves_what_was_typed_then_submits(db, draft):
    reporter, sub = draft
    typed = {"public_l2|warnings": "3", "public_l2|trainees": "40"}
    send_typed(db, reporter, sub, typed, signatures={"leader_name": "张院长"})
    assert sub.state == SubmissionState.SUBMITTED
    stored = cells.decode(FORMS["zl3"], sub.values)
    assert stored[("public_l2", "warnings")] == 3
    assert stored[("all", "trainees")] == 40  # the 合计 was computed on the way
    assert sub.leader_name == "张院长"
    assert sub.obligation.state == "submitted"


def test_send_refuses_invalid_figures_cell_by_cell_and_keeps_nothing(db, draft):
    reporter, sub = draft
    before = (dict(sub.values), sub.version, sub.state)
    savepoint = db.begin_nested()
    with pytest.raises(ValidationError) as refused:
        send_typed(
            db,
            reporter,
            sub,
            {"public_l2|warnings": "三次", "public_l2|kb_cases": "2", "public_l2|kb_persons": "1"},
        )
    savepoint.rollback()
    assert _cells(refused.value) == {"public_l2|warnings"}
    db.refresh(sub)
    assert (dict(sub.values), sub.version, sub.state) == before


def test_send_runs_the_relations_a_save_runs(db, draft):
    reporter, sub = draft
    with pytest.raises(ValidationError) as refused:
        send_typed(db, reporter, sub, {"public_l2|kb_cases": "2", "public_l2|kb_persons": "1"})
    assert "public_l2|kb_cases" in _cells(refused.value) or "public_l2|kb_persons" in _cells(
        refused.value
    )


def test_an_empty_form_is_refused_naming_the_units_own_cells(db, draft):
    reporter, sub = draft
    savepoint = db.begin_nested()
    with pytest.raises(ValidationError) as refused:
        send_typed(db, reporter, sub, {})
    savepoint.rollback()
    assert "报表是空的" in refused.value.message
    named = _cells(refused.value)
    assert "public_l2|warnings" in named
    assert all(key.startswith("public_l2|") for key in named)  # its own row only
    db.refresh(sub)
    assert sub.state == SubmissionState.DRAFT
    # Nothing typed but the ledger's proposals: still empty when sent as saved.
    with pytest.raises(ValidationError):
        fire(db, reporter, sub, "submit")


def test_typed_zeros_or_a_declared_zero_report_may_be_sent(db, draft):
    reporter, sub = draft
    send_typed(db, reporter, sub, {}, zero_report=True)
    assert sub.state == SubmissionState.SUBMITTED

    other = reporter_of(db, "C01-D01-H03")
    sub3 = start_draft(db, other, obligation(db, "C01-D01-H03"))
    row = next(iter(_own(sub3)))
    send_typed(db, other, sub3, {f"{row}|cases_written": "0"})
    assert sub3.state == SubmissionState.SUBMITTED


def _own(sub):
    from reporting.filing import own_rows

    rows = own_rows(FORMS[sub.form_code], sub.unit)
    assert rows
    return rows


def test_a_hospital_fills_only_its_own_class_row(db, draft):
    reporter, sub = draft
    assert _own(sub) == {"public_l2"}
    with pytest.raises(ValidationError) as refused:
        save_draft(db, reporter, sub, {"public_l2|warnings": "1", "public_l3|warnings": "5"})
    assert _cells(refused.value) == {"public_l3|warnings"}
    assert "只填写「公立医院二级」行" in refused.value.message


def test_preview_runs_the_sending_checks_without_sending(db, draft):
    reporter, sub = draft
    with pytest.raises(ValidationError):
        preview_send(db, reporter, sub, zero_report=False)
    save_draft(db, reporter, sub, {"public_l2|warnings": "2"})
    preview_send(db, reporter, sub, zero_report=False)
    assert sub.state == SubmissionState.DRAFT
    totals = dict(grand_totals(FORMS["zl3"], cells.decode(FORMS["zl3"], sub.values)))
    assert totals["警示教育活动（次）"] == "2"


def _log(db, sub) -> list[str]:
    return list(
        db.scalars(
            select(TransitionLog.trigger)
            .where(TransitionLog.lifecycle == "submission", TransitionLog.subject_id == sub.id)
            .order_by(TransitionLog.id)
        )
    )


def test_withdraw_until_a_reviewer_opens_it_logged(db, draft):
    reporter, sub = draft
    send_typed(db, reporter, sub, {"public_l2|warnings": "1"})
    assert "withdraw" in {t.trigger for t in available(db, reporter, sub)}
    fire(db, reporter, sub, "withdraw")
    assert sub.state == SubmissionState.DRAFT and sub.obligation.state == "draft"
    assert sub.submitted_at is None
    assert _log(db, sub)[-2:] == ["submit", "withdraw"]

    send_typed(db, reporter, sub, {"public_l2|warnings": "2"})
    reviewer = user(db, "handler")
    assert not note_opened(db, reporter, sub)  # the reporter's own look does not count
    stale = sub.version
    assert note_opened(db, reviewer, sub)
    assert not note_opened(db, reviewer, sub)  # only the first opening is recorded
    assert sub.opened_at is not None and sub.opened_by_id == reviewer.id
    assert "withdraw" not in {t.trigger for t in available(db, reporter, sub)}
    with pytest.raises(Conflict):  # a page from before the opening is stale
        fire(db, reporter, sub, "withdraw", expected_version=stale)
    with pytest.raises(InvalidTransition, match="已打开"):
        fire(db, reporter, sub, "withdraw")
    assert _log(db, sub)[-1] == "open"


def test_a_resubmission_is_withdrawn_back_to_returned_and_opening_counts_per_round(db, draft):
    reporter, sub = draft
    reviewer = user(db, "leader")
    send_typed(db, reporter, sub, {"public_l2|warnings": "1"})
    note_opened(db, reviewer, sub)
    fire(db, reviewer, sub, "send_back", {"reason": "请核对"})
    send_typed(db, reporter, sub, {"public_l2|warnings": "2"})
    assert sub.state == SubmissionState.RESUBMITTED
    assert sub.opened_at is None  # a new round: not opened yet
    fire(db, reporter, sub, "withdraw_resubmission")
    assert sub.state == SubmissionState.RETURNED
    assert sub.return_reason == "请核对"


def test_forms_print_the_periods_own_year():
    for code in FORMS:
        printed = form_for(code, 2026)
        text = " ".join((printed.title, *printed.title_lines, *printed.notes))
        assert "2021年" not in text and "2020年" not in text, code
    zl3 = form_for("zl3", 2026)
    assert zl3.title.startswith("2026年深入整治医疗领域腐败和作风问题工作情况统计表")
    assert "注：本表报2026年1月-12月专项整治工作期间的累计数据。" in zl3.notes
    assert any("本表报2026年1月-12月" in n for n in form_for("zl2", 2026).notes)
    assert form_for("zl3", 2021) is FORMS["zl3"]
    assert "2021" not in FORMS["zl3"].plain_title


def test_the_export_of_a_2026_form_prints_2026(db, draft):
    reporter, sub = draft
    _, data = export_submission(db, reporter, sub)
    import io

    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet is not None
    text = " ".join(str(c.value) for row in sheet.iter_rows() for c in row if c.value)
    assert "2026年深入整治" in text and "本表报2026年1月-12月" in text
    assert "2021年" not in text
    assert obligation(db, "C01-D01-H01").period_start == date(2026, 10, 1)


def test_reminders_name_the_form_with_the_periods_year(db):
    from notifications.obligation_reminders import due_obligation_messages
    from workflow.calendar import load_calendar

    obligation(db, "C01-D01-H01")  # October's forms, due 2026-11-12
    messages = due_obligation_messages(db, date(2026, 11, 12), load_calendar(db))
    titles = {str(m.context["title"]) for m in messages}
    zl3 = [t for t in titles if "深入整治" in t]
    assert zl3 and all(t.startswith("2026年深入整治") for t in zl3)
    assert not any("2021年" in t for t in titles)
