"""Mail in wrong, missing or impossible charsets, through a real Dovecot: read right, or
quarantined with the original byte for byte; every tip keeps its original; none is lost."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlalchemy import select

from config.errors import NotFound
from tests.conftest import login, unit, user
from tests.tips.helpers import make_vault, plaintext_hits
from tests.tips.imap_server import ImapServer
from tests.tips.mailfactory import (
    BIG5_BODY,
    GB18030_BODY,
    GBK_BODY,
    big5_mail,
    gb18030_unlabelled,
    gbk_labelled_utf8,
    undecodable,
)
from tests.tips.test_imap import deliver
from tests.tips.test_mailbox import mailbox_settings
from tips.imap import fetch_new
from tips.jobs import poll_mailbox
from tips.mailbox import import_file, original_of, poll
from tips.models import MailOriginal, MailQuarantine, QuarantineStatus, Tip
from tips.protection import rotate_keyfile
from tips.service import decrypt_bytes, reencrypt_everything

MIDYEAR = datetime(2026, 6, 15, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
MESSAGES = {
    "gbk-as-utf8@example.cn": gbk_labelled_utf8(),
    "gb18030-bare@example.cn": gb18030_unlabelled(),
    "big5-big5@example.com.hk": big5_mail(),
    "big5-gb2312@example.com.hk": big5_mail("gb2312"),
}


@pytest.fixture(autouse=True)
def _midyear():
    with time_machine.travel(MIDYEAR, tick=False):
        yield


def _fetched(server: ImapServer, folder: str) -> dict[int, bytes]:
    """The bytes exactly as the server hands them out (what must be kept)."""
    result = fetch_new(server.host, server.port, server.user, server.password, mailbox=folder)
    return dict(result.messages)


def test_every_charset_is_read_right_and_the_undecodable_is_quarantined(
    db, settings, tmp_path, imap_server
):
    cfg = mailbox_settings(settings, imap_server, "Charsets1")
    vault = make_vault(tmp_path)
    uids = deliver(imap_server, "Charsets1", *MESSAGES.values(), undecodable())
    served = _fetched(imap_server, "Charsets1")
    result = poll(db, cfg, vault)
    assert (len(result.report.tips), len(result.report.quarantined)) == (4, 1)
    assert sorted(result.uids) == sorted(uids)

    tips = {t.message_id: t for t in (db.get(Tip, i) for i in result.report.tips)}
    assert set(tips) == set(MESSAGES)
    expected = {
        "gbk-as-utf8@example.cn": ("举报外科收红包", GBK_BODY),
        "gb18030-bare@example.cn": ("反映卫生院院长𠮷某收回扣", GB18030_BODY),
        "big5-big5@example.com.hk": ("檢舉醫生收紅包", BIG5_BODY),
        "big5-gb2312@example.com.hk": ("檢舉醫生收紅包", BIG5_BODY),
    }
    for message_id, tip in tips.items():
        assert (tip.summary, tip.content) == expected[message_id]
        assert "\ufffd" not in tip.content + tip.summary
        # The original is kept encrypted, byte for byte as the server served it.
        original = db.scalar(select(MailOriginal).where(MailOriginal.tip_id == tip.id))
        assert decrypt_bytes(vault.keyring, original.raw_token) == served[tip.mail_uid]

    # No tip of U+FFFD: the undecodable mail is quarantined whole, with a reason.
    assert db.scalar(select(Tip).where(Tip.message_id == "undecodable@example.cn")) is None
    kept = db.get(MailQuarantine, result.report.quarantined[0])
    assert decrypt_bytes(vault.keyring, kept.raw_token) == served[uids[-1]]
    assert kept.mail_uid == uids[-1] and kept.status == QuarantineStatus.OPEN
    assert "正文" in kept.reason and "乱码" in kept.reason
    # Originals and quarantine are encrypted: no sender in plaintext anywhere.
    assert plaintext_hits(db, "broken-gateway@example.cn", "chen@example.com.hk") == []


def test_job_commits_then_flags_seen_and_nothing_is_lost(
    session_factory, db, settings, tmp_path, imap_server
):
    cfg = mailbox_settings(settings, imap_server, "Charsets2")
    uids = deliver(imap_server, "Charsets2", undecodable(), big5_mail("gb2312"))
    served = _fetched(imap_server, "Charsets2")
    summary = poll_mailbox(session_factory, cfg, datetime.now(UTC))
    assert summary.startswith("新举报 1 件，隔离 1 封")
    # Flagged \Seen only now that both are committed: nothing is left unread, nothing lost.
    assert _fetched(imap_server, "Charsets2") == {}
    db.expire_all()
    vault = make_vault(tmp_path)
    kept = db.scalar(select(MailQuarantine).where(MailQuarantine.mail_uid == uids[0]))
    assert decrypt_bytes(vault.keyring, kept.raw_token) == served[uids[0]]
    tip = db.scalar(select(Tip).where(Tip.mail_uid == uids[1]))
    assert tip.content == BIG5_BODY
    assert original_of(db, user(db, "clerk"), tip, vault) == served[uids[1]]


def test_imported_file_keeps_its_original_through_key_rotation(db, tmp_path):
    vault = make_vault(tmp_path)
    raw = gbk_labelled_utf8()
    report = import_file(db, unit(db, "C01-D01"), "举报.eml", raw, vault)
    tip = db.get(Tip, report.tips[0])
    assert tip.content == GBK_BODY
    keyring = rotate_keyfile(tmp_path / "reporter.key")
    assert reencrypt_everything(db, keyring).failed == []
    rotated = make_vault(tmp_path)
    assert original_of(db, user(db, "clerk"), tip, rotated) == raw
    # The intake roles of the tip's body only: an inspector reads tips, not originals.
    with pytest.raises(NotFound):
        original_of(db, user(db, "inspector"), tip, rotated)


def test_clerk_downloads_original_and_reads_quarantine_in_a_chosen_charset(client, db, tmp_path):
    area = unit(db, "C01-D01")
    vault = make_vault(tmp_path)  # the same key file the app uses (settings fixture)
    tip_id = import_file(db, area, "a.eml", big5_mail(), vault).tips[0]
    item = import_file(db, area, "b.eml", undecodable(), vault).quarantined[0]
    db.commit()
    login(client, "clerk")
    tip_page = client.get(f"/tips/{tip_id}").get_data(as_text=True)
    assert f"/intake/mailbox/tips/{tip_id}/original.eml" in tip_page
    download = client.get(f"/intake/mailbox/tips/{tip_id}/original.eml")
    assert download.status_code == 200 and download.data == big5_mail()
    assert download.headers["Cache-Control"] == "no-store"
    page = client.get(f"/intake/mailbox/quarantine/{item}").get_data(as_text=True)
    assert "无法按任何字符编码正确解码" in page and "broken-gateway@example.cn" in page
    # What did decode is offered to the clerk, so only the body needs retyping.
    assert 'name="reporter_email" value="broken-gateway@example.cn"' in page
    assert 'name="summary" value="举报"' in page
    chosen = client.get(f"/intake/mailbox/quarantine/{item}?charset=gb18030").get_data(as_text=True)
    assert 'value="gb18030" selected' in chosen
    assert "Subject: 举报" in chosen  # a header that decoded is not re-read in the choice
    raw = client.get(f"/intake/mailbox/quarantine/{item}/raw")
    assert raw.data == undecodable()
    assert client.get("/intake/mailbox/tips/999999/original.eml").status_code == 404
