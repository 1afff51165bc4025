"""The two-person rule for seeing a reporter (GlobaLeaks' identity custodian pattern).

With ``Settings.reveal_two_person`` on, a clerk, handler or leader who may see a tip's
reporter first asks, with a reason; a leader of a body that oversees the tip, other than
the one asking, approves or refuses. An approval lets the one who asked see the reporter
for ``APPROVAL_HOURS`` (each look logged in ``reveal_log`` as before). Every request and
decision is an audit event. With the setting off, nothing here is asked.

The photo as received (with its EXIF/GPS metadata) can name the reporter too: opening it
follows the same rule and is logged as a reveal.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from config.audit_log import record_event
from config.database import utcnow
from config.errors import Conflict, NotFound, PermissionDenied, ValidationError
from directory.jurisdiction import unit_visible
from directory.models import User
from directory.permissions import Capability, can
from tips.models import RevealLog, RevealRequest, Tip, TipAttachment

APPROVAL_HOURS = 24
PENDING, APPROVED, DENIED = "pending", "approved", "denied"
STATUS_LABELS = {PENDING: "待批准", APPROVED: "已批准", DENIED: "已拒绝"}


def can_reveal(session: Session, actor: User, tip: Tip) -> bool:
    """Who may see a named reporter: ``Capability.IDENTITY_REVEAL`` in the tip's body
    (never inspectors, institution reporters or administrators)."""
    return can(actor, Capability.IDENTITY_REVEAL) and unit_visible(session, actor, tip.unit)


def request_reveal(session: Session, actor: User, tip: Tip, purpose: str) -> RevealRequest:
    if not can_reveal(session, actor, tip):
        raise PermissionDenied("您无权查看举报人信息。")
    purpose = purpose.strip()
    if not purpose:
        raise ValidationError("请填写查看事由（“查看事由”不能为空）。", details={"purpose": "必填"})
    if len(purpose) > 200:
        raise ValidationError("查看事由不能超过 200 字。", details={"purpose": "过长"})
    open_request = session.scalar(
        select(RevealRequest).where(
            RevealRequest.tip_id == tip.id,
            RevealRequest.requested_by_id == actor.id,
            RevealRequest.status == PENDING,
        )
    )
    if open_request is not None:
        raise Conflict("您已提交过查看申请，正在等待批准。")
    request = RevealRequest(tip_id=tip.id, requested_by_id=actor.id, purpose=purpose)
    session.add(request)
    session.flush()
    _audit(session, actor, "reveal.request", request)
    return request


def decide_reveal(
    session: Session, actor: User, request_id: int, *, approve: bool
) -> RevealRequest:
    request = session.get(RevealRequest, request_id)
    tip = session.get(Tip, request.tip_id) if request else None
    if request is None or tip is None or not unit_visible(session, actor, tip.unit):
        raise NotFound("未找到该查看申请。")
    if not can(actor, Capability.IDENTITY_DECIDE):
        raise PermissionDenied("只有领导可以批准查看举报人信息。")
    if request.requested_by_id == actor.id:
        raise PermissionDenied("不能批准自己的申请：须由另一名领导批准。")
    if request.status != PENDING:
        raise Conflict(f"该申请已处理（{STATUS_LABELS.get(request.status, request.status)}）。")
    request.status = APPROVED if approve else DENIED
    request.decided_by_id = actor.id
    request.decided_at = utcnow()
    session.flush()
    _audit(session, actor, "reveal.approve" if approve else "reveal.deny", request)
    return request


def approval_for(
    session: Session, actor: User, tip: Tip, now: datetime | None = None
) -> RevealRequest | None:
    """The actor's approval that still lets them see this tip's reporter, if any."""
    since = (now or utcnow()) - timedelta(hours=APPROVAL_HOURS)
    return session.scalar(
        select(RevealRequest)
        .where(
            RevealRequest.tip_id == tip.id,
            RevealRequest.requested_by_id == actor.id,
            RevealRequest.status == APPROVED,
            RevealRequest.decided_at >= since,
        )
        .order_by(RevealRequest.id.desc())
        .limit(1)
    )


def requests_for(session: Session, tip: Tip) -> list[RevealRequest]:
    stmt = select(RevealRequest).where(RevealRequest.tip_id == tip.id)
    return list(session.scalars(stmt.order_by(RevealRequest.id)))


def require_reveal(session: Session, actor: User, tip: Tip, two_person: bool, purpose: str) -> str:
    """Check the actor may see the reporter now; returns the purpose to log."""
    if not can_reveal(session, actor, tip):
        raise PermissionDenied("您无权查看举报人信息。")
    if not two_person:
        return purpose
    approval = approval_for(session, actor, tip)
    if approval is None:
        raise PermissionDenied(
            "本系统启用了双人审批：查看举报人信息须先提交申请，并经另一名领导批准。"
        )
    if approval.used_at is None:
        approval.used_at = utcnow()
    said = purpose.strip()
    granted = f"申请 #{approval.id} 已批准：{approval.purpose}"
    return (f"{said}（{granted}）" if said and said != approval.purpose else granted)[:200]


def original_attachment(
    session: Session, actor: User, tip: Tip, attachment_id: int, two_person: bool
) -> TipAttachment:
    """The photo as received, metadata and all: the reveal rule applies, and it is logged."""
    row = session.get(TipAttachment, attachment_id)
    if row is None or row.tip_id != tip.id or row.original_name is None:
        raise NotFound("未找到该附件的原始文件。")
    purpose = require_reveal(session, actor, tip, two_person, "下载含元数据的原始附件")
    label = f"下载原始附件“{row.filename}”：{purpose}"[:200]
    session.add(RevealLog(tip_id=tip.id, user_id=actor.id, at=utcnow(), purpose=label))
    session.flush()
    return row


def _audit(session: Session, actor: User, kind: str, request: RevealRequest) -> None:
    record_event(
        session,
        actor_id=actor.id,
        kind=kind,
        subject_type="tip",
        subject_id=request.tip_id,
        detail={"request": request.id, "requested_by": request.requested_by_id},
    )
