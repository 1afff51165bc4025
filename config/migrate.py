"""Alembic helpers: the repository's migrations, applied to a database URL.

They live in ``config`` (the lowest layer) because every process may need them — ``qingfeng
init`` (``directory/cli.py``), the restore command, the tests and the benchmarks — and
none of them may import ``web`` for it. ``migrations/env.py`` loads the models itself
(``app_boot.import_all_models``), so nothing here imports a domain package.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

ROOT = Path(__file__).resolve().parents[1]


def alembic_config(database_url: str | None = None, connection=None) -> Config:
    """An Alembic config pointing at the repository's ``migrations/``."""
    cfg = Config(str(ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(ROOT / "migrations"))
    if database_url:
        cfg.attributes["database_url"] = database_url
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def upgrade_database(database_url: str, revision: str = "head") -> None:
    """Bring the database to ``revision`` (never called from ``create_app``)."""
    command.upgrade(alembic_config(database_url), revision)


# Tables the models do not declare: SQLite's FTS5 index of clue text (migration 0022a) and
# its shadow tables. Autogenerate and the models-match test skip them.
UNMODELLED_TABLE_PREFIXES = ("clues_fts",)


def include_name(name: str | None, type_: str, parent_names: object) -> bool:
    """Alembic ``include_name`` hook: leave the unmodelled search tables alone."""
    return not (type_ == "table" and name and name.startswith(UNMODELLED_TABLE_PREFIXES))
