"""Reading the tip mailbox over IMAP (stdlib ``imaplib``).

Idempotency is the caller's, helped from here: messages are fetched with
``BODY.PEEK[]`` so they stay unseen until the caller has stored them and calls
``mark_seen``; each fetch reports the mailbox's UIDVALIDITY, and the caller keeps the
highest UID it has stored. If UIDVALIDITY changes (the server rebuilt the mailbox),
old UIDs mean nothing, so we fetch everything again and the caller skips what it
already has by Message-ID.
"""

from __future__ import annotations

import base64
import imaplib
import re
import socket
import ssl as ssl_module
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field

from config.errors import DomainError

BATCH = 50
_UID = re.compile(rb"\bUID (\d+)")
_UIDVALIDITY = re.compile(rb"UIDVALIDITY (\d+)")


class MailboxUnavailable(DomainError):
    """The mail server could not be reached or refused us; ``retryable`` tells the scheduler."""

    status = 503
    code = "mailbox_unavailable"

    def __init__(self, message: str, *, retryable: bool = True) -> None:
        super().__init__(message)
        self.retryable = retryable


@dataclass(frozen=True)
class MailboxAccount:
    host: str
    port: int
    user: str
    password: str
    mailbox: str = "INBOX"
    ssl: bool = False
    timeout: float = 30.0


@dataclass(frozen=True)
class FetchResult:
    uidvalidity: int
    messages: list[tuple[int, bytes]] = field(default_factory=list)
    # True when the caller's UIDVALIDITY no longer holds and everything was fetched again.
    uidvalidity_changed: bool = False
    # True when ``limit`` cut the batch short: call again with the last UID.
    more: bool = False

    @property
    def highest_uid(self) -> int | None:
        return max((uid for uid, _ in self.messages), default=None)


def encode_mailbox_name(name: str) -> str:
    """IMAP's modified UTF-7 (RFC 3501 §5.1.3), so folders like "举报邮件" can be named."""
    out: list[str] = []
    pending: list[str] = []

    def flush() -> None:
        if pending:
            data = "".join(pending).encode("utf-16-be")
            out.append(
                "&" + base64.b64encode(data).decode("ascii").rstrip("=").replace("/", ",") + "-"
            )
            pending.clear()

    for char in name:
        if 0x20 <= ord(char) <= 0x7E:
            flush()
            out.append("&-" if char == "&" else char)
        else:
            pending.append(char)
    flush()
    return "".join(out)


def _quote(mailbox: str) -> str:
    name = encode_mailbox_name(mailbox)
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


@contextmanager
def _session(account: MailboxAccount, *, readonly: bool) -> Iterator[tuple[imaplib.IMAP4, int]]:
    where = f"{account.host}:{account.port}"
    try:
        if account.ssl:
            conn: imaplib.IMAP4 = imaplib.IMAP4_SSL(
                account.host,
                account.port,
                ssl_context=ssl_module.create_default_context(),
                timeout=account.timeout,
            )
        else:
            conn = imaplib.IMAP4(account.host, account.port, timeout=account.timeout)
    except (OSError, imaplib.IMAP4.error) as err:
        raise MailboxUnavailable(
            f"无法连接邮件服务器 {where}：{_reason(err)}。稍后将自动重试。"
        ) from err
    try:
        try:
            conn.login(account.user, account.password)
        except imaplib.IMAP4.error as err:
            raise MailboxUnavailable(
                f"邮件服务器 {where} 拒绝登录：用户名或密码错误，或账号未开通 IMAP。"
                "请管理员检查邮箱设置。",
                retryable=False,
            ) from err
        status, data = conn.select(_quote(account.mailbox), readonly=readonly)
        if status != "OK":
            raise MailboxUnavailable(
                f"邮件服务器 {where} 上没有邮箱文件夹“{account.mailbox}”。", retryable=False
            )
        yield conn, _uidvalidity(conn, account.mailbox)
    except (OSError, imaplib.IMAP4.abort) as err:
        raise MailboxUnavailable(
            f"与邮件服务器 {where} 的连接中断：{_reason(err)}。稍后将自动重试。"
        ) from err
    finally:
        # If the connection is already gone there is nothing left to close politely, and
        # logout() raises before closing the socket: close it here, or every drop leaks one.
        with suppress(OSError, imaplib.IMAP4.error):
            conn.logout()
        with suppress(OSError):
            conn.shutdown()


