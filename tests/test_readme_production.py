"""The README's production section, run as written: settings, ``qingfeng init`` against a
fresh database (PostgreSQL when the suite runs on it), gunicorn as a real process on a
loopback port, and a portal tip filed over HTTP that gets its receipt (issue 16 §6).

Only site-specific values are replaced (database URL, instance directory, port); each
replacement must find its text, so a README that drifts from what works fails here.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from config.database import make_engine, session_scope
from tests.dbutil import fresh_database
from tips.models import Tip

README = Path(__file__).resolve().parents[1] / "README.md"
ADMIN_PASSWORD = "Readme-admin-2026-password"


def production_block() -> str:
    text = README.read_text(encoding="utf-8")
    section = text.split("\n## Production\n", 1)[1].split("\n## ", 1)[0]
    match = re.search(r"```sh\n(.*?)```", section, re.DOTALL)
    assert match, "README's production section has no ```sh block"
    return match.group(1)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _replace(script: str, old: str, new: str) -> str:
    assert old in script, f"README production block no longer contains {old!r}"
    return script.replace(old, new)


def site_script(database_url: str, instance: Path, port: int) -> str:
    script = production_block()
    script = _replace(script, "postgresql://qingfeng@127.0.0.1:5432/qingfeng", database_url)
    script = _replace(script, "/srv/qingfeng/instance", str(instance))
    return _replace(script, "127.0.0.1:8000", f"127.0.0.1:{port}")


def _environment() -> dict[str, str]:
    # A clean operator's shell: no QINGFENG_* from the test run, the project's venv on PATH.
    env = {k: v for k, v in os.environ.items() if not k.startswith("QINGFENG_")}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env["QINGFENG_ADMIN_PASSWORD"] = ADMIN_PASSWORD
    env["QINGFENG_USER_PASSWORD"] = ADMIN_PASSWORD
    return env


@contextmanager
def run_block(script: str, cwd: Path) -> Iterator[tuple[subprocess.Popen[bytes], Path]]:
    log = cwd / "production.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            ["bash", "-euo", "pipefail", "-c", script],
            cwd=cwd,
            env=_environment(),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: gunicorn's workers end with it
        )
    try:
        yield process, log
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def wait_until_serving(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 180  # init migrates a fresh database first
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the README's commands stopped ({process.returncode}):\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/portal/", timeout=5) as page:
                if page.status == 200:
                    return
        except (OSError, urllib.error.URLError):
            pass
        time.sleep(0.2)  # polling a starting process, not waiting on test time
    pytest.fail(f"gunicorn did not answer on port {port}:\n{log.read_text()}")


class Browser:
    """Cookies carried by hand: production cookies are Secure, and the TLS proxy the README
    puts in front would pass them on; urllib would not send them over plain HTTP."""

    def __init__(self, port: int) -> None:
        self.base = f"http://127.0.0.1:{port}"
        self.cookies: dict[str, str] = {}

    def request(self, path: str, form: dict[str, str] | None = None) -> tuple[int, str]:
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        req = urllib.request.Request(self.base + path, data=data)  # noqa: S310 -- loopback http
        if self.cookies:
            req.add_header("Cookie", "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        try:
            with urllib.request.urlopen(req, timeout=30) as response:  # noqa: S310
                status, headers, body = response.status, response.headers, response.read()
        except urllib.error.HTTPError as err:
            status, headers, body = err.code, err.headers, err.read()
        for cookie in headers.get_all("Set-Cookie") or []:
            name, _, rest = cookie.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return status, body.decode("utf-8")

    def csrf(self, path: str) -> str:
        status, page = self.request(path)
        assert status == 200, page
        match = re.search(r'name="csrf_token" value="([^"]+)"', page)
        assert match, page
        return match.group(1)


def test_readme_production_section_takes_a_portal_tip(tmp_path):
    url = fresh_database("readme")
    instance = tmp_path / "instance"
    port = _free_port()
    with run_block(site_script(url, instance, port), tmp_path) as (process, log):
        wait_until_serving(port, process, log)
        browser = Browser(port)
        status, receipt = browser.request(
            "/portal/report",
            {
                "csrf_token": browser.csrf("/portal/"),
                "content": "县人民医院骨科医生收受医疗器械回扣，金额约五万元。",
                "named": "y",
                "reporter_name": "刘建国",
                "reporter_phone": "13800001111",
            },
        )
        assert str(instance) not in receipt and "reporter.key" not in receipt
        assert status == 200, receipt
        assert (instance / "reporter.key").stat().st_mode & 0o777 == 0o600
        code = re.search(r'data-testid="receipt-code">([\d ]+)<', receipt)
        assert code and len(code.group(1).replace(" ", "")) == 16
        # The API answers an unauthenticated call with its structured 401, not a 500.
        status, body = browser.request("/api/tips")
        assert status == 401 and '"code"' in body
    log_text = log.read_text()
    assert "举报人信息密钥：已生成" in log_text and "已创建管理员 admin" in log_text

    engine = make_engine(url)
    try:
        with session_scope(sessionmaker(bind=engine)) as session:
            tip = session.scalar(select(Tip).where(Tip.channel == "portal"))
            assert tip is not None and tip.named and tip.identity_token
            assert "刘建国" not in tip.identity_token
    finally:
        engine.dispose()


@pytest.mark.parametrize("key", ["reporter.key", "file.key"])
def test_web_process_refuses_to_start_without_a_key(tmp_path, key):
    url = fresh_database(f"readme_no_{key.split('.')[0]}")
    instance = tmp_path / "instance"
    port = _free_port()
    # Settings and init as written; then the key is lost before gunicorn starts.
    head, serve = site_script(url, instance, port).split("\ngunicorn", 1)
    script = f"{head}\nrm {instance}/{key}\ngunicorn{serve}"
    with run_block(script, tmp_path) as (process, log):
        try:
            process.wait(timeout=180)
        except subprocess.TimeoutExpired:
            pytest.fail(f"gunicorn started without {key}:\n{log.read_text()}")
        text = log.read_text()
    assert process.returncode != 0
    assert "拒绝启动" in text and "qingfeng init" in text and key in text
    with socket.socket() as sock:
        assert sock.connect_ex(("127.0.0.1", port)) != 0  # nothing is left serving
