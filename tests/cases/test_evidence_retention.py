"""Evidence retention: a clue written off longer ago than the setting loses its files (the
rows, names and digests stay), the administrator sees beforehand what would go, and a
clue reopened for 回头看 keeps everything."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlalchemy import select

from cases.attachments import Upload, add_attachments
from cases.jobs import purge_evidence_job
from cases.retention import purge, report
from cases.states import ClueState
from config.audit_log import AuditEvent
from config.database import utcnow
from config.filestore import FileBlob, store_for
from tests.cases.factories import clue_in_state
from tests.conftest import login, user
from tests.tips.helpers import PDF, photo_with_metadata
from tips.attachments import Upload as TipUpload
from tips.models import Tip, TipAttachment
from tips.service import NewTip, create_tip, vault_for
from workflow.models import TransitionLog

SH = ZoneInfo("Asia/Shanghai")
CLOSED = datetime(2026, 1, 10, 15, tzinfo=SH)
DAYS = 90


def _closed_clue(db, settings, at: datetime = CLOSED, state: str = ClueState.WRITTEN_OFF):
    """A clue with evidence (its own file and a tip's photo), written off at ``at``."""
    files = store_for(settings)
    clue = clue_in_state(db, ClueState.VERIFYING)  # files are added while handling
    add_attachments(db, user(db, "handler"), clue, [Upload("笔录.pdf", PDF)], files, 1 << 20)
    tip = create_tip(
        db,
        None,
        clue.unit,
        NewTip(
            channel="portal",
            content="反映收受红包",
            attachments=[TipUpload("现场.jpg", photo_with_metadata())],
        ),
        vault_for(settings),
    )
    tip.clue_id = clue.id
    db.add(
        TransitionLog(
            lifecycle="clue",
            subject_id=clue.id,
            at=at,
            trigger="write_off",
            from_state="feedback",
            to_state="written_off",
            version=clue.version,
        )
    )
    clue.state = state
    db.flush()
    return clue, tip


def _blobs(db) -> set[str]:
    return set(db.scalars(select(FileBlob.name)))


def test_nothing_is_due_before_the_period_ends_or_without_a_setting(db, settings):
    clue, _ = _closed_clue(db, settings)
    assert report(db, DAYS, datetime(2026, 4, 9, 12, tzinfo=SH)) == []  # 89 days on
    assert report(db, 0, datetime(2030, 1, 1, tzinfo=SH)) == []  # 0 = keep for ever
    due = report(db, DAYS, datetime(2026, 4, 10, 16, tzinfo=SH))
    assert [d.clue_id for d in due] == [clue.id]
    assert sorted(f.filename for f in due[0].files) == ["现场.jpg", "笔录.pdf"]
    assert due[0].written_off_at == CLOSED


def test_purge_removes_the_files_keeps_the_records_and_is_audited(client, app, db, settings):
    clue, tip = _closed_clue(db, settings)
    photo = tip.attachments[0]
    names = {a.stored_name for a in clue_attachments(db, clue.id)}
    names |= {photo.stored_name, photo.original_name}
    assert names <= _blobs(db)
    with time_machine.travel(datetime(2026, 5, 1, 3, tzinfo=SH), tick=False):
        result = purge(db, store_for(settings), DAYS, utcnow())
    assert (result.clues, result.files) == (1, 2)
    assert names.isdisjoint(_blobs(db))  # the photo's original went too
    for row in (*clue_attachments(db, clue.id), photo):
        assert row.purged_at is not None and row.sha256  # the record of what there was stays
    event = db.scalar(select(AuditEvent).where(AuditEvent.kind == "evidence.purge"))
    assert event is not None and event.subject_id == clue.id
    assert {f["name"] for f in event.detail["files"]} == {"笔录.pdf", "现场.jpg"}
    assert report(db, DAYS, utcnow()) == []  # nothing left to do: a second run is a no-op
    db.commit()

    login(client, "handler")
    row = clue_attachments(db, clue.id)[0]
    page = client.get(f"/clues/{clue.id}/attachments/{row.id}")
    assert page.status_code == 404
    assert "按证据保存期限删除" in page.get_data(as_text=True)


def test_a_reopened_clue_keeps_its_evidence(db, settings):
    clue, _ = _closed_clue(db, settings, state=ClueState.TRIAGE)
    assert report(db, DAYS, datetime(2027, 1, 1, tzinfo=SH)) == []
    assert clue.id not in {d.clue_id for d in report(db, 1, datetime(2027, 1, 1, tzinfo=SH))}


def test_the_nightly_job_follows_the_setting(db, session_factory, settings):
    clue, _ = _closed_clue(db, settings)
    db.commit()
    later = datetime(2026, 6, 1, 2, 40, tzinfo=SH)
    message = purge_evidence_job(session_factory, settings, later)
    assert "全部保留" in message
    assert _blobs(db)
    kept = settings.with_overrides(evidence_retention_days=DAYS)
    assert purge_evidence_job(session_factory, kept, later).startswith("已删除 1 条线索的 2 个")
    db.expire_all()
    assert all(a.purged_at for a in clue_attachments(db, clue.id))


def clue_attachments(db, clue_id: int):
    from cases.handling_models import Attachment

    return list(db.scalars(select(Attachment).where(Attachment.clue_id == clue_id)))


@pytest.fixture(autouse=True)
def _no_other_tips(db):
    # Tips of the demo have no files; only this module's are counted.
    assert db.scalar(select(TipAttachment.id).join(Tip)) is None


def test_the_admin_page_shows_what_would_be_removed(client, app, db, settings):
    clue, _ = _closed_clue(db, settings)
    db.commit()
    login(client, "admin")
    page = client.get("/admin/storage").get_data(as_text=True)
    assert "未设置：全部保留" in page and "不会删除任何附件" in page
    app.config["QINGFENG"] = settings.with_overrides(evidence_retention_days=DAYS)
    with time_machine.travel(datetime(2026, 5, 1, 9, tzinfo=SH), tick=False):
        login(client, "admin")
        page = client.get("/admin/storage").get_data(as_text=True)
    assert "线索销号后 90 天" in page and 'data-testid="due"' in page
    assert "笔录.pdf（线索附件）" in page and "现场.jpg（举报附件）" in page
    assert f"/clues/{clue.id}" in page
    login(client, "leader")
    assert client.get("/admin/storage").status_code == 403
