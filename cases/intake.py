"""From tip to clue: every tip becomes a clue in ``received``; the clerk then registers it,
merges it into an earlier clue as a duplicate (重复件), rejects or forwards it.

Lives in ``cases`` because ``tips`` may not import ``cases`` (DESIGN.md import rules).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from cases.handling_models import NegativeListEntry
from cases.models import Clue
from cases.reference import LEGACY_CATEGORIES, VIOLATION_CATEGORIES
from cases.service import NewClue, create_clue, fire, get_clue
from cases.states import ClueState
from config.errors import NotFound, ValidationError
from directory.jurisdiction import body_of, visible_unit_ids
from directory.models import OrgUnit, User
from tips.duplicates import find_duplicates
from tips.models import Tip
from tips.service import NewTip, Vault, create_tip

REPORT_CHANNELS = frozenset({"superior", "department", "inspection_tour"})
DECISIONS = ("register", "merge", "not_accept", "forward")
# A duplicate is proposed only as a clue one can still merge into.
_NOT_TARGETS = (ClueState.MERGED, ClueState.NOT_ACCEPTED, ClueState.FORWARDED)


def new_clue_for(tip: Tip, category: str = "other") -> NewClue:
    """The clue fields a tip implies (上级交办 starts the referral clocks)."""
    meta = tip.meta or {}
    handed_down = tip.channel == "superior"
    deadline = meta.get("deadline")
    # 部门移交 / 巡视巡察移交 / 上级交办 that ask for the result: the report is a duty with
    # the referrer's deadline (clock ``report_back``), seed 004's "要求报告结果".
    report = tip.channel in REPORT_CHANNELS and bool(meta.get("reply_requested"))
    return NewClue(
        channel=tip.channel,
        summary=tip.summary,
        content=tip.content,
        reporter_named=tip.named,
        handed_down=handed_down,
        superior_ref=str(meta.get("reference", ""))[:100] if handed_down else "",
        superior_due=date.fromisoformat(deadline) if handed_down and deadline else None,
        report_requested=report,
        report_due=date.fromisoformat(deadline) if report and deadline else None,
        accused_unit_id=tip.accused_unit_id,
        received_at=tip.received_at,
        category=category,
    )


def clue_for_tip(
    session: Session,
    actor: User | None,
    tip: Tip,
    *,
    now: datetime | None = None,
    category: str = "other",
):
    """Open the clue (state ``received``) for an existing tip and link both ways."""
    clue = create_clue(session, actor, tip.unit, new_clue_for(tip, category), now=now)
    clue.tip_id = tip.id
    tip.clue_id = clue.id
    session.flush()
    return clue


def intake(
    session: Session,
    actor: User | None,
    unit: OrgUnit,
    new: NewTip,
    vault: Vault,
    *,
    now: datetime | None = None,
    category: str = "other",
) -> tuple[Tip, Clue]:
    """Record a tip and its received clue in one unit of work (nothing half-written).

    ``category`` is the 问题类别 asked at intake (``cases.reference.VIOLATION_CATEGORIES``;
    an old short code is read as the item it became)."""
    category = LEGACY_CATEGORIES.get(category or "other", category or "other")
    if category not in VIOLATION_CATEGORIES:
        raise ValidationError(
            "问题类别不在列表中，请从下拉列表选择。", details={"category": "unknown"}
        )
    tip = create_tip(session, actor, unit, new, vault)
    return tip, clue_for_tip(session, actor, tip, now=now, category=category)


@dataclass
class ClueCandidate:
    clue: Clue
    score: float
    reasons: list[str] = field(default_factory=list)


def propose_duplicates(session: Session, actor: User, tip: Tip) -> list[ClueCandidate]:
    """Clues this tip may repeat (same institution and similar text, same reporter contact,
    same accused person), each once, best first; merged clues lead to the clue they joined."""
    result: dict[int, ClueCandidate] = {}
    for dup in find_duplicates(session, tip):
        clue = session.get(Clue, dup.tip.clue_id) if dup.tip.clue_id else None
        seen: set[int] = set()
        while clue is not None and clue.merged_into_id and clue.id not in seen:
            seen.add(clue.id)
            clue = session.get(Clue, clue.merged_into_id)
        if clue is None or clue.id == tip.clue_id or ClueState(clue.state) in _NOT_TARGETS:
            continue
        try:
            get_clue(session, actor, clue.id)
        except NotFound:  # outside the actor's jurisdiction: not proposed
            continue
        entry = result.setdefault(clue.id, ClueCandidate(clue, 0.0))
        entry.score = max(entry.score, dup.score)
        entry.reasons.extend(r for r in dup.reasons if r not in entry.reasons)
    return sorted(result.values(), key=lambda c: (-c.score, -c.clue.id))


def decide(
    session: Session, actor: User, tip: Tip, decision: str, data: dict[str, Any] | None = None
) -> Clue:
    """Fire the intake decision on the tip's clue (the lifecycle checks role and data).

    A named reporter is owed a reply whatever the decision: the ``accept_notice`` clock
    started at intake stays open until ``notify_acceptance`` (规则第三十二条)."""
    if decision not in DECISIONS:
        raise ValidationError("未知的受理决定。")
    if tip.clue_id is None:
        raise ValidationError("该举报尚未生成线索。")
    clue = get_clue(session, actor, tip.clue_id)
    fire(session, actor, clue, decision, data or {})
    return clue


@dataclass(frozen=True)
class NegativeListHit:
    supplier: str
    unit_name: str
    listed_on: date
    reason: str


def _squash(text: str) -> str:
    return "".join(text.split()).casefold()


def negative_list_hits(session: Session, actor: User, tip: Tip) -> list[NegativeListHit]:
    """Suppliers on a negative list (负面名单) that the tip's text names.

    The lists consulted are those the clerk may see (their body and, for tree roles, below)
    and those of the bodies above theirs, whose lists bind them too. Names are matched
    in the summary, the content and the accused institution as typed, ignoring spaces
    and case ("某某 医药公司" still matches "某某医药公司").
    """
    body = body_of(session, actor.unit)
    above = [int(part) for part in body.path.strip("/").split("/") if part]
    haystack = _squash(" ".join([tip.summary, tip.content, tip.accused_unit_text]))
    if not haystack:
        return []
    rows = session.execute(
        select(NegativeListEntry, OrgUnit.name)
        .join(OrgUnit, OrgUnit.id == NegativeListEntry.unit_id)
        .where(
            or_(
                NegativeListEntry.unit_id.in_(visible_unit_ids(session, actor)),
                NegativeListEntry.unit_id.in_(above),
            )
        )
        .order_by(NegativeListEntry.listed_on.desc(), NegativeListEntry.id.desc())
    ).all()
    hits: dict[str, NegativeListHit] = {}
    for entry, unit_name in rows:
        key = _squash(entry.supplier)
        if key and key in haystack and key not in hits:
            hits[key] = NegativeListHit(entry.supplier, unit_name, entry.listed_on, entry.reason)
    return list(hits.values())