def _reason(err: BaseException) -> str:
    if isinstance(err, ConnectionRefusedError):
        return "连接被拒绝（服务未启动或端口错误）"
    if isinstance(err, socket.timeout | TimeoutError):
        return "连接超时"
    if isinstance(err, socket.gaierror):
        return "无法解析服务器地址"
    if isinstance(err, ssl_module.SSLError):
        return "SSL/TLS 握手失败"
    return str(err) or type(err).__name__


def _uidvalidity(conn: imaplib.IMAP4, mailbox: str) -> int:
    _typ, data = conn.response("UIDVALIDITY")
    for item in data or []:
        if item:
            return int(item)
    status, data = conn.status(_quote(mailbox), "(UIDVALIDITY)")
    match = _UIDVALIDITY.search(data[0] or b"") if status == "OK" and data else None
    if match is None:
        raise MailboxUnavailable("邮件服务器没有提供 UIDVALIDITY，无法保证不重复收取。")
    return int(match.group(1))


def _search(conn: imaplib.IMAP4, criteria: str) -> list[int]:
    status, data = conn.uid("SEARCH", criteria)
    if status != "OK":
        raise MailboxUnavailable(f"邮件服务器拒绝了搜索请求：{data!r}")
    return sorted(int(uid) for uid in (data[0] or b"").split())


def _fetch(conn: imaplib.IMAP4, uids: list[int]) -> list[tuple[int, bytes]]:
    found: dict[int, bytes] = {}
    for start in range(0, len(uids), BATCH):
        chunk = ",".join(str(uid) for uid in uids[start : start + BATCH])
        status, data = conn.uid("FETCH", chunk, "(UID BODY.PEEK[])")
        if status != "OK":
            raise MailboxUnavailable(f"邮件服务器拒绝了收取请求：{data!r}")
        for item in data:
            if isinstance(item, tuple) and (match := _UID.search(item[0])):
                found[int(match.group(1))] = item[1]
    return [(uid, found[uid]) for uid in uids if uid in found]


def fetch_new(
    host: str,
    port: int,
    user: str,
    password: str,
    *,
    mailbox: str = "INBOX",
    ssl: bool = False,
    since_uid: int | None = None,
    uidvalidity: int | None = None,
    limit: int = 200,
    timeout: float = 30.0,
) -> FetchResult:
    """Messages with UID > ``since_uid`` (all unseen ones when None), oldest first, left unseen.

    Pass the ``uidvalidity`` stored with ``since_uid``; if the server's differs, every
    message is fetched again (RFC 3501 §2.3.1.1: UIDs are only valid within one UIDVALIDITY).
    """
    account = MailboxAccount(host, port, user, password, mailbox, ssl, timeout)
    with _session(account, readonly=True) as (conn, current_validity):
        changed = uidvalidity is not None and uidvalidity != current_validity
        if changed:
            uids = _search(conn, "ALL")
        elif since_uid is None:
            uids = _search(conn, "UNSEEN")
        else:
            # "n:*" always matches the newest message even when its UID <= n: filter here.
            uids = [uid for uid in _search(conn, f"UID {since_uid + 1}:*") if uid > since_uid]
        more = len(uids) > limit
        messages = _fetch(conn, uids[:limit])
    return FetchResult(current_validity, messages, uidvalidity_changed=changed, more=more)


def mark_seen(
    host: str,
    port: int,
    user: str,
    password: str,
    uids: Iterable[int],
    *,
    mailbox: str = "INBOX",
    ssl: bool = False,
    uidvalidity: int | None = None,
    timeout: float = 30.0,
) -> None:
    """Flag stored messages \\Seen, only after the caller committed them (never lose a tip)."""
    wanted = sorted(set(uids))
    if not wanted:
        return
    account = MailboxAccount(host, port, user, password, mailbox, ssl, timeout)
    with _session(account, readonly=False) as (conn, current_validity):
        if uidvalidity is not None and uidvalidity != current_validity:
            raise MailboxUnavailable("邮箱已被服务器重建（UIDVALIDITY 变化），未标记已读。")
        for start in range(0, len(wanted), BATCH):
            chunk = ",".join(str(uid) for uid in wanted[start : start + BATCH])
            status, data = conn.uid("STORE", chunk, "+FLAGS.SILENT", "(\\Seen)")
            if status != "OK":
                raise MailboxUnavailable(f"邮件服务器拒绝标记已读：{data!r}")
