"""Mailbox intake against a real Dovecot: tips with attachments, idempotent by UID and
Message-ID, unreadable mail quarantined whole (encrypted) and resolved by a clerk."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlalchemy import delete, func, select

from cases.intake import clue_for_tip, decide
from cases.states import ClueState
from config.errors import ValidationError
from tests.conftest import csrf_token, login, post_form, unit, user
from tests.tips.helpers import make_vault, plaintext_hits
from tests.tips.imap_server import ImapServer
from tests.tips.mailfactory import gbk_multipart, utf8_qp
from tests.tips.test_imap import deliver
from tips.imap import fetch_new
from tips.jobs import JOBS, poll_mailbox
from tips.mailbox import import_file, poll
from tips.models import MailboxState, MailQuarantine, QuarantineStatus, Tip
from tips.service import decrypt_bytes

# No NUL byte: IMAP servers may not store one (RFC 3501 §4.3), Dovecot rewrites it.
BROKEN = b"this is not an e-mail at all\r\n\xff\xfe garbage from a scanner\r\n"
MIDYEAR = datetime(2026, 6, 15, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def _midyear():
    with time_machine.travel(MIDYEAR, tick=False):
        yield


def mailbox_settings(settings, server: ImapServer, folder: str):
    return settings.with_overrides(
        imap_host=server.host,
        imap_port=server.port,
        imap_user=server.user,
        imap_password=server.password,
        imap_mailbox=folder,
        intake_unit="C01-D01",
    )


def count(db, model) -> int:
    return db.scalar(select(func.count()).select_from(model))


def test_poll_turns_mail_into_tips_and_quarantines_the_unreadable(
    db, settings, tmp_path, imap_server
):
    cfg = mailbox_settings(settings, imap_server, "Intake1")
    vault = make_vault(tmp_path)
    deliver(imap_server, "Intake1", gbk_multipart(), utf8_qp(), BROKEN)
    result = poll(db, cfg, vault)
    assert len(result.report.tips) == 2 and len(result.report.quarantined) == 1
    tips = [db.get(Tip, tip_id) for tip_id in result.report.tips]
    gbk = tips[0]
    assert gbk.channel == "mailbox" and gbk.message_id == "20230314093000.ABC123@example.cn"
    assert "收受患者家属红包2000元" in gbk.content and gbk.unit == unit(db, "C01-D01")
    assert {a.content_type for a in gbk.attachments} == {"application/pdf", "image/jpeg"}
    assert gbk.mail_uid == result.uids[0]
    # The sender is encrypted; neither the address nor the raw quarantined bytes are plain.
    assert plaintext_hits(db, "wangfang@example.cn", "lisi@example.com", "not an e-mail") == []
    kept = db.get(MailQuarantine, result.report.quarantined[0])
    assert decrypt_bytes(vault.keyring, kept.raw_token) == BROKEN
    assert "邮件头" in kept.reason and kept.status == QuarantineStatus.OPEN

    # Idempotent: the next poll starts after the last UID ...
    assert poll(db, cfg, vault).report.summary().startswith("新举报 0 件，隔离 0 封")
    # ... and even with the position forgotten, Message-ID and raw hash stop duplicates.
    db.execute(delete(MailboxState))
    again = poll(db, cfg, vault).report
    assert (again.tips, again.quarantined, again.skipped) == ([], [], 3)


def test_mailbox_tip_is_registered_as_clue_with_its_source(db, settings, tmp_path, imap_server):
    cfg = mailbox_settings(settings, imap_server, "Intake2")
    deliver(imap_server, "Intake2", utf8_qp())
    tip = db.get(Tip, poll(db, cfg, make_vault(tmp_path)).report.tips[0])
    assert tip.clue_id is None  # waits in the mailbox queue
    clerk = user(db, "clerk")
    clue = clue_for_tip(db, clerk, tip)
    decide(db, clerk, tip, "register")
    assert (
        clue.channel == "mailbox" and clue.state == ClueState.REGISTERED and clue.tip_id == tip.id
    )


def test_scheduled_job_commits_then_flags_messages_seen(
    session_factory, db, settings, tmp_path, imap_server
):
    cfg = mailbox_settings(settings, imap_server, "Intake3")
    deliver(imap_server, "Intake3", gbk_multipart())
    assert [job.id for job in JOBS] == ["tips.mailbox_poll"]
    summary = poll_mailbox(session_factory, cfg, datetime.now(UTC))
    assert summary.startswith("新举报 1 件")
    assert db.scalar(select(Tip).where(Tip.message_id == "20230314093000.ABC123@example.cn"))
    unseen = fetch_new(
        imap_server.host,
        imap_server.port,
        imap_server.user,
        imap_server.password,
        mailbox="Intake3",
    )
    assert unseen.messages == []


def test_job_without_mailbox_configured_does_nothing(session_factory, settings):
    assert poll_mailbox(session_factory, settings, datetime.now(UTC)) == "未配置举报邮箱，跳过"


def test_import_eml_and_mbox_files(db, tmp_path):
    area = unit(db, "C01-D01")
    vault = make_vault(tmp_path)
    report = import_file(db, area, "举报.eml", utf8_qp(), vault)
    assert len(report.tips) == 1
    mbox = b"From a@b Tue Mar 14 09:30:00 2023\n" + gbk_multipart() + b"\n"
    mbox += b"From c@d Tue Mar 14 09:31:00 2023\n" + BROKEN + b"\n"
    report = import_file(db, area, "export.mbox", mbox, vault)
    assert (len(report.tips), len(report.quarantined)) == (1, 1)
    before = count(db, Tip)
    with pytest.raises(ValidationError, match="不支持的文件类型"):
        import_file(db, area, "台账.xlsx", b"PK\x03\x04...", vault)
    assert count(db, Tip) == before


def test_clerk_sees_queue_and_resolves_quarantine(client, db, tmp_path):
    area = unit(db, "C01-D01")
    vault = make_vault(tmp_path)  # the same key file the app uses (settings fixture)
    report = import_file(db, area, "a.eml", utf8_qp(), vault)
    bad = import_file(db, area, "b.mbox", b"From x@y Tue Mar 14 09:30:00 2023\n" + BROKEN, vault)
    second = import_file(
        db, area, "c.mbox", b"From x@y Tue Mar 14 09:30:00 2023\nnothing useful here", vault
    )
    db.commit()
    login(client, "clerk")
    queue = client.get("/intake/mailbox/").get_data(as_text=True)
    assert "反映XX医院外科张某某收红包" in queue and "有待处理" in queue
    opened = post_form(
        client, f"/intake/mailbox/tips/{report.tips[0]}/open", {}, token_from="/intake/mailbox/"
    )
    assert opened.status_code == 302 and "/decision" in opened.location
    item = bad.quarantined[0]
    page = client.get(f"/intake/mailbox/quarantine/{item}").get_data(as_text=True)
    assert "not an e-mail" in page
    refused = post_form(client, f"/intake/mailbox/quarantine/{item}", {"action": "dismiss"})
    assert "请填写不作为举报处理的理由" in refused.get_data(as_text=True)
    post_form(client, f"/intake/mailbox/quarantine/{item}", {"action": "dismiss", "reason": "乱码"})
    converted = post_form(
        client,
        f"/intake/mailbox/quarantine/{second.quarantined[0]}",
        {"action": "convert", "content": "人工转录：反映卫生院乱收费", "summary": "人工转录"},
    )
    assert converted.status_code == 302
    db.expire_all()
    assert db.get(MailQuarantine, item).status == QuarantineStatus.DISMISSED
    done = db.get(MailQuarantine, second.quarantined[0])
    assert done.status == QuarantineStatus.CONVERTED and done.tip_id is not None
    assert db.get(MailQuarantine, item).raw_token  # dismissed, still kept
    assert csrf_token(client, "/intake/mailbox/quarantine")
