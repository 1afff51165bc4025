"""Every declared notification has a route, checked at start-up, and each kind reaches its
people: a form submitted → the reviewers above; returned or accepted → the unit's reporters,
in-app and by e-mail (real SMTP)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import pytest
import time_machine
from click.testing import CliRunner
from sqlalchemy import select

from notifications.dispatcher import dispatch_pending
from notifications.models import Channel, Delivery, InboxMessage
from notifications.router import ROUTERS, RouteError, check_routes, declarations, route_events
from notifications.routing import SubjectRouter
from notifications.submission_routes import load_submissions
from reporting.submissions import fire, save_draft, start_draft
from tests.conftest import user
from tests.reporting.journey import SH, obligation, reporter_of
from workflow.lifecycle import LIFECYCLES, Lifecycle, Notify, Transition

NOV_5 = datetime(2026, 11, 5, 10, tzinfo=SH)  # a Thursday, in working hours
SUBMISSION_KINDS = {"submission.submitted", "submission.returned", "submission.accepted"}


class Toy(StrEnum):
    OPEN = "open"
    DONE = "done"


def toy(notify: Notify) -> Lifecycle:
    step = Transition(
        "finish", (Toy.OPEN,), Toy.DONE, "完成", frozenset({"handler"}), notify=notify
    )
    return Lifecycle("toy", Toy, {}, Toy.OPEN, (step,))


TOY_ROUTER = SubjectRouter("toy", frozenset({"owner"}), frozenset(), load_submissions)


def test_each_declared_kind_has_a_route_and_each_route_a_declared_kind():
    check_routes()
    kinds = declarations()
    assert set(kinds) >= SUBMISSION_KINDS and "clue.assigned" in kinds
    assert (
        {kind.split(".")[0] for kind in kinds}
        == set(ROUTERS)
        == {"clue", "rectification", "submission"}
    )
    for name, router in ROUTERS.items():
        used = {n.to for k, n in kinds.items() if k.startswith(f"{name}.") and n.to}
        assert used == router.audiences, name


@pytest.mark.parametrize(
    ("notify", "routers", "message"),
    [
        (Notify("toy.done", "owner", "已完成"), {}, "toy.done: 流程 toy 没有通知路由"),
        (Notify("toy.done", "boss", "已完成"), {"toy": TOY_ROUTER}, "未知的接收人 boss"),
        (Notify("toy.done", "owner"), {"toy": TOY_ROUTER}, "缺少告知内容"),
        (
            Notify("toy.done", "owner", template="clue_assigned"),
            {"toy": TOY_ROUTER},
            "需要的字段无从获得：['deadline']",
        ),
        (Notify("toy.done", "owner", "已完成", template="nope"), {"toy": TOY_ROUTER}, "nope"),
        (Notify("toy.done", followers="已完成"), {"toy": TOY_ROUTER}, "没有关注人"),
    ],
)
def test_an_undeliverable_declaration_is_refused(notify, routers, message):
    with pytest.raises(RouteError, match="无法启动") as caught:
        check_routes({"toy": toy(notify)}, routers)
    assert message in str(caught.value)


def test_a_route_nobody_declares_is_refused():
    with pytest.raises(RouteError, match="通知路由 submission 没有对应的流程"):
        check_routes({}, {"submission": ROUTERS["submission"]})
    unused = SubjectRouter("toy", frozenset({"owner", "ghost"}), frozenset(), load_submissions)
    with pytest.raises(RouteError, match="接收人 ghost 没有任何流程步骤使用"):
        check_routes({"toy": toy(Notify("toy.done", "owner", "已完成"))}, {"toy": unused})


def test_a_kind_is_declared_once_per_lifecycle_and_under_its_own_name():
    with pytest.raises(ValueError, match="is not toy"):
        toy(Notify("clue.done", "owner", "已完成"))
    first = Transition(
        "a", (Toy.OPEN,), Toy.DONE, "甲", frozenset(), notify=Notify("toy.x", "o", "甲")
    )
    second = Transition(
        "b", (Toy.OPEN,), Toy.DONE, "乙", frozenset(), notify=Notify("toy.x", "o", "乙")
    )
    with pytest.raises(ValueError, match="declared twice"):
        Lifecycle("toy", Toy, {}, Toy.OPEN, (first, second))


def test_web_app_scheduler_and_cli_refuse_to_start_with_an_unrouted_kind(
    monkeypatch, settings, session_factory
):
    from app_boot import flows
    from web.app import create_app
    from web.cli import main

    toy_flow = flows.Flow(toy(Notify("toy.done", "owner", "已完成")))
    table = flows.flows()
    monkeypatch.setattr(flows, "flows", lambda: (*table, toy_flow))
    # Undone after the test: the suite's lifecycles without the toy.
    monkeypatch.setitem(LIFECYCLES, "toy", toy_flow.lifecycle)
    with pytest.raises(RouteError, match="toy.done: 流程 toy 没有通知路由"):
        create_app(settings, session_factory=session_factory)
    for args in (["scheduler", "--list"], ["demo", "--help"], ["routes"]):
        result = CliRunner().invoke(main, args)
        assert result.exit_code != 0, args
        assert "toy.done: 流程 toy 没有通知路由" in result.output, args


def _reached(db, event_level: str) -> set[tuple[str, str, str]]:
    rows = db.scalars(select(Delivery).where(Delivery.level == event_level))
    return {(r.channel, db.get_one(type(user(db, "admin")), r.recipient_user_id).username,
             r.address) for r in rows}  # fmt: skip


def _both_channels(*usernames: str) -> set[tuple[str, str, str]]:
    return {
        (channel, name, f"{name}@demo.qingfeng.local" if channel == Channel.EMAIL else "")
        for name in usernames
        for channel in (Channel.INAPP.value, Channel.EMAIL.value)
    }


def _last_level(db) -> str:
    return db.scalars(select(Delivery.level).order_by(Delivery.id.desc())).first() or ""


def test_submission_steps_reach_the_reviewers_and_the_units_reporters(
    db, session_factory, mail_settings, smtp
):
    handler_smtp, _port = smtp
    reporter, county_handler = user(db, "reporter"), user(db, "handler")
    assert reporter_of(db, "C01-D01-H01") is reporter
    with time_machine.travel(NOV_5, tick=False):
        sub = start_draft(db, reporter, obligation(db, "C01-D01-H01"))
        save_draft(db, reporter, sub, {"public_l2|clues": "1"})
        steps = [
            (reporter, "submit", {}, ("handler", "leader")),
            (county_handler, "send_back", {"reason": "请核对金额"}, ("reporter",)),
            (reporter, "resubmit", {}, ("handler", "leader")),
            (user(db, "leader"), "accept", {}, ("reporter",)),
        ]
        for actor, trigger, data, told in steps:
            fire(db, actor, sub, trigger, data)
            assert route_events(db, NOV_5) == 1
            assert _reached(db, _last_level(db)) == _both_channels(*told), trigger
        result = dispatch_pending(session_factory, mail_settings, now=NOV_5)
    assert result.sent == 12 and result.dead == 0
    subjects = sorted((str(m["To"]), str(m["Subject"])) for m in handler_smtp.messages)
    to_reporter = [s for to, s in subjects if to == "reporter@demo.qingfeng.local"]
    assert len(to_reporter) == 2 and all(
        "清河县人民医院" in s and "统计表（三）（2026年10月）" in s for s in to_reporter
    )
    assert len([to for to, _ in subjects if to == "leader@demo.qingfeng.local"]) == 2
    bodies = [m.get_content() for m in handler_smtp.messages if m["To"] == reporter.email]
    assert any("已被退回修改" in b for b in bodies) and any("已审核接收" in b for b in bodies)
    assert all(f"https://qf.example/reporting/submissions/{sub.id}" in b for b in bodies)
    inbox = db.scalars(select(InboxMessage.title).where(InboxMessage.user_id == reporter.id))
    assert len(list(inbox)) == 2
