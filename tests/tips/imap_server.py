"""A real Dovecot IMAP server for tests: private config, loopback, a free port, a tmp maildir.

Under CI (``tests/dbutil.py::REQUIRE_ALL``) a missing dovecot fails the test; elsewhere
the test is skipped with the reason.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.dbutil import REQUIRE_ALL

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
USER = "jubao@wjw.example.gov.cn"
PASSWORD = "mailbox-test-password"

CONFIG = """\
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
info_log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
{plaintext}
auth_mechanisms = plain login
auth_failure_delay = 0
default_login_user = {login_user}
default_internal_user = {internal_user}
first_valid_uid = 0
mail_location = maildir:{root}/mail/%n
mail_uid = {uid}
mail_gid = {gid}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/users
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/mail/%n
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service stats {{
  inet_listener http {{
    port = 0
  }}
}}
"""


@dataclass(frozen=True)
class ImapServer:
    host: str
    port: int
    user: str
    password: str
    root: Path


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _version() -> tuple[int, ...]:
    out = subprocess.run([DOVECOT, "--version"], capture_output=True, text=True, check=True)
    return tuple(int(p) for p in out.stdout.split()[0].split(".")[:2])


def _wait_for_greeting(port: int, log: Path, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"dovecot exited: {log.read_text() if log.exists() else ''}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
                if sock.recv(100).startswith(b"* OK"):
                    return
        except OSError:
            pass
        time.sleep(0.05)  # polling a starting process, not waiting on test time
    raise RuntimeError(f"dovecot did not answer on port {port}: {log.read_text()}")


@contextmanager
def dovecot() -> Iterator[ImapServer]:
    if not os.path.exists(DOVECOT):
        message = "dovecot 未安装（apt-get install -y dovecot-imapd），无法测试 IMAP 收信"
        if REQUIRE_ALL:
            pytest.fail(message)
        pytest.skip(message)
    # A short path: Dovecot's unix sockets live in base_dir and paths are limited to 108 bytes.
    root = Path(tempfile.mkdtemp(prefix="qf-imap-"))
    if os.geteuid() == 0:
        # Root may not own mail: the mail process runs as nobody, login as dovenull.
        uid = gid = 65534
        login_user = "dovenull" if _has_user("dovenull") else "nobody"
        internal_user = "dovecot" if _has_user("dovecot") else "nobody"
    else:
        uid, gid = os.getuid(), os.getgid()
        login_user = internal_user = pwd.getpwuid(uid).pw_name
    plaintext = (
        "auth_allow_cleartext = yes" if _version() >= (2, 4) else "disable_plaintext_auth = no"
    )
    port = _free_port()
    (root / "mail").mkdir()
    os.chmod(root, 0o711)  # noqa: S103 -- the mail process runs as nobody and must traverse it
    if os.geteuid() == 0:
        os.chown(root / "mail", uid, gid)
    (root / "users").write_text(f"{USER}:{{PLAIN}}{PASSWORD}\n")
    config = root / "dovecot.conf"
    config.write_text(
        CONFIG.format(
            root=root,
            port=port,
            uid=uid,
            gid=gid,
            login_user=login_user,
            internal_user=internal_user,
            plaintext=plaintext,
        )
    )
    log = root / "dovecot.log"
    process = subprocess.Popen(
        [DOVECOT, "-F", "-c", str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT
    )
    try:
        _wait_for_greeting(port, log, process)
        yield ImapServer("127.0.0.1", port, USER, PASSWORD, root)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(root, ignore_errors=True)


def _has_user(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True
