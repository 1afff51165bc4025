"""One SQLAlchemy session per request; views commit at the end of their unit of work."""

from __future__ import annotations

from flask import Flask, current_app, g
from sqlalchemy.orm import Session, sessionmaker

from config.database import make_engine, make_session_factory


def init_app(app: Flask, session_factory: sessionmaker | None = None) -> None:
    if session_factory is None:
        engine = make_engine(app.config["QINGFENG"].database_url)
        session_factory = make_session_factory(engine)
    app.extensions["qingfeng_sessions"] = session_factory
    app.teardown_appcontext(_close_session)


def db_session() -> Session:
    """The request's session, created on first use."""
    if "db_session" not in g:
        g.db_session = current_app.extensions["qingfeng_sessions"]()
    return g.db_session


def _close_session(_exc: BaseException | None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()  # rolls back anything a view did not commit


def dispose(app: Flask) -> None:
    """Close the app's connection pool (tests and orderly shutdown)."""
    bind = app.extensions["qingfeng_sessions"].kw.get("bind")
    if bind is not None and hasattr(bind, "dispose"):
        bind.dispose()
