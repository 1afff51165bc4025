"""Close-out (销号) completeness: what a file still lacks before it may be written off.

Rule (issue 5, DESIGN.md "The clue lifecycle"): a clue is written off only when its file
is complete — findings recorded when it was verified, every sanction executed, every
referral receipted, and feedback given or marked not applicable with a reason.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, object_session

from cases.handling_models import ClueSubject, FeedbackRecord, Referral, Sanction
from cases.reference import SANCTION_KINDS
from cases.states import FINDINGS_LABELS, Route


def missing_items(session: Session, clue: Any) -> list[str]:
    """Each missing piece of the file, in Chinese; empty when 销号 may go ahead."""
    missing: list[str] = []
    verified = clue.route == Route.VERIFY or clue.findings is not None
    if verified and clue.findings is None:
        missing.append("核查结论（查实/部分查实/查否）")
    if clue.findings is not None and not (clue.findings_text or "").strip():
        missing.append("核查结论的书面说明")
    if clue.findings in ("substantiated", "partly"):
        persons = session.scalar(
            select(func.count()).select_from(ClueSubject).where(ClueSubject.clue_id == clue.id)
        )
        if not persons:
            missing.append(f"当事人（核查结论为{FINDINGS_LABELS[clue.findings]}）")
    pending = session.execute(
        select(ClueSubject.name, Sanction.kind)
        .join(Sanction.subject)
        .where(Sanction.clue_id == clue.id, Sanction.executed_on.is_(None))
        .order_by(Sanction.id)
    ).all()
    if pending:
        names = "、".join(f"{name}（{SANCTION_KINDS.get(kind, kind)}）" for name, kind in pending)
        missing.append(f"处理决定执行日期：{names}")
    unreceipted = session.scalars(
        select(Referral.organ)
        .where(Referral.clue_id == clue.id, Referral.received_on.is_(None))
        .order_by(Referral.id)
    ).all()
    if unreceipted:
        missing.append(f"移送回执：{'、'.join(unreceipted)}")
    if not _feedback_settled(session, clue):
        missing.append("反馈举报人（或注明无需反馈的理由）")
    return missing


def _feedback_settled(session: Session, clue: Any) -> bool:
    records = session.scalars(select(FeedbackRecord).where(FeedbackRecord.clue_id == clue.id)).all()
    for record in records:
        if record.mode == "named" and record.given_on and record.method:
            return True
        if record.mode == "anonymous" and record.public_wording.strip():
            return True
        if record.mode == "not_applicable" and record.na_reason.strip():
            return True
    return False


def file_complete(clue: Any) -> str | None:
    """Lifecycle guard for 销号: None, or the refusal naming every missing item."""
    session = object_session(clue)
    if session is None:  # pragma: no cover - clues are always loaded from a session
        return "无法检查档案完整性。"
    missing = missing_items(session, clue)
    if not missing:
        return None
    return "档案不完整，不能销号。尚缺：" + "；".join(missing) + "。"
