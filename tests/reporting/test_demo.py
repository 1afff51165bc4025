"""The reporting demo loads on top of the directory and clue demos, with past, dated deadlines."""

from __future__ import annotations

from sqlalchemy import select

import cases.demo
import reporting.demo
from reporting.models import Obligation, Submission
from tests.conftest import unit
from web.cli import DEMO_MODULES


def test_demo_creates_obligations_and_submissions_in_different_states(db):
    assert DEMO_MODULES.index(reporting.demo) == DEMO_MODULES.index(cases.demo) + 1
    cases.demo.load_demo(db)
    reporting.demo.load_demo(db)
    hospital = unit(db, "C01-D01-H01")
    subs = db.scalars(
        select(Submission).where(Submission.unit_id == hospital.id).order_by(Submission.id)
    ).all()
    assert [s.state for s in subs] == ["accepted", "returned"]
    assert subs[1].return_reason == "培训人数请与签到表核对"
    # The October form carries the ledger's verified clues (the demo clues about this hospital).
    assert subs[1].values["public_l2|clues"] >= 1
    # Monthly deadlines of the demo months are all dated; only the 2026 quarter-4 and annual
    # reports, due in January 2027, wait for that year's calendar.
    undated = db.scalars(select(Obligation).where(Obligation.due_on.is_(None))).all()
    assert {(o.form_code, o.period_label, o.unknown_year) for o in undated} == {
        ("quarterly_progress", "2026年第4季度", 2027),
        ("annual_summary", "2026年度", 2027),
    }
