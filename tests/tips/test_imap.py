"""The mailbox reader against a real Dovecot (see ``imap_server.py``)."""

from __future__ import annotations

import imaplib
import re
import socket

import pytest

from tests.tips import imap_server as imap_server_module
from tests.tips.imap_server import ImapServer
from tests.tips.mailfactory import GBK_BODY, gbk_multipart, html_only, utf8_qp
from tips.imap import MailboxUnavailable, encode_mailbox_name, fetch_new, mark_seen
from tips.mail import parse_message


def deliver(server: ImapServer, folder: str, *messages: bytes) -> list[int]:
    """APPEND messages as a mail client would (folder created if needed); returns UIDs."""
    conn = imaplib.IMAP4(server.host, server.port)
    conn.login(server.user, server.password)
    name = encode_mailbox_name(folder)
    if conn.select(name)[0] != "OK":
        conn.create(name)
    uids = []
    for raw in messages:
        _status, data = conn.append(name, None, None, raw)
        match = re.search(rb"APPENDUID \d+ (\d+)", data[0] or b"")
        assert match, data
        uids.append(int(match.group(1)))
    conn.logout()
    return uids


def account(server: ImapServer) -> tuple[str, int, str, str]:
    return server.host, server.port, server.user, server.password


def test_fetch_returns_unseen_messages_and_leaves_them_unseen(imap_server: ImapServer) -> None:
    uids = deliver(imap_server, "Tips1", gbk_multipart(), utf8_qp())
    result = fetch_new(*account(imap_server), mailbox="Tips1")
    assert [uid for uid, _ in result.messages] == uids
    assert result.uidvalidity > 0 and not result.uidvalidity_changed and not result.more
    first = parse_message(result.messages[0][1])
    assert first.subject == "举报朱镕基医院收红包" and first.body == GBK_BODY
    assert [a.filename for a in first.attachments] == ["举报材料.pdf", "红包照片(镕).jpg"]
    # PEEK: a crash before the caller stores them must not lose the tips.
    again = fetch_new(*account(imap_server), mailbox="Tips1")
    assert [uid for uid, _ in again.messages] == uids


def test_mark_seen_then_only_new_mail_is_fetched(imap_server: ImapServer) -> None:
    first_uids = deliver(imap_server, "Tips2", gbk_multipart(), utf8_qp())
    result = fetch_new(*account(imap_server), mailbox="Tips2")
    mark_seen(*account(imap_server), first_uids, mailbox="Tips2", uidvalidity=result.uidvalidity)
    assert fetch_new(*account(imap_server), mailbox="Tips2").messages == []

    [new_uid] = deliver(imap_server, "Tips2", html_only())
    newer = fetch_new(*account(imap_server), mailbox="Tips2")
    assert [uid for uid, _ in newer.messages] == [new_uid]
    assert parse_message(newer.messages[0][1]).subject == "投诉停车收费"


def test_since_uid_skips_what_the_caller_already_has(imap_server: ImapServer) -> None:
    uids = deliver(imap_server, "Tips3", gbk_multipart(), utf8_qp(), html_only())
    validity = fetch_new(*account(imap_server), mailbox="Tips3").uidvalidity
    later = fetch_new(
        *account(imap_server), mailbox="Tips3", since_uid=uids[0], uidvalidity=validity
    )
    assert [uid for uid, _ in later.messages] == uids[1:]
    assert later.highest_uid == uids[-1]
    # "UID n:*" on the server still matches the newest message; it must not come back.
    none = fetch_new(
        *account(imap_server), mailbox="Tips3", since_uid=uids[-1], uidvalidity=validity
    )
    assert none.messages == [] and none.highest_uid is None


def test_changed_uidvalidity_fetches_everything_again(imap_server: ImapServer) -> None:
    uids = deliver(imap_server, "Tips4", gbk_multipart(), utf8_qp())
    current = fetch_new(*account(imap_server), mailbox="Tips4").uidvalidity
    mark_seen(*account(imap_server), uids, mailbox="Tips4")
    result = fetch_new(
        *account(imap_server), mailbox="Tips4", since_uid=uids[-1], uidvalidity=current + 1
    )
    assert result.uidvalidity_changed and result.uidvalidity == current
    assert [uid for uid, _ in result.messages] == uids
    with pytest.raises(MailboxUnavailable, match="UIDVALIDITY"):
        mark_seen(*account(imap_server), uids, mailbox="Tips4", uidvalidity=current + 1)


def test_limit_reports_more_to_fetch(imap_server: ImapServer) -> None:
    uids = deliver(imap_server, "Tips5", gbk_multipart(), utf8_qp(), html_only())
    result = fetch_new(*account(imap_server), mailbox="Tips5", limit=2)
    assert [uid for uid, _ in result.messages] == uids[:2] and result.more
    rest = fetch_new(
        *account(imap_server),
        mailbox="Tips5",
        since_uid=result.highest_uid,
        uidvalidity=result.uidvalidity,
    )
    assert [uid for uid, _ in rest.messages] == uids[2:] and not rest.more


def test_chinese_folder_names_work(imap_server: ImapServer) -> None:
    assert encode_mailbox_name("台北/日本語") == "&U,BTFw-/&ZeVnLIqe-"  # RFC 3501 §5.1.3
    assert encode_mailbox_name("A&B") == "A&-B"
    uids = deliver(imap_server, "举报邮件", utf8_qp())
    result = fetch_new(*account(imap_server), mailbox="举报邮件")
    assert [uid for uid, _ in result.messages] == uids


def test_missing_folder_is_a_clear_error(imap_server: ImapServer) -> None:
    with pytest.raises(MailboxUnavailable, match="没有邮箱文件夹“不存在”"):
        fetch_new(*account(imap_server), mailbox="不存在")


def test_unreachable_server_is_retryable() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # bound but not listening: connection refused
        with pytest.raises(MailboxUnavailable, match="连接被拒绝") as caught:
            fetch_new("127.0.0.1", port, "u", "p", timeout=5)
    assert caught.value.retryable is True
    assert caught.value.status == 503


def test_wrong_password_is_not_retried(imap_server: ImapServer) -> None:
    # Last in the module: Dovecot slows down further logins from an IP after a failure.
    with pytest.raises(MailboxUnavailable, match="拒绝登录") as caught:
        fetch_new(imap_server.host, imap_server.port, imap_server.user, "wrong")
    assert caught.value.retryable is False


def test_missing_dovecot_fails_under_ci_and_skips_elsewhere(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(imap_server_module, "DOVECOT", "/nonexistent/dovecot")
    monkeypatch.setattr(imap_server_module, "REQUIRE_ALL", True)
    with pytest.raises(pytest.fail.Exception, match="dovecot"), imap_server_module.dovecot():
        pass
    monkeypatch.setattr(imap_server_module, "REQUIRE_ALL", False)
    with pytest.raises(pytest.skip.Exception, match="dovecot"), imap_server_module.dovecot():
        pass
