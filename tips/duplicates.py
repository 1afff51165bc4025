"""Likely duplicates of a tip (重复件): similar text, the same reporter, the same accused person.

Candidates are pre-filtered in SQL (LSH band keys, blind indexes, accused-name keys)
and only then scored with ``tips.similarity`` (bigram Dice or the rapidfuzz meaning score,
whichever is higher), so intake never reads every old tip.
Only tips of the same receiving body are compared: that body's ledger holds the clue.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from tips.models import Tip, TipAccused, TipBand, TipContact
from tips.similarity import MEANING_THRESHOLD, meaning_similarity, similarity

TEXT_THRESHOLD = 0.5
# With the same accused institution a looser text match is already telling.
SAME_INSTITUTION_THRESHOLD = 0.35
CONTACT_KINDS_STRONG = ("phone", "email", "id_number")


@dataclass
class Duplicate:
    tip: Tip
    score: float
    reasons: list[str] = field(default_factory=list)


def find_duplicates(session: Session, tip: Tip, *, limit: int = 10) -> list[Duplicate]:
    """Earlier tips of the same body that are likely about the same matter, best first."""
    found: dict[int, Duplicate] = {}

    def note(other: Tip, score: float, reason: str) -> None:
        entry = found.setdefault(other.id, Duplicate(other, 0.0))
        entry.score = max(entry.score, round(score, 2))
        entry.reasons.append(reason)

    same_unit = (Tip.unit_id == tip.unit_id, Tip.id != tip.id)
    keys = select(TipBand.key).where(TipBand.tip_id == tip.id)
    by_text = session.scalars(
        select(Tip).where(
            *same_unit, Tip.id.in_(select(TipBand.tip_id).where(TipBand.key.in_(keys)))
        )
    ).all()
    for other in by_text:
        dice = similarity(tip.content, other.content)
        meaning = meaning_similarity(tip.content, other.content)
        score = max(dice, meaning)
        same_inst = tip.accused_unit_id is not None and other.accused_unit_id == tip.accused_unit_id
        if (
            dice >= TEXT_THRESHOLD
            or meaning >= MEANING_THRESHOLD
            or (same_inst and dice >= SAME_INSTITUTION_THRESHOLD)
        ):
            reason = f"内容相似（{score:.0%}）"
            if same_inst:
                reason += "，同一被反映机构"
            note(other, score, reason)

    mine = select(TipContact.digest).where(
        TipContact.tip_id == tip.id, TipContact.kind.in_(CONTACT_KINDS_STRONG)
    )
    by_contact = session.scalars(
        select(Tip).where(
            *same_unit, Tip.id.in_(select(TipContact.tip_id).where(TipContact.digest.in_(mine)))
        )
    ).all()
    for other in by_contact:
        note(other, 0.9, "同一举报人联系方式")

    names = {a.name_key: a.name for a in tip.accused}
    if names:
        rows = session.execute(
            select(Tip, TipAccused.name)
            .join(TipAccused, TipAccused.tip_id == Tip.id)
            .where(*same_unit, TipAccused.name_key.in_(list(names)))
        ).all()
        for other, person in rows:
            same_inst = (
                tip.accused_unit_id is not None and other.accused_unit_id == tip.accused_unit_id
            )
            note(other, 0.85 if same_inst else 0.6, f"同一被反映人：{person}")
    ranked = sorted(found.values(), key=lambda d: (-d.score, -d.tip.id))
    return ranked[:limit]
