"""The reporting demo loads on top of the directory and clue demos, relative to its day."""

from __future__ import annotations

from datetime import date, datetime

import time_machine
from sqlalchemy import select

import cases.demo
import reporting.demo
from reporting.models import Obligation, Submission
from tests.conftest import unit
from tests.reporting.journey import SH
from web.cli import DEMO_MODULES


def test_demo_creates_obligations_and_submissions_in_different_states(db):
    assert DEMO_MODULES.index(reporting.demo) == DEMO_MODULES.index(cases.demo) + 1
    with time_machine.travel(datetime(2026, 10, 20, 10, tzinfo=SH), tick=False):
        cases.demo.load_demo(db)
        reporting.demo.load_demo(db)
    hospital = unit(db, "C01-D01-H01")
    subs = db.scalars(
        select(Submission)
        .where(Submission.unit_id == hospital.id, Submission.form_code == "zl3")
        .order_by(Submission.id)
    ).all()
    # August's form accepted, September's returned (loaded on 20 October).
    assert [(s.obligation.period_label, s.state) for s in subs if s.filler_name == "周填报"] == [
        ("2026年8月", "accepted"),
        ("2026年9月", "returned"),
    ]
    history = db.scalars(
        select(Submission).where(Submission.filler_name == reporting.demo.HISTORY_NOTE)
    ).all()
    # 2025's summary and the second quarter's progress fell due before the window (the
    # third quarter's, due in October, is inside it).
    assert {s.obligation.period_label for s in history} == {"2025年度", "2026年第2季度"}
    assert all(s.state == "accepted" and s.obligation.due_on < date(2026, 9, 5) for s in history)
    subs = [s for s in subs if s not in history]
    assert subs[1].return_reason == "培训人数请与签到表核对"
    # September's form carries the ledger's verified clues (the demo clues about this hospital).
    assert subs[1].values["public_l2|clues"] >= 1
    # Monthly deadlines of the demo months are all dated; only the 2026 quarter-4 and annual
    # reports, due in January 2027, wait for that year's calendar.
    undated = db.scalars(select(Obligation).where(Obligation.due_on.is_(None))).all()
    assert {(o.form_code, o.period_label, o.unknown_year) for o in undated} == {
        ("quarterly_progress", "2026年第4季度", 2027),
        ("annual_summary", "2026年度", 2027),
    }
