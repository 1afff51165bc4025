"""Shared fixtures: schema once per run, each test inside a transaction that is rolled back."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Connection, Engine, event, select
from sqlalchemy.orm import Session, sessionmaker

from app_boot import bootstrap
from config.database import make_engine, session_scope
from config.migrate import upgrade_database
from config.settings import Settings
from directory.demo import DEMO_PASSWORD, load_demo
from directory.models import OrgUnit, User
from tests.dbutil import fresh_database, reset_database, suite_database_url
from workflow.calendar_source import seed_from_package


def pytest_report_header(config):
    url = suite_database_url()
    return [f"qingfeng database: {url or 'temporary SQLite file'}"]


# The settings every test starts from (a test's own ``settings`` fixture may differ).
BOOT_SETTINGS = Settings(
    env="testing",
    instance_path=Path("instance"),
    database_url="sqlite://",
    secret_key="test-secret-key-not-for-production",
)


@pytest.fixture(autouse=True)
def _bootstrapped() -> None:
    """Tests start as every process does (``app_boot.bootstrap``), with default settings,
    so a test that applied other time limits leaves nothing behind."""
    bootstrap(BOOT_SETTINGS)


@pytest.fixture(scope="session")
def database_url() -> str:
    url = suite_database_url() or fresh_database("suite")
    reset_database(url)
    upgrade_database(url)
    return url


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    eng = make_engine(database_url)
    if eng.dialect.name == "sqlite":
        _real_sqlite_transactions(eng)
    # Demo data is committed once; tests run on top of it and roll back.
    with session_scope(sessionmaker(bind=eng)) as session:
        load_demo(session)
        seed_from_package(session)
    yield eng
    eng.dispose()


def _real_sqlite_transactions(eng: Engine) -> None:
    """Let SQLAlchemy, not pysqlite, open transactions, so SAVEPOINTs nest inside the outer one.

    Without this, pysqlite defers BEGIN until the first write: the per-test SAVEPOINT then
    becomes the outermost transaction and a ``commit()`` in a view, job or service under test
    is really committed and leaks into later tests (SQLAlchemy docs, "Serializable isolation /
    Savepoints / Transactional DDL" for pysqlite).
    """

    @event.listens_for(eng, "connect")
    def _no_driver_transactions(dbapi_connection, _record):
        dbapi_connection.isolation_level = None

    @event.listens_for(eng, "begin")
    def _begin(conn):
        conn.exec_driver_sql("BEGIN")


@pytest.fixture
def connection(engine: Engine) -> Iterator[Connection]:
    conn = engine.connect()
    outer = conn.begin()
    yield conn
    outer.rollback()
    conn.close()


@pytest.fixture
def session_factory(connection: Connection) -> sessionmaker:
    return sessionmaker(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )


@pytest.fixture
def db(session_factory: sessionmaker) -> Iterator[Session]:
    session = session_factory()
    yield session
    session.close()


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    return Settings(
        env="testing",
        instance_path=tmp_path,
        database_url=database_url,
        secret_key="test-secret-key-not-for-production",
        reporter_key_file=tmp_path / "reporter.key",
        # tests/web/test_totp.py turns this back on; other suites sign admins in with a password.
        admin_totp_required=False,
    )


@pytest.fixture
def app(settings: Settings, session_factory: sessionmaker):
    from web.app import create_app

    application = create_app(settings, session_factory=session_factory)
    application.config["TESTING"] = True
    # Background work (ledger exports) runs inline: the suite's sessions share one
    # connection, which a second thread must not use. The browser tests run it threaded.
    application.extensions["qingfeng_spawn"] = lambda fn, *args: fn(*args)
    return application


@pytest.fixture
def client(app):
    return app.test_client()


def user(db: Session, username: str) -> User:
    found = db.scalar(select(User).where(User.username == username))
    assert found is not None, username
    return found


def unit(db: Session, code: str) -> OrgUnit:
    found = db.scalar(select(OrgUnit).where(OrgUnit.code == code))
    assert found is not None, code
    return found


CSRF_RE = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"'
)


def csrf_token(client, path: str) -> str:
    page = client.get(path)
    match = CSRF_RE.search(page.get_data(as_text=True))
    assert match, f"no CSRF token on {path} ({page.status_code})"
    return match.group(1) or match.group(2)


def login(client, username: str, password: str = DEMO_PASSWORD):
    token = csrf_token(client, "/login")
    return client.post(
        "/login", data={"username": username, "password": password, "csrf_token": token}
    )


def post_form(client, path: str, data: dict, *, token_from: str | None = None, **kwargs):
    """POST a form the way a browser does: with the CSRF token from the page."""
    data = {**data, "csrf_token": csrf_token(client, token_from or path)}
    return client.post(path, data=data, **kwargs)
