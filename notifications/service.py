"""Enqueueing deliveries and choosing channels.

Every reminder has an idempotency key (recipient, subject, level, business date, channel)
under a unique constraint, so a restart, a retry or a second scheduler never sends twice
(DESIGN.md, "Notifications and the scheduler").
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from config.database import utcnow
from config.errors import NotFound, PermissionDenied, ValidationError
from directory.jurisdiction import can_see_unit
from directory.models import User
from directory.permissions import Capability, can
from notifications.models import (
    Channel,
    ChannelPreference,
    Delivery,
    DeliveryMode,
    DeliveryStatus,
)
from notifications.templates import check_context

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def idempotency_key(
    *,
    channel: Channel | str,
    recipient_id: int | None,
    address: str,
    subject_ref: str,
    level: str,
    business_date: date,
) -> str:
    """The key of one message to one destination: the inbox of a user, an e-mail address
    (case-insensitive) or a webhook URL — not the person or role it was reached through,
    so one mailbox never receives the same reminder twice."""
    if Channel(channel) is Channel.INAPP or not address:
        where = f"user:{recipient_id}"
    elif Channel(channel) is Channel.EMAIL:
        where = f"addr:{address.strip().lower()}"
    else:
        where = f"addr:{address.strip()}"
    raw = "|".join((where, subject_ref, level, business_date.isoformat(), str(channel)))
    return hashlib.sha256(raw.encode()).hexdigest()


def _insert(session: Session):
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        return postgresql.insert(Delivery)
    if dialect == "sqlite":
        return sqlite.insert(Delivery)
    raise NotImplementedError(f"unsupported database dialect: {dialect}")


def enqueue(
    session: Session,
    *,
    channel: Channel | str,
    recipient: User | None,
    subject_ref: str,
    level: str,
    business_date: date,
    template: str,
    context: dict[str, Any],
    address: str | None = None,
    urgent: bool = False,
) -> Delivery | None:
    """Queue one message; returns None when the same key is already queued (idempotent).

    One INSERT … ON CONFLICT DO NOTHING, so two schedulers racing insert one row.
    """
    channel = Channel(channel)
    check_context(template, context)
    if recipient is None and not address:
        raise ValidationError("通知必须有接收人或接收地址。")
    if channel is Channel.INAPP and recipient is None:
        raise ValidationError("站内消息必须指定接收用户。")
    if address is None:
        address = recipient.email if recipient is not None and channel is Channel.EMAIL else ""
    recipient_id = recipient.id if recipient is not None else None
    key = idempotency_key(
        channel=channel,
        recipient_id=recipient_id,
        address=address,
        subject_ref=subject_ref,
        level=level,
        business_date=business_date,
    )
    stmt = (
        _insert(session)
        .values(
            channel=channel.value,
            recipient_user_id=recipient_id,
            address=address,
            subject_ref=subject_ref,
            level=level,
            business_date=business_date,
            idempotency_key=key,
            template=template,
            context=context,
            status=DeliveryStatus.PENDING.value,
            urgent=urgent,
        )
        .on_conflict_do_nothing(index_elements=["idempotency_key"])
        .returning(Delivery.id)
    )
    new_id = session.execute(stmt).scalar_one_or_none()
    return session.get(Delivery, new_id) if new_id is not None else None


@dataclass(frozen=True)
class Route:
    channel: Channel
    address: str


def preferences(session: Session, user: User) -> dict[Channel, ChannelPreference]:
    rows = session.scalars(select(ChannelPreference).where(ChannelPreference.user_id == user.id))
    return {Channel(p.channel): p for p in rows}


def recipients_for(session: Session, user: User) -> list[Route]:
    """The channels a user is reached on: in-app always; e-mail when they have an address
    and have not turned it off; the webhook only when they configured one."""
    prefs = preferences(session, user)
    routes = [Route(Channel.INAPP, "")]
    email = prefs.get(Channel.EMAIL)
    email_address = (email.address if email and email.address else "") or user.email
    if email_address and (email is None or email.enabled):
        routes.append(Route(Channel.EMAIL, email_address))
    hook = prefs.get(Channel.WEBHOOK)
    if hook is not None and hook.enabled and hook.address:
        routes.append(Route(Channel.WEBHOOK, hook.address))
    return routes


def notify_user(
    session: Session,
    user: User,
    *,
    subject_ref: str,
    level: str,
    business_date: date,
    template: str,
    context: dict[str, Any],
) -> list[Delivery]:
    """Queue a message to one person on each of their channels; returns the rows inserted now."""
    queued = []
    for route in recipients_for(session, user):
        row = enqueue(
            session,
            channel=route.channel,
            recipient=user,
            subject_ref=subject_ref,
            level=level,
            business_date=business_date,
            template=template,
            context=context,
            address=route.address,
        )
        if row is not None:
            queued.append(row)
    return queued


def set_preference(
    session: Session,
    actor: User,
    user: User,
    channel: Channel | str,
    *,
    enabled: bool,
    address: str = "",
    mode: DeliveryMode | str | None = None,
) -> ChannelPreference:
    """Set how ``user`` is reached on ``channel``; only the user (or an administrator over
    their unit) may. In-app messages cannot be turned off: they are the record of reminders.
    ``mode`` (e-mail and webhook): reminders as one daily digest or each item; None keeps it."""
    channel = Channel(channel)
    if mode is not None and mode not in {m.value for m in DeliveryMode}:
        raise ValidationError("提醒方式只能是“每日汇总”或“逐条发送”。")
    if actor.id != user.id and not (
        can(actor, Capability.DIRECTORY_MANAGE) and can_see_unit(session, actor, user.unit_id)
    ):
        raise PermissionDenied("只能修改本人的通知设置。")
    address = address.strip()
    if channel is Channel.INAPP and not enabled:
        raise ValidationError("站内消息不能关闭。")
    if channel is Channel.EMAIL and address and not EMAIL_RE.match(address):
        raise ValidationError("电子邮箱格式不正确。")
    if channel is Channel.WEBHOOK and address:
        parts = urlsplit(address)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValidationError("Webhook 地址必须以 http:// 或 https:// 开头。")
    if channel is Channel.WEBHOOK and enabled and not address:
        raise ValidationError("启用群机器人通知时必须填写 Webhook 地址。")
    pref = preferences(session, user).get(channel)
    if pref is None:
        pref = ChannelPreference(user_id=user.id, channel=channel.value)
        session.add(pref)
    pref.enabled = enabled
    pref.address = address
    if mode is not None:
        pref.mode = DeliveryMode(mode).value
    elif pref.mode is None:
        pref.mode = DeliveryMode.DIGEST.value
    session.flush()
    return pref


def retry_delivery(session: Session, actor: User, delivery_id: int) -> Delivery:
    """An administrator sends a dead delivery again (DESIGN.md: failures are shown to them)."""
    if not can(actor, Capability.SYSTEM_MANAGE):
        raise PermissionDenied("只有管理员可以重发通知。")
    delivery = session.get(Delivery, delivery_id)
    if delivery is None or not _visible(session, actor, delivery):
        raise NotFound("未找到该通知。")
    if delivery.status != DeliveryStatus.DEAD:
        raise ValidationError("只有发送失败的通知可以重发。")
    delivery.status = DeliveryStatus.PENDING
    delivery.attempts = 0
    delivery.next_attempt_at = utcnow()
    session.flush()
    return delivery


def _visible(session: Session, actor: User, delivery: Delivery) -> bool:
    if delivery.recipient_user_id is None:
        return True  # group robots belong to no unit; only administrators see this list
    recipient = session.get(User, delivery.recipient_user_id)
    return recipient is not None and can_see_unit(session, actor, recipient.unit_id)
