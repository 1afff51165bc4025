"""The composition root: the one start-up path of every process.

The web app (``web.app.create_app``), the ``qingfeng`` console script (every command,
``qingfeng scheduler`` included), Alembic and the tests all call ``bootstrap(settings)``
before any domain work. It applies the settings that domain code reads from module state
(the time-limit rules) and registers every hook — the lifecycles' hooks, the prefill
sources, the obligation rule scopes, the steps ``qingfeng init`` runs — so a process that
imports less cannot behave differently (DESIGN.md, "Rules of the house"). No registry is
filled as a side effect of importing a module.

Why a top-level package: it sits above every domain package (it may import them all) and
below ``web`` (which it never imports), so it cannot live inside one domain package
without breaking the layer order, nor in ``web`` where the scheduler and the CLI would
have to import Flask's side of the house to start.
"""

from __future__ import annotations

from sqlalchemy import MetaData

from config.settings import Settings

__all__ = ["bootstrap", "import_all_models", "register_hooks"]


def import_all_models() -> MetaData:
    """Every package's models, so ``Base.metadata`` holds the whole schema (Alembic's env,
    the migration tests, every process at start). Add new model modules here."""
    import campaigns.models  # noqa: F401
    import cases.export_jobs  # noqa: F401
    import cases.handling_models  # noqa: F401
    import cases.models  # noqa: F401
    import config.audit_log  # noqa: F401
    import config.filestore  # noqa: F401
    import directory.models  # noqa: F401
    import directory.security_models  # noqa: F401
    import directory.tokens  # noqa: F401
    import documents.letter_models  # noqa: F401
    import documents.models  # noqa: F401
    import notifications.models  # noqa: F401
    import rectification.models  # noqa: F401
    import reporting.models  # noqa: F401
    import reporting.registers.models  # noqa: F401
    import supervision.models  # noqa: F401
    import tips.models  # noqa: F401
    import workflow.audit_models  # noqa: F401
    import workflow.calendar_models  # noqa: F401
    import workflow.models  # noqa: F401
    import workflow.pending  # noqa: F401
    from config.database import Base

    return Base.metadata


def register_hooks() -> None:
    """Fill every registry that domain code consults; idempotent."""
    import campaigns.stats
    import rectification.stats
    import reporting.registers.figures
    from app_boot import flows
    from app_boot.file_store import file_key_on_init
    from directory.cli import INIT_HOOKS
    from tips.cli import reporter_key_on_init
    from workflow.calendar_source import seed_on_init

    campaigns.stats.register()
    reporting.registers.figures.register()
    rectification.stats.register()
    # The lifecycles, and who computes their deadlines when a calendar year is confirmed.
    flows.install(flows.build(flows.flows()))
    # The working-day calendar must exist before any deadline is computed; the reporter key
    # before the web process starts (it refuses to in production without one); the key
    # that seals uploaded files likewise.
    for hook in (seed_on_init, reporter_key_on_init, file_key_on_init):
        if hook not in INIT_HOOKS:
            INIT_HOOKS.append(hook)


def apply_settings(settings: Settings) -> None:
    """Settings that domain code reads from module state: the time limits in force
    (``QINGFENG_TIME_LIMITS``; an empty value restores the defaults)."""
    from cases.timelimits import apply_overrides

    apply_overrides(settings.time_limits)


def bootstrap(settings: Settings) -> Settings:
    """Start-up of any process: models, hooks, settings. Safe to call again (tests build
    several apps with different settings); returns ``settings``."""
    from notifications.router import check_routes

    import_all_models()
    register_hooks()
    apply_settings(settings)
    # A notify kind declared in a lifecycle without a route stops the process now (RouteError).
    check_routes()
    return settings
