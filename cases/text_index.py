"""Indexed text search over clues (issue 21 §3): the ledger's and search's text filter.

A word of three characters or more is looked up in an index made for substrings:
SQLite's FTS5 table ``clues_fts`` (trigram tokenizer, kept in step by triggers, migration
0022a) or PostgreSQL's pg_trgm GIN indexes on summary and content. The lookup stops after
``CAP`` ids: a rare word becomes ``id IN (...)`` (a few primary-key reads), a common one
keeps the substring match, which the ledger's ordered index walk satisfies after a few
rows. Shorter words always use the substring match: trigrams cannot serve them.

Terms are bound parameters, never spliced into SQL; for FTS5 each word is one quoted
phrase (inner quotes doubled), so MATCH syntax (``OR``, ``NEAR``, ``*``, ``"``) typed
into the box is searched for literally and cannot make the query fail.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, bindparam, or_, text
from sqlalchemy.orm import Session

from cases.models import Clue

MIN_INDEXED = 3
CAP = 2000
MAX_WORDS = 5

_FTS = text("SELECT rowid FROM clues_fts WHERE clues_fts MATCH :m LIMIT :cap")
_TRGM = text(
    "SELECT id FROM clues WHERE summary ILIKE :p ESCAPE '\\' OR content ILIKE :p ESCAPE '\\' "
    "LIMIT :cap"
)


def like_pattern(word: str) -> str:
    return "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def substring_match(word: str, *columns: Any) -> ColumnElement[bool]:
    pattern = like_pattern(word)
    return or_(*(c.ilike(pattern, escape="\\") for c in columns))


def fts_phrase(word: str) -> str:
    """One FTS5 string token: the word searched literally, whatever it contains."""
    return '"' + word.replace('"', '""') + '"'


def indexed_ids(session: Session, word: str, cap: int = CAP) -> list[int] | None:
    """Ids of clues whose summary or content contains ``word``, from the text index;
    None when the word is too short for trigrams or matches more than ``cap`` clues."""
    if len(word) < MIN_INDEXED:
        return None
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        rows = session.execute(_FTS, {"m": fts_phrase(word), "cap": cap + 1}).scalars().all()
    elif dialect == "postgresql":
        rows = session.execute(_TRGM, {"p": like_pattern(word), "cap": cap + 1}).scalars().all()
    else:  # pragma: no cover - the two supported databases are handled above
        return None
    return None if len(rows) > cap else list(rows)


def clue_text_match(session: Session, q: str) -> list[ColumnElement[bool]]:
    """Each word (up to five) must occur in the clue's summary or content."""
    clauses: list[ColumnElement[bool]] = []
    for word in q.split()[:MAX_WORDS]:
        ids = indexed_ids(session, word)
        if ids is None:
            clauses.append(substring_match(word, Clue.summary, Clue.content))
        else:
            clauses.append(Clue.id.in_(bindparam(f"text_ids_{len(clauses)}", ids, expanding=True)))
    return clauses
