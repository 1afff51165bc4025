"""Turn outbox events written by lifecycle steps into deliveries for the people concerned.

Events carry no content of a tip; messages name the reference number and what happened.
Each event is processed once: its id is part of the idempotency key, and it is marked
processed in the same transaction that queues its deliveries. The clue's subscribers (关注)
who can still see it are told too, in their own words (``FOLLOWER_ACTIONS``), except the
one who caused the event and anyone already told as handler or leader.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from cases.models import Clue
from cases.subscriptions import subscribers_by_clue
from directory.models import OrgUnit, User
from directory.roles import Role
from notifications.batch import Message, enqueue_many
from workflow.models import OutboxEvent

# event kind -> (who is told, what happened)
ROUTES: dict[str, tuple[str, str]] = {
    "clue.assigned": ("handler", "已交办给您承办"),
    "clue.approval_requested": ("leaders", "待您审批"),
    "clue.route_approved": ("handler", "处置方式已获批准"),
    "clue.returned": ("handler", "已被退回"),
    "clue.result_submitted": ("leaders", "办理结果待审核"),
    "clue.referred": ("leaders", "已移送司法机关"),
}
# event kind -> what happened, told to the clue's subscribers ("已交办给您承办" is for the
# handler only). A kind missing here is not news for them.
FOLLOWER_ACTIONS: dict[str, str] = {
    "clue.registered": "已受理登记",
    "clue.assigned": "已交办承办人",
    "clue.approval_requested": "已提请审批",
    "clue.route_approved": "处置方式已获批准",
    "clue.returned": "已被退回",
    "clue.result_submitted": "办理结果已提交审核",
    "clue.referred": "已移送司法机关",
}
BATCH = 500


def route_events(session: Session, now: datetime, tz: str = "Asia/Shanghai") -> int:
    """Process a batch of pending outbox events; returns how many were processed."""
    events = session.scalars(
        select(OutboxEvent)
        .where(OutboxEvent.processed_at.is_(None))
        .order_by(OutboxEvent.id)
        .limit(BATCH)
    ).all()
    if not events:
        return 0
    clue_ids = {e.subject_id for e in events if e.lifecycle == "clue"}
    clues = {c.id: c for c in session.scalars(select(Clue).where(Clue.id.in_(clue_ids)))}
    followers = subscribers_by_clue(session, select(Clue.id).where(Clue.id.in_(clue_ids)))
    bodies = {c.unit_id for c in clues.values()}
    leaders: dict[int, list[User]] = {}
    units = dict(
        session.execute(
            select(OrgUnit.id, OrgUnit.parent_id).where(OrgUnit.parent_id.in_(bodies))
        ).all()
    )
    for user in session.scalars(
        select(User).where(
            User.active.is_(True),
            User.role == Role.LEADER,
            User.unit_id.in_(list(bodies | set(units))),
        )
    ):
        body = user.unit_id if user.unit_id in bodies else units.get(user.unit_id)
        if body is not None:
            leaders.setdefault(body, []).append(user)
    handlers = {
        u.id: u
        for u in session.scalars(
            select(User).where(User.id.in_({c.handler_id for c in clues.values() if c.handler_id}))
        )
    }
    messages = []
    for event in events:
        event.processed_at = now
        # Submission events share the outbox: their subject ids are no clue ids.
        clue = clues.get(event.subject_id) if event.lifecycle == "clue" else None
        if clue is None or (event.kind not in ROUTES and event.kind not in FOLLOWER_ACTIONS):
            continue
        who, action = ROUTES.get(event.kind, ("", ""))
        day = event.created_at.astimezone(ZoneInfo(tz)).date()
        path = f"/clues/{clue.id}"
        if event.kind == "clue.assigned":
            template = "clue_assigned"
            context = {
                "ref": clue.reference,
                "path": path,
                "deadline": clue.next_due_on.isoformat() if clue.next_due_on else "—",
            }
        else:
            template = "event"
            context = {"ref": clue.reference, "action": action, "path": path}
        if who == "handler":
            handler = handlers.get(clue.handler_id) if clue.handler_id else None
            recipients = [handler] if handler else []
        elif who == "leaders":
            recipients = leaders.get(clue.unit_id, [])
        else:
            recipients = []
        for user in recipients:
            messages.append(
                Message(user, f"clue:{clue.id}", f"event:{event.id}", day, template, context)
            )
        if event.kind in FOLLOWER_ACTIONS:
            told = {u.id for u in recipients} | {(event.payload or {}).get("actor_id")}
            news = {"ref": clue.reference, "action": FOLLOWER_ACTIONS[event.kind], "path": path}
            messages.extend(
                Message(u, f"clue:{clue.id}", f"event:{event.id}", day, "event", news)
                for u in followers.get(clue.id, [])
                if u.id not in told
            )
    enqueue_many(session, messages)
    session.flush()
    return len(events)
