"""Imports every package's models so ``Base.metadata`` holds the whole schema.

Used by Alembic's env, the app factory, the scheduler and the migration tests; add new
model modules here. It also checks that every declared notification has a route.
"""

from __future__ import annotations

from sqlalchemy import MetaData

from config.database import Base


def import_all_models() -> MetaData:
    import campaigns.models  # noqa: F401
    import campaigns.stats  # noqa: F401 - registers the inspections.* prefill source
    import cases.handling_models  # noqa: F401
    import cases.models  # noqa: F401
    import cases.service  # noqa: F401 - registers the clue lifecycle's hooks
    import config.audit_log  # noqa: F401
    import config.filestore  # noqa: F401
    import directory.models  # noqa: F401
    import directory.security_models  # noqa: F401
    import directory.tokens  # noqa: F401
    import notifications.models  # noqa: F401
    import reporting.models  # noqa: F401
    import reporting.obligations  # noqa: F401 - registers the pending-year hook
    import reporting.submissions  # noqa: F401 - registers the submission lifecycle's hooks
    import tips.models  # noqa: F401
    import workflow.audit_models  # noqa: F401
    import workflow.calendar_models  # noqa: F401
    import workflow.models  # noqa: F401
    import workflow.pending  # noqa: F401
    from notifications.router import check_routes

    # Every process (web app, scheduler, CLI, migrations, tests) passes here once its
    # lifecycles are loaded: a notify kind without a route stops it now, not at run time.
    check_routes()
    return Base.metadata


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
