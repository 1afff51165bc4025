"""The duplicate check while the clerk types (issue 18), before any number is given.

One tip is often sent to both the city and the county, so the check spans the receiving
body, every body above it and everything below it — wider than the clerk's jurisdiction.
What the clerk may not see is shown only as a pointer (which body, when, its number and
the score), never its text; what they may see links to the clue.

Candidates come from three indexed look-ups (LSH band keys of the text, the accused
person's name key, the most recent tips of those bodies) and are then ranked by meaning
(``tips.similarity.meaning_similarity``), not by the accused's name alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from cases.models import Clue
from directory.jurisdiction import body_of, unit_visible
from directory.models import OrgUnit, User
from directory.permissions import Capability, require
from tips.models import Tip, TipAccused, TipBand
from tips.service import name_key
from tips.similarity import MEANING_THRESHOLD, band_keys, meaning_similarity, normalize

RECENT = 1000  # the newest tips of the span are always compared (LSH misses a few)
MIN_TEXT = 8  # characters of normalised text before the text is compared at all
MAX_TEXT = 5000  # longer input is compared by its beginning


@dataclass
class SimilarTip:
    tip_id: int
    score: float
    body_name: str
    received_at: datetime
    reference: str  # the clue's number, "" when the tip has no clue yet
    visible: bool  # within the clerk's jurisdiction: summary and link may be shown
    clue_id: int | None = None
    summary: str = ""
    reasons: list[str] = field(default_factory=list)


def span_filter(body: OrgUnit):
    """Units on the path above ``body``, ``body`` itself and everything below it."""
    above = [int(part) for part in body.path.strip("/").split("/") if part]
    return or_(OrgUnit.id.in_(above), OrgUnit.path.startswith(body.path, autoescape=True))


def similar_tips(
    session: Session,
    actor: User,
    unit: OrgUnit,
    content: str,
    *,
    accused_names: list[str] | tuple[str, ...] = (),
    accused_unit_name: str = "",
    limit: int = 5,
) -> list[SimilarTip]:
    """Earlier tips in the span of ``unit``'s body that read like ``content``, best first."""
    require(actor, Capability.INTAKE)
    content = content[:MAX_TEXT]
    keys = [k for k in (name_key(n[:100]) for n in accused_names) if k]
    if len(normalize(content)) < MIN_TEXT and not keys:
        return []
    span = select(OrgUnit.id).where(span_filter(body_of(session, unit)))
    in_span = Tip.unit_id.in_(span)
    ids: set[int] = set()
    if len(normalize(content)) >= MIN_TEXT:
        bands = select(TipBand.tip_id).where(TipBand.key.in_(band_keys(content)))
        ids.update(session.scalars(select(Tip.id).where(in_span, Tip.id.in_(bands)).limit(500)))
        recent = select(Tip.id).where(in_span).order_by(Tip.received_at.desc()).limit(RECENT)
        ids.update(session.scalars(recent))
    named: dict[int, str] = {}
    if keys:
        rows = session.execute(
            select(TipAccused.tip_id, TipAccused.name)
            .join(Tip, Tip.id == TipAccused.tip_id)
            .where(in_span, TipAccused.name_key.in_(keys))
            .limit(200)
        ).all()
        named = {tip_id: name for tip_id, name in rows}
        ids.update(named)
    return _rank(session, actor, content, ids, named, accused_unit_name.strip(), limit)


def _rank(session, actor, content, ids, named, institution, limit) -> list[SimilarTip]:
    found: list[SimilarTip] = []
    rows = session.execute(
        select(Tip, OrgUnit).join(OrgUnit, OrgUnit.id == Tip.unit_id).where(Tip.id.in_(ids))
    ).all()
    for tip, body in rows:
        score = meaning_similarity(content, tip.content or tip.summary)
        reasons = [f"内容相近（{score:.0%}）"] if score >= MEANING_THRESHOLD else []
        if tip.id in named:
            reasons.append(f"同一被反映人：{named[tip.id]}")
            same_inst = institution and institution in (tip.accused_unit_text or "")
            score = max(score, 0.85 if same_inst else 0.6)
        if not reasons:
            continue
        found.append(_entry(session, actor, tip, body, score, reasons))
    found.sort(key=lambda s: (-s.score, -s.tip_id))
    return found[:limit]


def _entry(session, actor, tip: Tip, body: OrgUnit, score: float, reasons) -> SimilarTip:
    clue = session.get(Clue, tip.clue_id) if tip.clue_id else None
    seen: set[int] = set()
    while clue is not None and clue.merged_into_id and clue.id not in seen:
        seen.add(clue.id)  # lead to the clue it joined
        clue = session.get(Clue, clue.merged_into_id) or clue
    visible = unit_visible(session, actor, body)
    return SimilarTip(
        tip_id=tip.id,
        score=round(score, 2),
        body_name=body_of(session, body).name,
        received_at=tip.received_at,
        reference=(clue.ledger_no or "") if clue else "",
        visible=visible,
        clue_id=clue.id if clue and visible else None,
        summary=tip.summary if visible else "",
        reasons=reasons,
    )
