"""Turn outbox events written by lifecycle steps into deliveries for the people concerned.

Who is told of a step is declared on the transition (``workflow.lifecycle.Notify``); the
router reads those declarations from every lifecycle, and ``check_routes`` refuses to
start a process when one of them cannot be delivered (an unknown lifecycle, audience or
template), so no event is ever dropped at run time.

Events carry no content of a tip; messages name the reference number and what happened.
Each event is processed once: its id is part of the idempotency key, and it is marked
processed in the same transaction that queues its deliveries. A subject's followers (关注)
who can still see it are told too, in their own words, except the one who caused the
event and anyone already told.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from config.localtime import local_date
from notifications.batch import Message, enqueue_many
from notifications.clue_routes import CLUE_ROUTER
from notifications.rectification_routes import RECTIFICATION_ROUTER
from notifications.routing import Loaded, SubjectRouter
from notifications.submission_routes import SUBMISSION_ROUTER
from notifications.templates import TEMPLATES, template_keys
from workflow.lifecycle import LIFECYCLES, Lifecycle, Notify
from workflow.models import OutboxEvent

ROUTERS: dict[str, SubjectRouter] = {
    r.lifecycle: r for r in (CLUE_ROUTER, SUBMISSION_ROUTER, RECTIFICATION_ROUTER)
}
BATCH = 500
BASE_KEYS = frozenset({"ref", "path", "action"})


class RouteError(RuntimeError):
    """A declared notification the router cannot deliver: the process must not start."""


def declarations(lifecycles: Mapping[str, Lifecycle] | None = None) -> dict[str, Notify]:
    """Every notify kind declared in any lifecycle, with its declaration."""
    result: dict[str, Notify] = {}
    for lifecycle in (LIFECYCLES if lifecycles is None else lifecycles).values():
        result.update(lifecycle.notifications())
    return result


def check_routes(
    lifecycles: Mapping[str, Lifecycle] | None = None,
    routers: Mapping[str, SubjectRouter] | None = None,
) -> None:
    """Every declared kind has a route, and every route serves a declared kind.

    Called when any process starts (web app, scheduler, CLI); raises ``RouteError``.
    """
    lifecycles = LIFECYCLES if lifecycles is None else lifecycles
    routers = ROUTERS if routers is None else routers
    problems: list[str] = []
    used: dict[str, set[str]] = defaultdict(set)
    for name, lifecycle in lifecycles.items():
        for kind, notify in lifecycle.notifications().items():
            router = routers.get(name)
            if router is None:
                problems.append(f"{kind}: 流程 {name} 没有通知路由")
                continue
            problems.extend(_check_one(kind, notify, router))
            used[name].add(notify.to)
    for name, router in routers.items():
        if name not in lifecycles:
            problems.append(f"通知路由 {name} 没有对应的流程")
            continue
        for audience in sorted(router.audiences - used[name]):
            problems.append(f"通知路由 {name} 的接收人 {audience} 没有任何流程步骤使用")
    if problems:
        raise RouteError("通知声明与通知路由不一致，无法启动：\n" + "\n".join(problems))


def _check_one(kind: str, notify: Notify, router: SubjectRouter) -> list[str]:
    problems = []
    if notify.to and notify.to not in router.audiences:
        problems.append(f"{kind}: 未知的接收人 {notify.to}")
    if not notify.to and not notify.followers:
        problems.append(f"{kind}: 既无接收人也不告知关注人")
    if notify.followers and not router.has_followers:
        problems.append(f"{kind}: 流程 {router.lifecycle} 没有关注人")
    if notify.template not in TEMPLATES:
        problems.append(f"{kind}: 未知的通知模板 {notify.template}")
    else:
        missing = template_keys(notify.template) - BASE_KEYS - router.extra_keys
        if missing:
            problems.append(f"{kind}: 模板 {notify.template} 需要的字段无从获得：{sorted(missing)}")
    if notify.to and notify.template == "event" and not notify.action:
        problems.append(f"{kind}: 缺少告知内容（action）")
    return problems


def route_events(session: Session, now: datetime) -> int:
    """Process a batch of pending outbox events; returns how many were processed."""
    kinds = declarations()
    # ``check_routes`` makes every kind the running code writes a declared one. An event of
    # a kind no longer declared (written by an older release) stays unprocessed, for an
    # administrator to see, rather than being marked done without telling anyone.
    events = session.scalars(
        select(OutboxEvent)
        .where(OutboxEvent.processed_at.is_(None), OutboxEvent.kind.in_(list(kinds)))
        .order_by(OutboxEvent.id)
        .limit(BATCH)
    ).all()
    if not events:
        return 0
    by_lifecycle: dict[str, list[OutboxEvent]] = defaultdict(list)
    for event in events:
        event.processed_at = now
        by_lifecycle[event.lifecycle].append(event)
    messages: list[Message] = []
    for name, batch in by_lifecycle.items():
        router = ROUTERS[name]
        needed = frozenset(kinds[e.kind].to for e in batch if kinds[e.kind].to)
        loaded = router.load(session, {e.subject_id for e in batch}, needed)
        for event in batch:
            messages.extend(_messages(event, kinds[event.kind], loaded, name))
    enqueue_many(session, messages)
    session.flush()
    return len(events)


def _messages(event: OutboxEvent, notify: Notify, loaded: Loaded, lifecycle: str) -> list[Message]:
    subject = loaded.subjects.get(event.subject_id)
    if subject is None:  # deleted since; nobody left to tell about it
        return []
    day = local_date(event.created_at)
    ref, level = f"{lifecycle}:{event.subject_id}", f"event:{event.id}"
    base = {"ref": subject.ref, "path": subject.path}
    keys = template_keys(notify.template)
    context = {k: v for k, v in {**subject.extra, "action": notify.action}.items() if k in keys}
    recipients = loaded.audience(notify.to, event.subject_id) if notify.to else []
    out = [
        Message(u, ref, level, day, notify.template, base | context, urgent=notify.urgent)
        for u in recipients
    ]
    if notify.followers:
        told = {u.id for u in recipients} | {(event.payload or {}).get("actor_id")}
        news = base | {"action": notify.followers}
        out.extend(
            Message(u, ref, level, day, "event", news, urgent=notify.urgent)
            for u in loaded.followers.get(event.subject_id, [])
            if u.id not in told
        )
    return out
