"""Tables of the delivery side: deliveries, the in-app inbox, preferences, the lease, job runs.

What was sent lives here, never in a job store (DESIGN.md, "Notifications and the scheduler").
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column

from config.database import Base, utcnow


class Channel(StrEnum):
    EMAIL = "email"
    INAPP = "inapp"
    WEBHOOK = "webhook"


CHANNEL_LABELS: dict[Channel, str] = {
    Channel.EMAIL: "电子邮件",
    Channel.INAPP: "站内消息",
    Channel.WEBHOOK: "群机器人（Webhook）",
}


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"  # claimed by one dispatcher; nobody else may touch it
    SENT = "sent"
    FAILED = "failed"  # transient failure, will be retried
    DEAD = "dead"  # permanent failure or retries exhausted; shown to administrators
    # A reminder to someone who reads reminders as a daily digest: the dispatcher never
    # claims it; the digest job (notifications.reminder_digest) gathers it into one message.
    HELD = "held"
    DIGESTED = "digested"  # gathered into a digest, which is the delivery that is sent


STATUS_LABELS: dict[DeliveryStatus, str] = {
    DeliveryStatus.PENDING: "待发送",
    DeliveryStatus.SENDING: "发送中",
    DeliveryStatus.SENT: "已发送",
    DeliveryStatus.FAILED: "失败待重试",
    DeliveryStatus.DEAD: "发送失败",
    DeliveryStatus.HELD: "待并入每日汇总",
    DeliveryStatus.DIGESTED: "已并入每日汇总",
}


class DeliveryMode(StrEnum):
    """How a person reads reminders on a channel: one daily digest, or each item as it comes."""

    DIGEST = "digest"
    ITEM = "item"


MODE_LABELS: dict[DeliveryMode, str] = {
    DeliveryMode.DIGEST: "每个工作日汇总为一条（按已逾期、今日到期、即将到期分组）",
    DeliveryMode.ITEM: "逐条发送",
}


class Delivery(Base):
    """One message to one recipient on one channel; the idempotency key makes it unique."""

    __tablename__ = "deliveries"

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[Channel] = mapped_column(String(16))
    recipient_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    address: Mapped[str] = mapped_column(String(500), default="")
    subject_ref: Mapped[str] = mapped_column(String(100), index=True)
    level: Mapped[str] = mapped_column(String(32))
    business_date: Mapped[date] = mapped_column(Date)
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    template: Mapped[str] = mapped_column(String(64))
    context: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[DeliveryStatus] = mapped_column(String(16), default=DeliveryStatus.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column()
    # E-mail and webhook wait for working hours unless the kind is urgent (dispatcher).
    urgent: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    __table_args__ = (Index("ix_deliveries_due", "status", "next_attempt_at"),)

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[DeliveryStatus(self.status)]

    @property
    def channel_label(self) -> str:
        return CHANNEL_LABELS[Channel(self.channel)]


class InboxMessage(Base):
    __tablename__ = "inbox_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    delivery_id: Mapped[int | None] = mapped_column(ForeignKey("deliveries.id"), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    link: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column()

    __table_args__ = (Index("ix_inbox_messages_user_read", "user_id", "read_at"),)


class ChannelPreference(Base):
    """A user's choice for one channel; no row means the default (on where an address exists)."""

    __tablename__ = "channel_preferences"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    channel: Mapped[Channel] = mapped_column(String(16))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    # E-mail address override, or the webhook URL of a group robot.
    address: Mapped[str] = mapped_column(String(500), default="")
    # Reminders (not event news) on this channel: a daily digest or each item (DeliveryMode).
    # The in-app inbox always keeps each item; the column is ignored there.
    mode: Mapped[str] = mapped_column(
        String(8), default=DeliveryMode.DIGEST.value, server_default=DeliveryMode.DIGEST.value
    )

    __table_args__ = (
        Index("uq_channel_preferences_user_channel", "user_id", "channel", unique=True),
    )


class SchedulerLease(Base):
    __tablename__ = "scheduler_leases"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    holder: Mapped[str] = mapped_column(String(200))
    acquired_at: Mapped[datetime] = mapped_column()
    expires_at: Mapped[datetime] = mapped_column()


class JobRun(Base):
    """The last run of one job, and what recovery needs: who ran it, when it last succeeded,
    how many times in a row it failed and when it may be retried."""

    __tablename__ = "job_runs"

    job_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    last_started_at: Mapped[datetime | None] = mapped_column()
    last_finished_at: Mapped[datetime | None] = mapped_column()
    last_status: Mapped[str] = mapped_column(String(16), default="")
    last_message: Mapped[str] = mapped_column(Text, default="")
    # The business date (``config.localtime``) of the last run started: retries stay within it.
    last_business_date: Mapped[date | None] = mapped_column(Date)
    # The lease holder that started the last run; a 'running' row whose holder no longer
    # holds the lease was abandoned (the process died) and is run again.
    holder: Mapped[str] = mapped_column(String(200), default="", server_default="")
    # Catch-up is judged by this, never by a start that may not have finished.
    last_succeeded_at: Mapped[datetime | None] = mapped_column()
    # Consecutive failures since the last success.
    failures: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    retry_at: Mapped[datetime | None] = mapped_column()
