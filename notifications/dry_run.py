"""The administrators' dry run: who the reminder sweeps would remind on a given day.

It calls the sweeps' own selection (``due_*_messages``) and expands each message to the
recipient's channels by the same rule as ``batch.enqueue_many``, but writes nothing — no
delivery, no outbox row — so what the page lists is what the jobs would queue, not a
second opinion that could drift from them. Each line says whether its idempotency key is
already queued (the sweep would then skip it). An administrator sees only the reminders
about units in their jurisdiction.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from config.errors import ValidationError
from directory.jurisdiction import visible_unit_ids
from directory.models import User
from directory.permissions import Capability, require
from notifications.batch import Message, Target, targets_of
from notifications.clue_reminders import due_clue_messages
from notifications.models import CHANNEL_LABELS, Channel, Delivery
from notifications.obligation_reminders import due_obligation_messages
from notifications.rectification_reminders import due_rectification_messages
from notifications.referral_reminders import due_referral_messages
from workflow.calendar import load_calendar

LEVEL_LABELS = {
    "due_3": "即将到期（3个工作日内）",
    "due_1": "即将到期（1个工作日）",
    "due_0": "当日到期",
    "overdue": "已逾期",
    "escalated": "逾期督办（报领导）",
}
LEVEL_ORDER = {code: i for i, code in enumerate(LEVEL_LABELS)}
KIND_LABELS = {
    "obligation": "报表报送",
    "clue": "线索办理期限",
    "referral": "移送回执",
    "rectification": "整改期限",
}
# Well under SQLite's limit on bound parameters in one statement.
KEY_CHUNK = 900


@dataclass(frozen=True)
class DryRunRow:
    kind: str  # obligation | clue | referral | rectification
    subject_ref: str
    recipient_id: int | None  # None: an institution's contact address
    recipient: str
    subject: str
    level: str
    channel: Channel
    deadline: date
    path: str
    queued: bool  # the same key is already in the queue: the sweep adds nothing
    held: bool = False  # waits for the recipient's daily digest on this channel

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)

    @property
    def level_label(self) -> str:
        return LEVEL_LABELS.get(self.level, self.level)

    @property
    def channel_label(self) -> str:
        return CHANNEL_LABELS[self.channel]


@dataclass(frozen=True)
class DryRun:
    day: date
    workday: bool
    rows: list[DryRunRow]  # the first ``limit``, by recipient
    total: int
    new: int  # lines the sweeps would insert (not yet queued)
    held: int = 0  # lines gathered into daily digests instead of sent one by one
    digests: int = 0  # the digests they make: one per person and channel

    @property
    def truncated(self) -> bool:
        return self.total > len(self.rows)

    @property
    def messages(self) -> int:
        """What actually goes out: every line not held, plus one digest per person and channel."""
        return self.total - self.held + self.digests


def parse_day(text: str | None, default: date) -> date:
    """The day the administrator typed (年-月-日), or ``default`` when left empty."""
    if not text or not text.strip():
        return default
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValidationError(
            f"日期“{text.strip()[:20]}”格式不正确，请按“年-月-日”填写，例如 2026-11-23。"
        ) from None


def reminder_dry_run(session: Session, actor: User, day: date, *, limit: int = 500) -> DryRun:
    """What the obligation, clue and referral sweeps would queue on ``day``; reads only.

    Raises ``PermissionDenied`` for anyone but an administrator, and ``CalendarUnknown``
    when ``day`` (or the three working days after it) falls in an unconfirmed year.
    """
    require(actor, Capability.SYSTEM_MANAGE)
    calendar = load_calendar(session)
    if not calendar.is_workday(day):
        return DryRun(day, False, [], 0, 0)  # the sweeps keep to working days
    messages = [
        *due_obligation_messages(session, day, calendar),
        *due_clue_messages(session, day, calendar),
        *due_referral_messages(session, day, calendar),
        *due_rectification_messages(session, day, calendar),
    ]
    visible = set(session.scalars(visible_unit_ids(session, actor)))
    messages = [m for m in messages if _unit_of(m) in visible]
    lines = _expand(session, messages)
    queued = _queued_keys(session, [t.key for t in lines])
    rows = [_row(t.message, t.channel, t.key in queued, t.held) for t in lines]
    rows.sort(key=lambda r: (r.recipient, r.kind, r.subject, LEVEL_ORDER.get(r.level, 9)))
    new = sum(1 for r in rows if not r.queued)
    digests = len({(t.user_id, t.channel, t.address) for t in lines if t.held})
    held = sum(1 for r in rows if r.held)
    return DryRun(day, True, rows[:limit], len(rows), new, held, digests)


def _unit_of(message: Message) -> int | None:
    if message.unit_id is not None:
        return message.unit_id
    return message.user.unit_id if message.user is not None else None


def _expand(session: Session, messages: list[Message]) -> list[Target]:
    """One target per delivery ``enqueue_many`` would insert."""
    lines: dict[str, Target] = {}
    for t in targets_of(session, messages):
        lines.setdefault(t.key, t)  # a duplicate key is one queue row
    return list(lines.values())


def _queued_keys(session: Session, keys: Iterable[str]) -> set[str]:
    found: set[str] = set()
    keys = list(keys)
    for start in range(0, len(keys), KEY_CHUNK):
        chunk = keys[start : start + KEY_CHUNK]
        found.update(
            session.scalars(
                select(Delivery.idempotency_key).where(Delivery.idempotency_key.in_(chunk))
            )
        )
    return found


def _row(m: Message, channel: Channel, queued: bool, held: bool) -> DryRunRow:
    kind = m.subject_ref.partition(":")[0]
    if m.user is not None:
        recipient = f"{m.user.display_name}（{m.user.username}）"
    else:
        recipient = f"{m.address}（单位联系人）"
    return DryRunRow(
        kind=kind,
        subject_ref=m.subject_ref,
        recipient_id=m.user.id if m.user is not None else None,
        recipient=recipient,
        subject=_subject(kind, m.context),
        level=m.level,
        channel=channel,
        deadline=m.business_date,
        path=str(m.context.get("path", "")),
        queued=queued,
        held=held,
    )


def _subject(kind: str, context: dict[str, Any]) -> str:
    """The reference number (clues) or the form and period (obligations), as in the message."""
    if kind == "obligation":
        return f"{context['unit']}：{context['title']}"
    if kind == "referral":
        return f"线索 {context['ref']}：移送{context['target']}的回执"
    if kind == "clue":
        return f"线索 {context['ref']}：{context['stage']}"
    if kind == "rectification":
        return f"整改事项 {context['ref']}"
    return str(context.get("ref", ""))
