"""Subscribers (关注) with frozen time: the clue and referral sweeps send them each due and
overdue level once, on their channels, next to the responsible person and never twice to
a handler who also follows the clue; unsubscribing or losing sight of the clue stops
them; the outbox router tells them what happened; the query count stays fixed."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import time_machine
from sqlalchemy import event, select

from cases.service import fire
from cases.subscriptions import subscribe, subscribers_of, unsubscribe
from notifications.clue_reminders import due_clue_messages, sweep_clues
from notifications.models import Channel, Delivery
from notifications.referral_reminders import due_referral_messages
from notifications.router import route_events
from tests.cases.factories import new_clue
from tests.conftest import unit, user
from tests.notifications.test_referral_reminders import DUE, SENT, referred_clue
from tests.notifications.test_referral_reminders import walk as walk_referrals
from workflow.calendar import load_calendar

SH = ZoneInfo("Asia/Shanghai")
ACCEPT_DUE = date(2026, 5, 25)  # 15 working days after 30 Apr (see test_clue_reminders)
LEVELS = ("due_3", "due_1", "due_0", "overdue")


def assigned_clue(db):
    """A named-reporter clue registered on 30 Apr and assigned to the handler."""
    with time_machine.travel(datetime(2026, 4, 30, 10, tzinfo=SH), tick=False):
        clue = new_clue(db, reporter_named=True)
        fire(db, user(db, "clerk"), clue, "register", {})
        fire(db, user(db, "leader"), clue, "assign", {"handler_id": user(db, "handler").id})
    assert date.fromisoformat(clue.clocks["accept_notice"]["due"]) == ACCEPT_DUE
    return clue


def walk(db, start: date, end: date) -> None:
    """The clue sweep twice a working day (and at night, which must queue nothing)."""
    day = start
    while day <= end:
        for hour in (3, 9, 14, 22):
            moment = datetime(day.year, day.month, day.day, hour, tzinfo=SH)
            with time_machine.travel(moment, tick=False):
                sweep_clues(db, moment)
        day += timedelta(days=1)


def sent(db, subject_ref: str, channel: Channel = Channel.INAPP) -> Counter:
    rows = db.scalars(
        select(Delivery).where(Delivery.subject_ref == subject_ref, Delivery.channel == channel)
    ).all()
    return Counter((d.recipient_user_id, d.level) for d in rows)


def each_level(user_id: int, levels=LEVELS) -> Counter:
    return Counter({(user_id, level): 1 for level in levels})


def test_subscribers_get_each_level_once_and_the_handler_still_gets_theirs(db):
    clue = assigned_clue(db)
    handler, leader = user(db, "handler"), user(db, "leader")
    inspector, clerk = user(db, "inspector"), user(db, "clerk")
    for follower in (inspector, clerk, handler):  # the handler follows their own clue too
        assert subscribe(db, follower, clue.id)
    walk(db, date(2026, 5, 1), date(2026, 6, 5))
    ref = f"clue:{clue.id}/accept_notice"
    assert sent(db, ref) == (
        each_level(handler.id)  # once per level, not twice
        + each_level(inspector.id)
        + each_level(clerk.id)
        + Counter({(leader.id, "escalated"): 1})  # the 督办 stays with the leaders
    )
    # On their chosen channels as well: the demo users have e-mail addresses.
    assert sent(db, ref, Channel.EMAIL)[(inspector.id, "overdue")] == 1
    first = db.scalar(
        select(Delivery).where(
            Delivery.subject_ref == ref,
            Delivery.recipient_user_id == inspector.id,
            Delivery.level == "due_3",
        )
    )
    assert first is not None and first.template == "clue_due"
    assert first.context["path"] == f"/clues/{clue.id}" and "红包" not in str(first.context)


def test_unsubscribing_stops_the_reminders(db):
    clue = assigned_clue(db)
    clerk = user(db, "clerk")
    subscribe(db, clerk, clue.id)
    walk(db, date(2026, 5, 1), date(2026, 5, 20))  # 20 May: three working days to go
    assert unsubscribe(db, clerk, clue.id)
    walk(db, date(2026, 5, 21), date(2026, 6, 5))
    ref = f"clue:{clue.id}/accept_notice"
    assert sent(db, ref)[(clerk.id, "due_3")] == 1
    assert {lvl for uid, lvl in sent(db, ref) if uid == clerk.id} == {"due_3"}
    assert sent(db, ref)[(user(db, "handler").id, "overdue")] == 1  # the handler goes on


def test_a_subscriber_moved_out_of_the_jurisdiction_gets_nothing(db):
    clue = assigned_clue(db)
    clerk, handler = user(db, "clerk"), user(db, "handler")
    subscribe(db, clerk, clue.id)
    clerk.unit_id = unit(db, "C02-D03-O01").id  # moved to 石门县: the clue is out of sight
    db.flush()
    db.expire(clerk, ["unit"])
    assert [u.id for u in subscribers_of(db, handler, clue.id)] == []
    walk(db, date(2026, 5, 18), date(2026, 5, 27))
    ref = f"clue:{clue.id}/accept_notice"
    assert {uid for uid, _ in sent(db, ref)} == {handler.id}


def test_referral_receipt_reminders_reach_the_subscribers(db):
    clue, referral = referred_clue(db)
    handler, leader, inspector = user(db, "handler"), user(db, "leader"), user(db, "inspector")
    subscribe(db, inspector, clue.id)
    subscribe(db, handler, clue.id)
    assert walk_referrals(db, SENT, date(2026, 10, 30)) == 0
    rows = db.scalars(
        select(Delivery).where(
            Delivery.subject_ref == f"referral:{referral.id}", Delivery.channel == Channel.INAPP
        )
    ).all()
    assert Counter((d.recipient_user_id, d.level) for d in rows) == (
        each_level(handler.id) + each_level(inspector.id) + Counter({(leader.id, "escalated"): 1})
    )
    assert all(d.business_date == DUE for d in rows)


def test_events_reach_subscribers_but_not_the_one_who_acted(db):
    moment = datetime(2026, 5, 20, 10, tzinfo=SH)
    clerk, handler, leader = user(db, "clerk"), user(db, "handler"), user(db, "leader")
    inspector = user(db, "inspector")
    with time_machine.travel(moment, tick=False):
        clue = new_clue(db, summary="某医生收受红包两千元")
        for follower in (clerk, handler, inspector):
            subscribe(db, follower, clue.id)
        fire(db, clerk, clue, "register", {})
        fire(db, leader, clue, "assign", {"handler_id": handler.id})
        assert route_events(db, moment) == 2
    rows = db.scalars(
        select(Delivery).where(
            Delivery.subject_ref == f"clue:{clue.id}", Delivery.channel == Channel.INAPP
        )
    ).all()
    got = Counter((d.recipient_user_id, d.context.get("action", d.template)) for d in rows)
    assert got == Counter(
        {
            (handler.id, "已受理登记"): 1,
            (inspector.id, "已受理登记"): 1,  # the clerk registered it: not told
            (handler.id, "clue_assigned"): 1,  # as the handler, not again as a subscriber
            (clerk.id, "已交办承办人"): 1,
            (inspector.id, "已交办承办人"): 1,
        }
    )
    assert all("红包" not in str(d.context) for d in rows)


def _count_statements(db, build) -> tuple[int, list]:
    seen: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        seen.append(statement)

    engine = db.get_bind().engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        messages = build()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(seen), messages


def test_the_clue_sweep_query_count_does_not_grow_with_subscribers(db):
    followers = [user(db, name) for name in ("clerk", "inspector", "admin")]

    def statements(n: int) -> int:
        for _ in range(n):
            clue = assigned_clue(db)
            for follower in followers:
                subscribe(db, follower, clue.id)
        cal = load_calendar(db)
        db.expire_all()  # as in a fresh sweep: users and units are not loaded yet
        queries, messages = _count_statements(
            db, lambda: due_clue_messages(db, date(2026, 5, 22), cal)
        )
        to_followers = {m.subject_ref for m in messages if m.user in followers}
        assert len(to_followers) >= n
        return queries

    # clues, offices, people, subscribers, and the 挂牌督办 marks (supervision)
    assert statements(2) == statements(20) == 5


def test_the_referral_sweep_query_count_does_not_grow_with_subscribers(db):
    inspector = user(db, "inspector")

    def statements(n: int) -> int:
        for _ in range(n):
            clue, _referral = referred_clue(db)
            subscribe(db, inspector, clue.id)
        cal = load_calendar(db)
        db.expire_all()
        queries, messages = _count_statements(
            db, lambda: due_referral_messages(db, date(2026, 10, 20), cal)
        )
        assert len({m.subject_ref for m in messages if m.user is inspector}) >= n
        return queries

    # the chunk's referral ids; receipts: referrals, offices, people, subscribers; outcomes:
    # the referrals (none here)
    assert statements(2) == statements(20) == 6
