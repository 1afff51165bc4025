"""One search box over clues, tips and institutions (issue 9), within jurisdiction.

Chinese text is matched as the ledger matches it (``cases.ledger_query.text_match``:
substrings, every word). A tip's reporter identity is encrypted and never searched or
returned: results carry only what the tip list shows (summary, channel, status).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from cases.ledger_query import LedgerFilter, ledger_query, text_match
from cases.models import Clue
from directory.jurisdiction import unit_filter, visible_unit_ids
from directory.models import OrgUnit, UnitKind, User
from directory.permissions import Capability, can
from tips.channels import CHANNELS
from tips.models import TIP_STATUS_LABELS, Tip, TipStatus

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
        clues = list(session.scalars(ledger_query(session, actor, LedgerFilter(q=q)).limit(limit)))
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
