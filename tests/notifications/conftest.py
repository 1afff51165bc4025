"""Real servers for the channels: an aiosmtpd SMTP server and a stdlib HTTP server, on loopback."""

from __future__ import annotations

import email
import email.policy
import json
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import delete
from sqlalchemy.orm import sessionmaker

from config.database import make_engine, make_session_factory
from config.migrate import upgrade_database
from config.settings import Settings
from notifications.models import (
    ChannelPreference,
    Delivery,
    InboxMessage,
    JobRun,
    SchedulerLease,
)
from tests.dbutil import fresh_database

BUSINESS_DAY = date(2026, 11, 23)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class SmtpHandler:
    """Collects messages; ``refuse_data`` answers DATA with it (e.g. 451), ``refuse_rcpt`` RCPT."""

    messages: list[EmailMessage] = field(default_factory=list)
    refuse_data: str = ""
    refuse_rcpt: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if self.refuse_rcpt:
            return self.refuse_rcpt
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        if self.refuse_data:
            return self.refuse_data
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append(message)  # type: ignore[arg-type]
        return "250 Message accepted"

    def recipients(self) -> list[str]:
        return sorted(str(m["To"]) for m in self.messages)


@pytest.fixture
def smtp() -> Iterator[tuple[SmtpHandler, int]]:
    handler = SmtpHandler()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield handler, port
    controller.stop()


@dataclass
class WebhookLog:
    requests: list[dict] = field(default_factory=list)
    status: int = 200


@pytest.fixture
def webhook() -> Iterator[tuple[WebhookLog, str]]:
    log = WebhookLog()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            length = int(self.headers["Content-Length"])
            body = json.loads(self.rfile.read(length))
            log.requests.append(
                {"path": self.path, "type": self.headers["Content-Type"], "body": body}
            )
            self.send_response(log.status)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b'{"errcode":0}')

        def log_message(self, *args):  # keep the test output clean
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield log, f"http://127.0.0.1:{server.server_address[1]}/robot/send?key=demo"
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture
def mail_settings(settings: Settings, smtp) -> Settings:
    return settings.with_overrides(
        smtp_port=smtp[1], smtp_from="qingfeng@wjw.example.gov.cn", base_url="https://qf.example/"
    )


@pytest.fixture(scope="session")
def shared_db_url() -> str:
    """A committed database (file SQLite or a PostgreSQL of its own) for concurrency tests:
    the rolled-back test transaction cannot show what two connections do."""
    url = fresh_database("notify_race")
    upgrade_database(url)
    return url


@pytest.fixture
def shared_factory(shared_db_url: str) -> Iterator[sessionmaker]:
    engine = make_engine(shared_db_url)
    factory = make_session_factory(engine)
    yield factory
    with factory() as session:
        for model in (InboxMessage, Delivery, ChannelPreference, SchedulerLease, JobRun):
            session.execute(delete(model))
        session.commit()
    engine.dispose()


@pytest.fixture
def shared_settings(tmp_path: Path, shared_db_url: str, smtp) -> Settings:
    return Settings(
        env="testing",
        instance_path=tmp_path,
        database_url=shared_db_url,
        secret_key="test-secret-key-not-for-production",
        smtp_port=smtp[1],
        base_url="https://qf.example",
    )
