"""通报 in a real browser: a leader filters the ledger's closed clues, picks three typical
cases, edits one, issues the 通报 (文号), downloads the PDF and publishes it to the portal,
where the public reads it with the names anonymised. Runs on a server and database of its
own (three clues handled to 销号), so the shared demo of the other browser tests is untouched.
"""

from __future__ import annotations

import io
import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader
from sqlalchemy.orm import sessionmaker
from werkzeug.serving import make_server

from config.database import make_engine, session_scope
from config.migrate import upgrade_database
from config.settings import Settings
from directory.demo import load_demo
from documents import bulletin_demo, demo
from tests.dbutil import fresh_database
from tests.e2e.conftest import nav_to, sign_in
from workflow.calendar_source import seed_from_package

SHOTS = Path(os.environ.get("QINGFENG_SHOTS", "test-artifacts/bulletin"))


@pytest.fixture(scope="module")
def bulletin_server(tmp_path_factory) -> Iterator[str]:
    url = fresh_database("e2e_bulletin")
    upgrade_database(url)
    engine = make_engine(url)
    with session_scope(sessionmaker(bind=engine)) as session:
        load_demo(session)
        seed_from_package(session)
        demo.load_demo(session)
        bulletin_demo.load_demo(session)
    engine.dispose()
    instance = tmp_path_factory.mktemp("bulletin-instance")
    settings = Settings(
        env="testing", instance_path=instance, database_url=url,
        secret_key="e2e-secret-key-not-for-production-use", admin_totp_required=False,
        reporter_key_file=instance / "reporter.key",
    )
    from web.app import create_app
    from web.db import dispose

    app = create_app(settings)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)
    dispose(app)


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_leader_issues_a_bulletin_of_three_anonymised_cases(browser, bulletin_server):
    context = browser.new_context(base_url=bulletin_server, locale="zh-CN",
                                  viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(20_000)
    sign_in(page, "leader")
    nav_to(page, "问题线索", "典型案例通报")
    page.get_by_test_id("new-bulletin").click()
    candidates = page.get_by_test_id("bulletin-candidates")
    expect(candidates.locator("tbody tr")).to_have_count(3)
    expect(candidates).to_contain_text("张某")
    expect(candidates).not_to_contain_text("张三")
    _shot(page, "1-pick")
    for box in candidates.get_by_role("checkbox").all():
        box.check()
    page.get_by_test_id("make-draft").click()
    expect(page.get_by_text("已生成通报草稿，共3起案例")).to_be_visible()
    text = page.get_by_label("内容").first
    text.fill(text.input_value() + "\n其所在科室主任被约谈。")
    _shot(page, "2-edit")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("issue").click()
    expect(page.get_by_text("通报已印发，文号：清卫纪通〔")).to_be_visible()
    number = page.get_by_test_id("bulletin-number").inner_text()
    expect(page.get_by_test_id("bulletin-text")).to_contain_text("其所在科室主任被约谈")
    _shot(page, "3-issued")
    with page.expect_download() as info:
        page.get_by_role("link", name="下载 PDF").click()
    pdf = Path(info.value.path()).read_bytes()
    (SHOTS / "bulletin.pdf").write_bytes(pdf)  # rendered with pdftoppm and looked at
    assert info.value.suggested_filename == f"{number}{page.locator('h1').inner_text()}.pdf"
    flat = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).replace(" ", "")
    assert number in flat and "张某" in flat and "张三" not in flat
    page.get_by_test_id("publish").click()
    expect(page.get_by_text("通报已在门户网站")).to_be_visible()
    outsider = browser.new_context(base_url=bulletin_server, locale="zh-CN")
    public = outsider.new_page()
    public.goto("/portal/")
    public.get_by_test_id("public-bulletins").get_by_role("link").first.click()
    expect(public.get_by_test_id("portal-bulletin")).to_contain_text("王某")
    expect(public.get_by_test_id("portal-bulletin")).not_to_contain_text("王五")
    expect(public.get_by_test_id("portal-bulletin")).to_contain_text(number)
    _shot(public, "4-portal")
    outsider.close()
    context.close()
