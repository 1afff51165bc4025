"""An approved 按规定移交 opens a tracked referral like the judicial one (issue 19): its
receipt is due and reminded; a receipt with the outcome closes it."""

from __future__ import annotations

from datetime import date

from cases.outcomes import record_referral_receipt, referrals
from cases.service import fire
from notifications.referral_reminders import due_referral_messages
from tests.cases.test_route_deadline import at, proposed
from tests.conftest import user
from workflow.engine import calendar_for


def test_approved_transfer_to_market_regulation_is_tracked_to_its_receipt(db):
    with at(2026, 6, 1):
        clue = proposed(db, "transferred")
        fire(db, user(db, "leader"), clue, "approve_transferred", {"target": "market"})
    [referral] = referrals(db, clue)
    assert referral.target == "market" and referral.target_label == "市场监管部门"
    assert referral.sent_on == date(2026, 6, 1) and referral.receipt_due is not None
    due = referral.receipt_due
    messages = due_referral_messages(db, due, calendar_for(db))
    assert any(m.subject_ref == f"referral:{referral.id}" for m in messages)
    record_referral_receipt(db, user(db, "handler"), clue, {
        "referral_id": referral.id, "received_on": date(2026, 6, 3),
        "outcome": "已立案查处", "outcome_on": date(2026, 6, 20),
    })  # fmt: skip
    assert due_referral_messages(db, due, calendar_for(db)) == []
