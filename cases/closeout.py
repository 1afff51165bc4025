"""Close-out (销号) completeness: what a file still lacks before it may be written off.

Rule (issue 5, DESIGN.md "The clue lifecycle"): a clue is written off only when its file
is complete — findings recorded when it was verified, every sanction executed, every
referral receipted, and feedback given or marked not applicable with a reason.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, exists, func, literal, select
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
    # A referrer that asked for the result (要求报告结果): the report_back_done guard.
    if getattr(clue, "report_requested", False) and not clue.reported_back_on:
        missing.append("向移交单位报告办理结果")
    return missing


def _settled(mode: str, method: Any, given_on: Any, public_wording: Any, na_reason: Any) -> bool:
    if mode == "named":
        return bool(given_on and method)
    if mode == "anonymous":
        return bool((public_wording or "").strip())
    if mode == "not_applicable":
        return bool((na_reason or "").strip())
    return False


def _feedback_settled(session: Session, clue: Any) -> bool:
    rows = session.execute(
        select(
            FeedbackRecord.mode,
            FeedbackRecord.method,
            FeedbackRecord.given_on,
            FeedbackRecord.public_wording,
            FeedbackRecord.na_reason,
        ).where(FeedbackRecord.clue_id == clue.id)
    )
    return any(_settled(*row) for row in rows)


# The whole file in one round trip, for the common case of a complete file: whether the
# persons, unexecuted sanctions and unreceipted referrals exist, one row per feedback
# record (or one row of NULLs). Built once; 销号 is two steps of every clue's path.
_cid: Any = bindparam("clue_id")
_FB = FeedbackRecord.__table__.c
_FILE_STATE = (
    select(
        exists().where(ClueSubject.clue_id == _cid).label("has_person"),
        exists()
        .where(Sanction.clue_id == _cid, Sanction.executed_on.is_(None))
        .label("sanction_pending"),
        exists()
        .where(Referral.clue_id == _cid, Referral.received_on.is_(None))
        .label("referral_open"),
        _FB.mode,
        _FB.method,
        _FB.given_on,
        _FB.public_wording,
        _FB.na_reason,
    )
    .select_from(select(literal(1).label("one")).subquery())
    .outerjoin(FeedbackRecord.__table__, _FB.clue_id == _cid)
)


def _file_looks_complete(session: Session, clue: Any) -> bool:
    """True when ``missing_items`` would find nothing (one query); False means: ask it."""
    if clue.route == Route.VERIFY and clue.findings is None:
        return False
    if clue.findings is not None and not (clue.findings_text or "").strip():
        return False
    rows = session.connection().execute(_FILE_STATE, {"clue_id": clue.id}).all()
    first = rows[0]
    if first.sanction_pending or first.referral_open:
        return False
    if clue.findings in ("substantiated", "partly") and not first.has_person:
        return False
    return any(row.mode is not None and _settled(*row[3:]) for row in rows)


def file_complete(clue: Any) -> str | None:
    """Lifecycle guard for 销号: None, or the refusal naming every missing item."""
    session = object_session(clue)
    if session is None:  # pragma: no cover - clues are always loaded from a session
        return "无法检查档案完整性。"
    if _file_looks_complete(session, clue):
        return None
    missing = missing_items(session, clue)
    if not missing:
        return None
    return "档案不完整，不能销号。尚缺：" + "；".join(missing) + "。"
