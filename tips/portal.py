"""The public portal's rules: receipt codes, the status shown to the public, messages with
the office, and a small rate limiter.

Receipt codes are 16 random digits (10^16 possibilities) shown once. We keep only an
HMAC-SHA256 of the code keyed with a key derived from the app secret: unlike a salted
argon2 hash it is deterministic, so a look-up is one indexed query instead of a scan over
every tip, and without the secret a stolen database cannot be brute-forced offline.
Online guessing is stopped by the limiter.

The limiter counts hits in the database (``rate_hits``), not in memory: production runs
several gunicorn workers, and a per-process counter would multiply the limit by the
worker count and forget everything on restart. Buckets hold an HMAC of the client IP,
never the IP itself (a reporter's address is itself identifying).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from config.database import utcnow
from config.errors import ValidationError
from directory.models import User
from directory.permissions import Capability, require
from tips.models import PortalMessage, RateHit, Tip, TipStatus
from tips.service import can_read

CODE_DIGITS = 16
SUBMIT_LIMIT = (5, timedelta(hours=1))
LOOKUP_LIMIT = (10, timedelta(minutes=10))
MESSAGE_MAX = 2000


class PublicPhase(StrEnum):
    """How far a tip has got, as the public may be told it: coarse on purpose, so the
    portal never shows internal stages (route, findings, approvals) or who handles it."""

    RECEIVED = "received"
    IN_PROGRESS = "in_progress"
    CONCLUDED = "concluded"  # the result is approved (反馈, 销号待审批, 已销号)
    NOT_ACCEPTED = "not_accepted"
    FORWARDED = "forwarded"


@dataclass(frozen=True)
class PublicReply:
    """The office's public answer (对外答复) and the day it was given; never internal notes."""

    text: str
    given_on: date | None


@dataclass(frozen=True)
class PublicProgress:
    """What the portal shows for a receipt code; built by ``cases`` from the clue."""

    phase: PublicPhase
    merged: bool = False
    replies: tuple[PublicReply, ...] = ()


PHASE_LABELS = {
    PublicPhase.RECEIVED: "已收到，正在审核",
    PublicPhase.IN_PROGRESS: "已受理，正在办理",
    PublicPhase.CONCLUDED: "已办结",
    PublicPhase.NOT_ACCEPTED: "不予受理",
    PublicPhase.FORWARDED: "已转有权处理的单位办理",
}
MERGED_NOTE = "（与反映同一问题的举报合并办理）"

# Fallback for a tip without a clue (the intake status alone).
PUBLIC_STATUS = {
    TipStatus.RECEIVED: "已收到，正在审核",
    TipStatus.REGISTERED: "已受理，正在办理",
    TipStatus.MERGED: "已受理" + MERGED_NOTE,
    TipStatus.NOT_ACCEPTED: "不予受理",
    TipStatus.FORWARDED: "已转有权处理的单位办理",
    TipStatus.IMPORTED: "已受理",
}


def _key(secret: str, purpose: bytes) -> bytes:
    return hmac.new(secret.encode("utf-8"), purpose, hashlib.sha256).digest()


def new_receipt_code() -> str:
    return f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


def format_code(code: str) -> str:
    return " ".join(code[i : i + 4] for i in range(0, len(code), 4))


def normalize_code(text: str) -> str | None:
    digits = re.sub(r"[\s-]", "", text or "")
    return digits if len(digits) == CODE_DIGITS and digits.isdigit() else None


def receipt_hash(secret: str, code: str) -> str:
    return hmac.new(_key(secret, b"qingfeng-receipt-v1"), code.encode(), hashlib.sha256).hexdigest()


def find_by_code(session: Session, secret: str, text: str) -> Tip | None:
    """The portal tip for a receipt code; None for a malformed and for an unknown code alike."""
    code = normalize_code(text)
    digest = receipt_hash(secret, code) if code else receipt_hash(secret, "0" * 17)
    return session.scalar(select(Tip).where(Tip.receipt_hash == digest))


def public_status(tip: Tip, progress: PublicProgress | None = None) -> str:
    if progress is None:
        return PUBLIC_STATUS.get(TipStatus(tip.status), "正在办理")
    if progress.merged and progress.phase is PublicPhase.IN_PROGRESS:
        return "已受理" + MERGED_NOTE
    if progress.merged and progress.phase is PublicPhase.CONCLUDED:
        return "已办结" + MERGED_NOTE
    return PHASE_LABELS[progress.phase]


def public_messages(session: Session, tip: Tip) -> list[PortalMessage]:
    stmt = select(PortalMessage).where(PortalMessage.tip_id == tip.id).order_by(PortalMessage.id)
    return list(session.scalars(stmt))


def _body(text: str) -> str:
    body = (text or "").strip()
    if not body:
        raise ValidationError("留言内容不能为空。")
    if len(body) > MESSAGE_MAX:
        raise ValidationError(f"留言不能超过 {MESSAGE_MAX} 字。")
    return body


def reporter_message(session: Session, tip: Tip, text: str) -> PortalMessage:
    """A message from the reporter, who proved the receipt code."""
    message = PortalMessage(tip_id=tip.id, from_office=False, body=_body(text), at=utcnow())
    session.add(message)
    session.flush()
    return message


def office_reply(session: Session, actor: User, tip: Tip, text: str) -> PortalMessage:
    """The office answers a portal reporter; visible to whoever holds the receipt code."""
    require(actor, Capability.INTAKE)
    if not can_read(session, actor, tip):
        raise ValidationError("未找到该举报，或不在您的管辖范围内。")
    if tip.receipt_hash is None:
        raise ValidationError("只有网络举报可以在线回复举报人。")
    message = PortalMessage(
        tip_id=tip.id, from_office=True, body=_body(text), author_id=actor.id, at=utcnow()
    )
    session.add(message)
    session.flush()
    return message


def client_bucket(secret: str, kind: str, address: str) -> str:
    digest = hmac.new(_key(secret, b"qingfeng-ratelimit-v1"), address.encode(), hashlib.sha256)
    return f"{kind}:{digest.hexdigest()[:40]}"


def allow(
    session: Session,
    bucket: str,
    limit: tuple[int, timedelta],
    now: datetime | None = None,
) -> bool:
    """Count one hit; False (and not counted) once ``limit`` hits fall inside the window."""
    now = now or utcnow()
    count, window = limit
    start = now - window
    session.execute(delete(RateHit).where(RateHit.bucket == bucket, RateHit.at < start))
    used = session.scalar(select(func.count()).select_from(RateHit).where(RateHit.bucket == bucket))
    if (used or 0) >= count:
        return False
    session.add(RateHit(bucket=bucket, at=now))
    session.flush()
    return True
