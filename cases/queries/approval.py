"""What a leader is asked to approve, shown above the approval buttons on the clue page:
the proposal as written (拟办意见, 办理结果, 销号申请), who proposed it and when, the facts
it rests on, and the deadline the approval would start."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from cases import outcomes
from cases.models import Clue
from cases.queries.timeline import SYSTEM, Actor, actors
from cases.route_deadline import HINT, NOTE
from cases.states import FINDINGS_LABELS, ROUTE_LABELS, ClueState
from workflow.lifecycle import Transition
from workflow.models import TransitionLog

# The state waiting for a signature -> (what is asked, how the proposal is headed).
ASKS = {
    ClueState.PENDING_APPROVAL: ("处置方式审批", "拟办意见"),
    ClueState.RESULT_REVIEW: ("办理结果审核", "办理结果"),
    ClueState.PENDING_WRITE_OFF: ("销号审批", "销号申请说明"),
}


@dataclass(frozen=True)
class ApprovalRequest:
    title: str  # 处置方式审批 …
    heading: str  # 拟办意见 …
    proposal: str  # the text as the proposer wrote it
    proposer: Actor
    proposed_at: datetime | None
    facts: tuple[tuple[str, str], ...]  # (label, value) rows
    deadline: str  # the deadline the approval starts, in words; "" when none


def approval_request(
    session: Session,
    clue: Clue,
    actions: list[Transition],
    dues: dict[str, dict[str, str]],
) -> ApprovalRequest | None:
    """The request in front of the viewer, or None when they hold no approval step here."""
    if clue.state not in ASKS or not any(t.approval for t in actions):
        return None
    title, heading = ASKS[ClueState(clue.state)]
    log = session.scalar(
        select(TransitionLog)
        .where(
            TransitionLog.lifecycle == "clue",
            TransitionLog.subject_id == clue.id,
            TransitionLog.to_state == clue.state,
            TransitionLog.from_state != clue.state,
        )
        .order_by(TransitionLog.id.desc())
        .limit(1)
    )
    who = actors(session, [log.actor_id if log else None])
    proposer = who.get(log.actor_id or 0, SYSTEM) if log else SYSTEM
    return ApprovalRequest(
        title=title,
        heading=heading,
        proposal=(log.reason if log else "") or "（未填写）",
        proposer=proposer,
        proposed_at=log.at if log else None,
        facts=_facts(session, clue),
        deadline=_deadline(actions, dues),
    )


def _facts(session: Session, clue: Clue) -> tuple[tuple[str, str], ...]:
    rows = [("反映问题", clue.summary)]
    if clue.proposed_route and clue.state == ClueState.PENDING_APPROVAL:
        rows.append(("拟处置方式", ROUTE_LABELS.get(clue.proposed_route, "—")))
    if clue.route and clue.state != ClueState.PENDING_APPROVAL:
        rows.append(("处置方式", ROUTE_LABELS.get(clue.route, "—")))
    rows.append(("承办人", clue.handler.display_name if clue.handler else "未指定"))
    if clue.findings:
        verdict = FINDINGS_LABELS.get(clue.findings, "—")
        written = f"：{clue.findings_text}" if clue.findings_text else ""
        rows.append(("核查结论", verdict + written))
    sanctions = outcomes.sanctions(session, clue)
    if sanctions:
        rows.append(("处理处置", "；".join(f"{s.subject.name}：{s.kind_label}" for s in sanctions)))
    referrals = outcomes.referrals(session, clue)
    if referrals:
        rows.append(("移送", "；".join(r.organ for r in referrals)))
    return tuple(rows)


def _deadline(actions: list[Transition], dues: dict[str, dict[str, str]]) -> str:
    """办理期限 the approving step would start (its form's default date, with the rule)."""
    for t in actions:
        # A return's own date (退回补充核实) is not what approving would set.
        if not t.trigger.startswith("approve_") or t.trigger not in dues:
            continue
        offered = dues[t.trigger]
        day = next((v for k, v in offered.items() if not k.startswith("_") and v), "")
        rule = offered.get(HINT, "").split("；")[0]  # the rule, not the form's advice
        if day:
            d = date.fromisoformat(day)
            return f"{d.year}年{d.month}月{d.day}日" + (f"（{rule}）" if rule else "")
        if offered.get(NOTE):
            return offered[NOTE]
    return ""
