"""One search box over clues, tips and institutions (issue 9), within jurisdiction.

Chinese text is matched as the ledger matches it (``cases.text_index``: substrings,
every word, from the trigram index). A clue is also found by its number in the forms
quoted on the phone (``cases.clue_number``), by the accused person's name and by the
accused institution's name; number hits come first. A tip's reporter identity is
encrypted and never searched or returned: results carry only what the tip list shows
(summary, channel, status).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from cases.clue_number import number_match
from cases.ledger_query import text_match
from cases.models import Clue
from cases.text_index import clue_text_match, substring_match
from directory.jurisdiction import unit_filter, visible_unit_ids
from directory.models import OrgUnit, UnitKind, User
from directory.permissions import Capability, can
from tips.channels import CHANNELS
from tips.models import TIP_STATUS_LABELS, Tip, TipAccused, TipStatus

MAX_QUERY = 100


@dataclass(frozen=True)
class TipHit:
    """A tip as search shows it: no identity, no contact, no channel metadata."""

    id: int
    summary: str
    channel: str
    status: str  # label
    received_at: datetime
    unit_name: str


@dataclass(frozen=True)
class SearchResult:
    q: str
    clues: list[Clue]
    tips: list[TipHit]
    institutions: list[OrgUnit]

    @property
    def total(self) -> int:
        return len(self.clues) + len(self.tips) + len(self.institutions)


def search(session: Session, actor: User, q: str, *, limit: int = 20) -> SearchResult:
    """Clues, tips and institutions matching every word of ``q`` that ``actor`` may see."""
    q = " ".join(q.split())[:MAX_QUERY]
    if not q:
        return SearchResult("", [], [], [])
    clues: list[Clue] = []
    if can(actor, Capability.CLUES_READ):
        clues = _clues(session, actor, q, limit)
    tips: list[TipHit] = []
    if can(actor, Capability.TIPS_READ):
        rows = session.execute(
            select(Tip.id, Tip.summary, Tip.channel, Tip.status, Tip.received_at, OrgUnit.name)
            .join(OrgUnit, OrgUnit.id == Tip.unit_id)
            .where(
                Tip.unit_id.in_(visible_unit_ids(session, actor)),
                *text_match(q, Tip.summary, Tip.content, Tip.accused_unit_text),
            )
            .order_by(Tip.received_at.desc(), Tip.id.desc())
            .limit(limit)
        ).all()
        tips = [
            TipHit(i, s, CHANNELS.get(c, c), TIP_STATUS_LABELS.get(TipStatus(st), st), at, name)
            for i, s, c, st, at, name in rows
        ]
    institutions = list(
        session.scalars(
            select(OrgUnit)
            .where(
                OrgUnit.kind == UnitKind.INSTITUTION,
                unit_filter(session, actor),
                *text_match(q, OrgUnit.name, OrgUnit.code),
            )
            .order_by(OrgUnit.path)
            .limit(limit)
        )
    )
    return SearchResult(q, clues, tips, institutions)


def _clues(session: Session, actor: User, q: str, limit: int) -> list[Clue]:
    visible = Clue.unit_id.in_(visible_unit_ids(session, actor))
    order = (Clue.received_at.desc(), Clue.id.desc())
    found: list[Clue] = []
    by_number = number_match(q)
    if by_number is not None:
        found = list(
            session.scalars(select(Clue).where(visible, by_number).order_by(*order).limit(limit))
        )
    words = q.split()[:5]
    texts = clue_text_match(session, q)
    clauses = [_word_match(w, t) for w, t in zip(words, texts, strict=True)]
    seen = {c.id for c in found}
    rest = session.scalars(
        select(Clue).where(visible, *clauses).order_by(*order).limit(limit)
    ).all()
    found.extend(c for c in rest if c.id not in seen)
    return found[:limit]


def _word_match(word: str, text_clause: ColumnElement[bool]) -> ColumnElement[bool]:
    """The word in the clue's text, or in its accused person's name, or in the name of
    the accused institution."""
    named = select(TipAccused.tip_id).where(substring_match(word, TipAccused.name))
    institution = select(OrgUnit.id).where(
        OrgUnit.kind == UnitKind.INSTITUTION, substring_match(word, OrgUnit.name)
    )
    return or_(text_clause, Clue.tip_id.in_(named), Clue.accused_unit_id.in_(institution))
