"""The dispatcher: claims due deliveries one by one, sends them, records the outcome.

E-mail and webhook rows wait for working time (working days, ``Settings.working_hours``)
unless their kind is urgent; in-app rows are sent at once. A row is claimed with one
conditional UPDATE (status still pending/failed and due), so two
dispatchers never send the same row; every step commits on its own, so a crash loses nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import cast

from sqlalchemy import CursorResult, and_, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from config.database import utcnow
from config.settings import Settings
from notifications.channels import (
    DeliveryChannel,
    PermanentError,
    TransientError,
    default_channels,
)
from notifications.hours import in_working_time
from notifications.models import Channel, Delivery, DeliveryStatus
from notifications.templates import render
from workflow.calendar import load_calendar

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
BACKOFF_CAP = timedelta(hours=1)
# A claim older than this belongs to a dispatcher that died mid-send: take the row back.
CLAIM_TIMEOUT = timedelta(minutes=10)

# A "sending" row is due again only when its claim has timed out (next_attempt_at is then the
# claim's expiry), which is the only way a message can go out twice: a crash mid-send.
CLAIMABLE = (
    DeliveryStatus.PENDING.value,
    DeliveryStatus.FAILED.value,
    DeliveryStatus.SENDING.value,
)


@dataclass
class DispatchResult:
    sent: int = 0
    retrying: int = 0
    dead: int = 0
    skipped: int = 0  # claimed by another dispatcher first

    def summary(self) -> str:
        return f"已发送 {self.sent}，待重试 {self.retrying}，失败 {self.dead}，跳过 {self.skipped}"


def backoff(attempts: int) -> timedelta:
    """1, 2, 4, 8 … minutes after the 1st, 2nd, 3rd, 4th … failure, at most an hour."""
    return min(timedelta(minutes=2 ** max(attempts - 1, 0)), BACKOFF_CAP)


def _due(now: datetime, working: bool = True):
    due = and_(Delivery.status.in_(CLAIMABLE), Delivery.next_attempt_at <= now)
    if working:
        return due
    # Outside working time only in-app messages and urgent kinds go out (notifications.hours).
    return and_(due, or_(Delivery.channel == Channel.INAPP.value, Delivery.urgent.is_(True)))


def is_working_time(session: Session, settings: Settings, now: datetime) -> bool:
    return in_working_time(now, load_calendar(session), settings.working_hours)


def claim(session: Session, delivery_id: int, now: datetime, working: bool = True) -> bool:
    """Take one row for sending; False when another dispatcher got there first.

    The WHERE repeats the due condition, so under concurrency only one UPDATE matches
    (PostgreSQL re-checks it after the row lock; SQLite serialises writers).
    """
    result = session.execute(
        update(Delivery)
        .where(Delivery.id == delivery_id, _due(now, working))
        .values(
            status=DeliveryStatus.SENDING.value,
            attempts=Delivery.attempts + 1,
            next_attempt_at=now + CLAIM_TIMEOUT,
        )
        .execution_options(synchronize_session=False)
    )
    return cast(CursorResult, result).rowcount == 1


def due_ids(session: Session, now: datetime, batch: int, working: bool = True) -> list[int]:
    stmt = (
        select(Delivery.id)
        .where(_due(now, working))
        .order_by(Delivery.next_attempt_at, Delivery.id)
        .limit(batch)
    )
    return list(session.scalars(stmt))


def dispatch_pending(
    session_factory: sessionmaker,
    settings: Settings,
    *,
    now: datetime | None = None,
    channels: Mapping[Channel | str, DeliveryChannel] | None = None,
    batch: int = 100,
) -> DispatchResult:
    """Send every due delivery once: mark it sent, retry it with back-off, or mark it dead."""
    now = now or utcnow()
    by_channel = {Channel(k): v for k, v in (channels or default_channels(settings)).items()}
    result = DispatchResult()
    with session_factory() as session:
        working = is_working_time(session, settings, now)
        ids = due_ids(session, now, batch, working)
        session.rollback()
    for delivery_id in ids:
        with session_factory() as session:
            if not claim(session, delivery_id, now, working):
                session.rollback()
                result.skipped += 1
                continue
            session.commit()
            status = _send_one(session, delivery_id, by_channel, settings, now)
            session.commit()
        if status is DeliveryStatus.SENT:
            result.sent += 1
        elif status is DeliveryStatus.DEAD:
            result.dead += 1
        else:
            result.retrying += 1
    return result


def _send_one(
    session: Session,
    delivery_id: int,
    channels: Mapping[Channel, DeliveryChannel],
    settings: Settings,
    now: datetime,
) -> DeliveryStatus:
    delivery = session.get_one(Delivery, delivery_id)
    try:
        channel = channels.get(Channel(delivery.channel))
        if channel is None:
            raise PermanentError(f"未配置通知渠道：{delivery.channel}")
        try:
            message = render(delivery.template, delivery.context, settings.base_url)
        except Exception as err:  # a broken template will not fix itself on retry
            raise PermanentError(f"通知模板无法生成：{err}") from err
        channel.send(session, delivery, message)
    except Exception as err:
        # Drop whatever the channel half-wrote; the committed claim is reloaded below.
        session.rollback()
        delivery = session.get_one(Delivery, delivery_id)
        _record_failure(delivery, err, now)
    else:
        delivery.status = DeliveryStatus.SENT
        delivery.sent_at = utcnow()
        delivery.last_error = ""
    session.flush()
    return DeliveryStatus(delivery.status)


def _record_failure(delivery: Delivery, err: Exception, now: datetime) -> None:
    if isinstance(err, PermanentError):
        _mark_dead(delivery, str(err))
        return
    if isinstance(err, TransientError):
        reason = str(err)
    else:
        log.error("delivery %s failed unexpectedly", delivery.id, exc_info=err)
        reason = f"发送出错：{err!r}"
    if delivery.attempts >= MAX_ATTEMPTS:
        _mark_dead(delivery, f"重试 {delivery.attempts} 次后仍失败：{reason}")
    else:
        delivery.status = DeliveryStatus.FAILED
        delivery.last_error = reason
        delivery.next_attempt_at = now + backoff(delivery.attempts)


def _mark_dead(delivery: Delivery, reason: str) -> None:
    delivery.status = DeliveryStatus.DEAD
    delivery.last_error = reason
    log.warning("delivery %s is dead: %s", delivery.id, reason)
