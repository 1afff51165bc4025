"""Browser tests: a real server on loopback, a real database, Debian's Chromium via Playwright."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import sessionmaker
from werkzeug.serving import make_server

from config.database import make_engine, session_scope
from config.migrate import upgrade_database
from config.settings import Settings
from directory.demo import DEMO_PASSWORD, load_demo
from tests.dbutil import REQUIRE_ALL, fresh_database
from workflow.calendar_source import seed_from_package

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    if not Path(CHROMIUM).exists() or shutil.which("chromium") is None:
        message = "未安装 Chromium（apt-get install chromium）：跳过浏览器测试"
        if REQUIRE_ALL:
            pytest.fail(message + "；CI 中不允许跳过。")
        pytest.skip(message)
    return CHROMIUM


@pytest.fixture(scope="session")
def live_database() -> str:
    """The URL of the live server's database, for tests that arrange data or run jobs in-process."""
    url = fresh_database("e2e")
    upgrade_database(url)
    engine = make_engine(url)
    with session_scope(sessionmaker(bind=engine)) as session:
        load_demo(session)
        seed_from_package(session)
    engine.dispose()
    return url


@pytest.fixture(scope="session")
def live_server(tmp_path_factory, live_database) -> Iterator[str]:
    url = live_database
    instance = tmp_path_factory.mktemp("instance")
    settings = Settings(
        env="testing",
        instance_path=instance,
        database_url=url,
        secret_key="e2e-secret-key-not-for-production-use",
        admin_totp_required=False,
        reporter_key_file=instance / "reporter.key",
        intake_unit="C01-D01",  # portal tips reach the demo clerk's county
    )
    from web.app import create_app

    app = create_app(settings)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)
    from web.db import dispose

    dispose(app)


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        instance = pw.chromium.launch(
            executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS
        )
        yield instance
        instance.close()


@pytest.hookimpl(tryfirst=True, hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


@pytest.fixture
def make_page(browser, live_server, request):
    """Pages in contexts of their own (viewport, touch, JavaScript off …); each one that is
    open when the test fails is kept as a screenshot in ``test-artifacts/``."""
    contexts = []

    def open_page(**options):
        context = browser.new_context(**{"base_url": live_server, "locale": "zh-CN", **options})
        contexts.append(context)
        pg = context.new_page()
        pg.set_default_timeout(10_000)
        return pg

    yield open_page
    failed = getattr(request.node, "rep_call", None)
    for n, context in enumerate(contexts):
        if failed is not None and failed.failed:
            ARTIFACTS.mkdir(exist_ok=True)
            suffix = f"-{n}" if n else ""
            for pg in context.pages:
                pg.screenshot(
                    path=str(ARTIFACTS / f"{request.node.name}{suffix}.png"), full_page=True
                )
        context.close()


@pytest.fixture
def page(make_page):
    return make_page()


def sign_in(page, username: str, password: str = DEMO_PASSWORD) -> None:
    page.goto("/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    # The next page must have loaded (nav.js run) before a caller looks at the top bar: on a
    # phone the menu folds behind 菜单 only once the script has run.
    with page.expect_navigation():
        page.get_by_role("button", name="登录").click()


def nav_to(page, menu: str, item: str) -> None:
    """Open ``item`` from the top bar's ``menu`` (web/filters.py MENUS), as a person does:
    on a phone the 菜单 button first, then the menu, then the entry."""
    page.wait_for_load_state("load")
    nav = page.get_by_role("navigation", name="主导航")
    toggle = page.get_by_role("button", name="菜单")
    if toggle.is_visible() and toggle.get_attribute("aria-expanded") != "true":
        toggle.click()
    if menu:
        nav.locator("summary", has_text=menu).click()
    nav.get_by_role("link", name=item, exact=True).click()
