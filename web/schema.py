"""Alembic helpers, and ``import_all_models`` (kept here for Alembic's env and the
migration tests; the list itself lives in ``app_boot``, the composition root)."""

from __future__ import annotations

from sqlalchemy import MetaData

import app_boot


def import_all_models() -> MetaData:
    """The whole schema; the list lives in the composition root (``app_boot``)."""
    return app_boot.import_all_models()


def alembic_config(database_url: str | None = None, connection=None):
    """An Alembic config pointing at the repository's ``migrations/``."""
    from pathlib import Path

    from alembic.config import Config

    root = Path(__file__).resolve().parents[1]
    cfg = Config(str(root / "alembic.ini"))
    cfg.set_main_option("script_location", str(root / "migrations"))
    if database_url:
        cfg.attributes["database_url"] = database_url
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def upgrade_database(database_url: str, revision: str = "head") -> None:
    """Bring the database to ``revision`` (never called from ``create_app``)."""
    from alembic import command

    command.upgrade(alembic_config(database_url), revision)
