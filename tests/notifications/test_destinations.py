"""One message per destination: a reporter whose e-mail is also the unit's contact address
receives each reminder once (real SMTP), and a group robot two people share is posted once."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime

import time_machine
from sqlalchemy import select

from notifications.batch import Message, enqueue_many
from notifications.dispatcher import dispatch_pending
from notifications.dry_run import reminder_dry_run
from notifications.models import Channel, Delivery
from notifications.obligation_reminders import sweep_obligations
from notifications.service import idempotency_key, set_preference
from reporting.obligations import generate_obligations
from tests.conftest import unit, user
from tests.notifications.conftest import BUSINESS_DAY
from tests.reporting.journey import SH

DUE_DAY = datetime(2026, 6, 12, 9, 30, tzinfo=SH)  # the May forms' deadline, a Friday


def test_a_reporter_who_is_the_units_contact_gets_each_reminder_once(
    db, session_factory, mail_settings, smtp
):
    handler_smtp, _port = smtp
    hospital, reporter = unit(db, "C01-D01-H01"), user(db, "reporter")
    reporter.email = hospital.contact_email.upper()  # the same mailbox, spelt otherwise
    # Each reminder on its own (the default gathers them into a daily digest).
    set_preference(db, reporter, reporter, Channel.EMAIL, enabled=True, mode="item")
    with time_machine.travel(datetime(2026, 6, 1, 2, tzinfo=SH), tick=False):
        generate_obligations(db, date(2026, 6, 1))
    with time_machine.travel(DUE_DAY, tick=False):
        queued = sweep_obligations(db, DUE_DAY)
        mails = db.scalars(
            select(Delivery).where(
                Delivery.channel == Channel.EMAIL,
                Delivery.subject_ref.in_(
                    select(Delivery.subject_ref).where(Delivery.recipient_user_id == reporter.id)
                ),
            )
        ).all()
        assert queued and mails
        to_the_hospital = [m for m in mails if m.address.lower() == hospital.contact_email]
        assert {m.recipient_user_id for m in to_the_hospital} == {reporter.id}  # first wins
        rows = reminder_dry_run(db, user(db, "admin"), DUE_DAY.date()).rows
        listed = Counter(
            (r.subject_ref, r.level, r.channel) for r in rows if r.recipient_id == reporter.id
        )
        assert listed and set(listed.values()) == {1}
        assert not any(r.recipient_id is None and r.subject_ref in {
            m.subject_ref for m in to_the_hospital} for r in rows)  # fmt: skip
        while dispatch_pending(session_factory, mail_settings, now=DUE_DAY, batch=500).sent:
            pass
    # One mail per reminder (obligation, level), however many roles lead to the mailbox.
    assert len({(m.subject_ref, m.level) for m in to_the_hospital}) == len(to_the_hospital)
    received = [m for m in handler_smtp.messages if str(m["To"]).lower() == hospital.contact_email]
    assert len(received) == len(to_the_hospital)


def test_a_group_robot_two_people_share_is_posted_once_and_each_inbox_gets_its_own(db, webhook):
    _log, url = webhook
    handler, clerk = user(db, "handler"), user(db, "clerk")
    for person in (handler, clerk):
        set_preference(db, person, person, Channel.WEBHOOK, enabled=True, address=url)
        set_preference(db, person, person, Channel.EMAIL, enabled=False)
    context = {"ref": "清纪〔2026〕1号", "action": "待您审批", "path": "/clues/1"}
    messages = [
        Message(u, "clue:1", "event:1", BUSINESS_DAY, "event", context) for u in (handler, clerk)
    ]
    assert enqueue_many(db, messages) == 3
    rows = db.scalars(select(Delivery).where(Delivery.subject_ref == "clue:1")).all()
    assert Counter(r.channel for r in rows) == {Channel.INAPP: 2, Channel.WEBHOOK: 1}
    assert enqueue_many(db, messages) == 0  # and once only, run again


def test_the_key_is_the_destinations_not_the_persons():
    common = {"subject_ref": "obligation:1", "level": "due_0", "business_date": BUSINESS_DAY}
    by_user = idempotency_key(channel=Channel.EMAIL, recipient_id=7, address="A@x.cn", **common)
    by_contact = idempotency_key(
        channel=Channel.EMAIL, recipient_id=None, address="a@x.cn ", **common
    )
    assert by_user == by_contact
    inbox_7 = idempotency_key(channel=Channel.INAPP, recipient_id=7, address="", **common)
    inbox_8 = idempotency_key(channel=Channel.INAPP, recipient_id=8, address="", **common)
    assert inbox_7 != inbox_8
