"""Clue numbers as people quote them on the phone (issue 18): "0007", "7号", "2026-0007",
"2026年7号", "C01〔2026〕0007号" (any bracket), the full 编号, or "待受理-12".

``number_match`` turns such a query into a WHERE clause on clues (None when the query is
not a number); the caller adds jurisdiction as for every clue query.
"""

from __future__ import annotations

import re

from sqlalchemy import ColumnElement, and_, or_, select

from cases.models import Clue
from config.database import is_valid_id
from directory.models import OrgUnit

_BRACKETS = str.maketrans(
    {"[": "〔", "(": "〔", "（": "〔", "【": "〔", "]": "〕", ")": "〕", "）": "〕", "】": "〕"}
)
_FULL = re.compile(r"^(?P<code>[^〔]{0,64}?)\s*〔\s*(?P<year>\d{4})\s*〕\s*第?\s*(?P<seq>\d{1,7})$")
_YEAR_SEQ = re.compile(r"^(?P<year>(?:19|20)\d{2})\s*(?:[-/.－—–]|年\s*第?)\s*(?P<seq>\d{1,7})$")
_SEQ = re.compile(r"^第?\s*(?P<seq>\d{1,7})$")
_COMPACT = re.compile(r"^(?P<year>20\d{2})(?P<seq>\d{4})$")  # "20260007"
_PENDING = re.compile(r"^待受理\s*[-－]\s*(?P<id>\d{1,12})$")


def number_match(q: str) -> ColumnElement[bool] | None:
    """The clues whose number is ``q`` in one of the quoted forms, or None."""
    q = q.strip()
    if not q or len(q) > 80:
        return None
    exact = Clue.ledger_no == q
    norm = q.translate(_BRACKETS).removesuffix("号").strip()
    if m := _PENDING.match(norm):
        ident = int(m["id"])
        return or_(exact, Clue.id == ident) if is_valid_id(ident) else exact
    if m := _FULL.match(norm):
        cond = and_(Clue.ledger_year == int(m["year"]), Clue.ledger_seq == int(m["seq"]))
        if code := m["code"].strip():
            cond = and_(cond, Clue.unit_id.in_(select(OrgUnit.id).where(OrgUnit.code == code)))
        return or_(exact, cond)
    for pattern in (_YEAR_SEQ, _COMPACT):
        if m := pattern.match(norm):
            seq = Clue.ledger_seq == int(m["seq"])
            return or_(exact, and_(Clue.ledger_year == int(m["year"]), seq))
    if m := _SEQ.match(norm):
        return or_(exact, Clue.ledger_seq == int(m["seq"]))
    return exact
