"""The tip mailbox's IMAP server is down, dies mid-transfer, then comes back.

A real Dovecot (``tests/tips/imap_server.py``) behind a loopback proxy (``tcp_proxy.py``)
that refuses, or drops the connection part-way, on cue. ``qingfeng mailbox poll`` runs as
the operator runs it, against a committed database of its own. Each failed poll must say
what happened in plain Chinese and leave nothing half-imported; the poll after the server
is back imports every message exactly once (by UID position, and by Message-ID when the
position is lost).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import delete, func, select
from sqlalchemy.orm import sessionmaker

from config.database import make_engine, make_session_factory
from config.filestore import FileBlob
from config.migrate import upgrade_database
from directory.models import UnitKind
from directory.service import add_unit
from tests.dbutil import fresh_database
from tests.faults.tcp_proxy import Cut, TcpProxy
from tests.tips.imap_server import ImapServer, dovecot
from tests.tips.mailfactory import gbk_multipart, html_only, utf8_qp
from tests.tips.test_imap import deliver
from tips.cli import mailbox_group
from tips.imap import fetch_new
from tips.mail import parse_message
from tips.models import MailboxState, Tip, TipAttachment

FOLDER = "举报邮件"
MESSAGE_IDS = {"20230314093000.ABC123@example.cn", "qp-1@example.com"}


@dataclass
class World:
    server: ImapServer
    proxy: TcpProxy
    factory: sessionmaker
    env: dict[str, str]


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    url = fresh_database("faults_imap")
    upgrade_database(url)
    engine = make_engine(url)
    factory = make_session_factory(engine)
    with factory() as session:
        name = "示范省卫生健康委员会"
        add_unit(session, code="X01", name=name, kind=UnitKind.PROVINCE, parent=None)
        session.commit()
    with dovecot() as server:
        proxy = TcpProxy(target_port=server.port)
        env = {
            "QINGFENG_DATABASE_URL": url,
            "QINGFENG_INSTANCE_PATH": str(tmp_path),
            "QINGFENG_IMAP_HOST": "127.0.0.1",
            "QINGFENG_IMAP_PORT": str(proxy.port),
            "QINGFENG_IMAP_USER": server.user,
            "QINGFENG_IMAP_PASSWORD": server.password,
            "QINGFENG_IMAP_MAILBOX": FOLDER,
            "QINGFENG_INTAKE_UNIT": "X01",
        }
        try:
            yield World(server, proxy, factory, env)
        finally:
            proxy.down()
            engine.dispose()


def poll(world: World):
    return CliRunner().invoke(mailbox_group, ["poll"], env=world.env)


def stored(world: World) -> dict[str, object]:
    """Everything a poll can write: tips by Message-ID, attachment rows and files, position."""
    with world.factory() as session:
        ids = session.scalars(select(Tip.message_id)).all()
        state = session.scalar(select(MailboxState))
        return {
            "tips": sorted(ids),
            "attachments": session.scalar(select(func.count()).select_from(TipAttachment)),
            # Sealed in the database store, in the same transaction as their rows.
            "files": session.scalar(select(func.count()).select_from(FileBlob)),
            "last_uid": state.last_uid if state else None,
        }


NOTHING = {"tips": [], "attachments": 0, "files": 0, "last_uid": None}


def unseen(world: World) -> int:
    server = world.server
    found = fetch_new(server.host, server.port, server.user, server.password, mailbox=FOLDER)
    return len(found.messages)


def attachments_in(mails: list[bytes]) -> int:
    return sum(len(parse_message(raw).attachments) for raw in mails)


def test_mailbox_down_then_dropping_mid_transfer_then_back_imports_each_mail_once(world):
    mails = [gbk_multipart(), utf8_qp(), html_only()]
    uids = deliver(world.server, FOLDER, *mails)
    where = f"127.0.0.1:{world.proxy.port}"

    # 1. Nobody listens: a clear error, nothing written.
    down = poll(world)
    assert down.exit_code == 1
    assert (
        f"无法连接邮件服务器 {where}：连接被拒绝（服务未启动或端口错误）。稍后将自动重试。"
        in down.output
    )
    assert stored(world) == NOTHING

    # 2. The server dies in the middle of sending the messages: still nothing half-imported.
    world.proxy.cut_reply_after = Cut(b"BODY[] {", extra=400)
    world.proxy.up()
    mid = poll(world)
    assert world.proxy.cuts == 1
    assert mid.exit_code == 1 and f"与邮件服务器 {where} 的连接中断" in mid.output
    assert stored(world) == NOTHING
    assert unseen(world) == 3  # the mail is still waiting on the server

    # 3. Back, but it dies again just as the stored messages are flagged \Seen: the tips are
    #    already committed, so the poll reports them (and the flagging problem), not a failure.
    world.proxy.cut_reply_after = None
    world.proxy.cut_request_on = b"STORE"
    back = poll(world)
    assert world.proxy.cuts == 2
    assert back.exit_code == 0, back.output
    assert "新举报 3 件" in back.output and "未能标记为已读" in back.output
    after = stored(world)
    assert len(after["tips"]) == len(set(after["tips"])) == 3 and set(after["tips"]) > MESSAGE_IDS
    # Every attachment once, in the database and on disk; no leftovers of the failed polls.
    assert after["attachments"] == after["files"] == attachments_in(mails)
    assert after["last_uid"] == uids[-1]

    # 4. Fully back: the next poll finds nothing new; nothing is imported twice.
    world.proxy.cut_request_on = None
    again = poll(world)
    assert again.exit_code == 0 and "新举报 0 件，隔离 0 封，已存在跳过 0 封" in again.output
    assert stored(world) == after

    # 5. The messages left unseen by step 3 come back if the stored position is lost (e.g. a
    #    rebuilt mailbox): Message-ID recognises all three, still nothing twice.
    assert unseen(world) == 3
    with world.factory() as session:
        session.execute(delete(MailboxState))
        session.commit()
    lost = poll(world)
    assert lost.exit_code == 0 and "新举报 0 件，隔离 0 封，已存在跳过 3 封" in lost.output
    assert stored(world)["tips"] == after["tips"]
    assert unseen(world) == 0  # flagged this time
