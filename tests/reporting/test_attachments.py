"""Attachments of the free-text reports: upload, list, download, removal, locks, bad files."""

from __future__ import annotations

import errno
import hashlib
import io
import re
from datetime import date, datetime
from urllib.parse import quote

import pytest
import time_machine
from sqlalchemy import select, update

from cases.attachments import Upload
from config.audit_log import AuditEvent
from config.errors import InvalidTransition
from config.filestore import (
    DatabaseStore,
    FileBlob,
    FileStore,
    StoreError,
    file_keys_for,
    store_for,
)
from reporting import attachments as files
from reporting.models import Submission, SubmissionAttachment
from reporting.submissions import amend, fire, save_draft, start_draft
from tests.conftest import csrf_token, login, post_form, user
from tests.reporting.journey import SH, obligation, reporter_of
from tests.reporting.pdfs import PDF

OCT_9 = datetime(2026, 10, 9, 10, tzinfo=SH)  # the Q3 progress report is due on 10-10
LIMIT = 64 * 1024
STAMPED = "盖章件.pdf"


@pytest.fixture(autouse=True)
def _before_the_deadline():
    with time_machine.travel(OCT_9, tick=False):
        yield


@pytest.fixture
def settings(settings):
    # A small limit, so that the oversized file is small too (the suite's files are tiny).
    return settings.with_overrides(max_upload_bytes=LIMIT)


def _draft(db) -> Submission:
    ob = obligation(db, "C01-D01-H01", form="quarterly_progress", start=date(2026, 7, 1))
    return start_draft(db, user(db, "reporter"), ob)


def _store(app) -> FileStore:
    return store_for(app.config["QINGFENG"])


def _stored(db) -> list[str]:
    """The names in the file store (the database: the app writes on the test's connection)."""
    return sorted(db.scalars(select(FileBlob.name)))


def _rows(db, sub: Submission) -> list[SubmissionAttachment]:
    db.expire_all()
    stmt = select(SubmissionAttachment).where(SubmissionAttachment.submission_id == sub.id)
    return list(db.scalars(stmt))


def _upload(client, sub_id: int, *chosen: tuple[str, bytes], token_from: str | None = None):
    page = f"/reporting/submissions/{sub_id}"
    data = {
        "csrf_token": csrf_token(client, token_from or page),
        "files": [(io.BytesIO(content), name) for name, content in chosen],
    }
    return client.post(f"{page}/attachments", data=data, content_type="multipart/form-data")


def _attach(app, db, sub: Submission, name: str = STAMPED) -> SubmissionAttachment:
    result = files.add_attachments(
        db, user(db, "reporter"), sub, [Upload(name, PDF)], _store(app), LIMIT
    )
    assert result.rejected == []
    return result.saved[0]


def _download(client, link: str):
    response = client.get(link)
    response.get_data()  # buffered, then the file send_file streams from is closed
    response.close()
    return response


def _logout(client) -> None:
    client.post("/logout", data={"csrf_token": csrf_token(client, "/reporting/")})


def test_owner_uploads_and_the_reviewers_download(client, app, db):
    ob = obligation(db, "C01-D01-H01", form="quarterly_progress", start=date(2026, 7, 1))
    login(client, "reporter")
    started = post_form(client, f"/reporting/obligations/{ob.id}", {})
    match = re.search(r"/reporting/submissions/(\d+)", started.headers["Location"])
    assert match
    sub_id = int(match.group(1))
    path = f"/reporting/submissions/{sub_id}"
    page = client.get(path).get_data(as_text=True)
    assert "暂无附件" in page
    assert 'enctype="multipart/form-data"' in page
    assert f'action="{path}/attachments"' in page

    uploaded = _upload(client, sub_id, (STAMPED, PDF))
    assert uploaded.status_code == 303
    page = client.get(path).get_data(as_text=True)
    assert "已上传 1 个附件" in page
    (row,) = _rows(db, db.get(Submission, sub_id))
    assert (row.filename, row.size, row.content_type) == (STAMPED, len(PDF), "application/pdf")
    assert row.sha256 == hashlib.sha256(PDF).hexdigest()
    assert row.uploaded_by_id == user(db, "reporter").id
    assert row.uploaded_at == OCT_9
    assert row.stored_name != STAMPED and "/" not in row.stored_name
    assert _stored(db) == [row.stored_name]
    sealed = db.scalar(select(FileBlob.sealed).where(FileBlob.name == row.stored_name))
    assert sealed is not None and PDF not in sealed  # encrypted at rest
    assert _store(app).get(db, row.stored_name) == PDF
    link = f"{path}/attachments/{row.id}"
    assert f'href="{link}"' in page and STAMPED in page

    own = _download(client, link)
    assert own.status_code == 200 and own.data == PDF
    assert own.headers["Content-Disposition"].startswith("attachment")
    assert quote(STAMPED) in own.headers["Content-Disposition"]

    post_form(client, f"{path}/save", {"progress|text": "开展警示教育三次"}, token_from=path)
    submitted = post_form(client, f"{path}/fire/submit", {}, token_from=path)
    assert submitted.status_code == 302

    _logout(client)
    login(client, "handler")  # the county bureau above the hospital reviews it
    queue = client.get("/reporting/review").get_data(as_text=True)
    assert STAMPED in queue and f'href="{link}"' in queue
    reviewed = client.get(path).get_data(as_text=True)
    assert STAMPED in reviewed and f'href="{link}"' in reviewed
    assert 'name="files"' not in reviewed and "删除" not in reviewed  # reviewers only read
    download = _download(client, link)
    assert download.status_code == 200 and download.data == PDF

    _logout(client)
    login(client, "inspector")
    assert _download(client, link).data == PDF


def test_another_institutions_reporter_is_refused(client, app, db):
    sub = _draft(db)
    row = _attach(app, db, sub)
    reporter_of(db, "C01-D01-H02")
    login(client, "rep-c01-d01-h02", "another-password-1")
    path = f"/reporting/submissions/{sub.id}"
    assert client.get(path).status_code == 404
    assert client.get(f"{path}/attachments/{row.id}").status_code == 404
    other = _upload(client, sub.id, ("冒充.pdf", PDF), token_from="/reporting/")
    assert other.status_code == 404
    token = csrf_token(client, "/reporting/")
    removed = client.post(f"{path}/attachments/{row.id}/delete", data={"csrf_token": token})
    assert removed.status_code == 404
    assert [r.id for r in _rows(db, sub)] == [row.id]
    assert _stored(db) == [row.stored_name]


def test_files_are_locked_once_submitted_and_an_amendment_starts_empty(client, app, db):
    reporter = user(db, "reporter")
    sub = _draft(db)
    row = _attach(app, db, sub)
    save_draft(db, reporter, sub, {"progress|text": "开展警示教育三次"})
    fire(db, reporter, sub, "submit")
    login(client, "reporter")
    path = f"/reporting/submissions/{sub.id}"
    page = client.get(path).get_data(as_text=True)
    assert "附件已随报表报送，不能再上传或删除" in page
    assert 'name="files"' not in page and f"/attachments/{row.id}/delete" not in page

    refused = _upload(client, sub.id, ("补充材料.pdf", PDF))
    assert refused.status_code == 303
    page = client.get(path).get_data(as_text=True)
    assert "报表当前状态为“已报送”，附件已随报表报送，不能再上传或删除" in page
    removed = post_form(client, f"{path}/attachments/{row.id}/delete", {}, token_from=path)
    assert removed.status_code == 303
    assert [r.id for r in _rows(db, sub)] == [row.id]
    assert _stored(db) == [row.stored_name]

    fire(db, user(db, "leader"), sub, "accept")
    locked = _upload(client, sub.id, ("补充材料.pdf", PDF))
    assert "已审核接收并锁定" in client.get(locked.headers["Location"]).get_data(as_text=True)
    new = amend(db, reporter, sub, "补充一次警示教育")
    page = client.get(f"/reporting/submissions/{new.id}").get_data(as_text=True)
    assert "暂无附件" in page and "更正版本不沿用上一版的附件" in page
    assert f'href="{path}"' in page  # the accepted version keeps its file, still reachable
    assert _rows(db, new) == []
    assert _upload(client, new.id, ("更正后盖章件.pdf", PDF)).status_code == 303
    assert [r.filename for r in _rows(db, new)] == ["更正后盖章件.pdf"]
    assert [r.id for r in _rows(db, sub)] == [row.id]


def test_disallowed_file_is_refused_with_a_message_and_the_draft_is_kept(client, app, db):
    sub = _draft(db)
    login(client, "reporter")
    path = f"/reporting/submissions/{sub.id}"
    post_form(client, f"{path}/save", {"progress|text": "开展警示教育三次"}, token_from=path)

    refused = _upload(client, sub.id, ("工作总结.exe", b"MZ\x90\x00"), ("盖章件.pdf", b"MZ\x90"))
    assert refused.status_code == 303
    page = client.get(path).get_data(as_text=True)
    assert "“工作总结.exe”的文件类型不允许上传（允许：PDF、JPG、PNG、DOCX、XLSX、MP3）" in page
    assert "“盖章件.pdf”的内容与扩展名不符，未上传" in page
    assert "开展警示教育三次" in page and "暂无附件" in page
    assert _rows(db, sub) == [] and _stored(db) == []

    too_big = _upload(client, sub.id, ("扫描件.pdf", PDF + b"%" * LIMIT))
    assert "“扫描件.pdf”超过大小限制（最大 64 KB）" in client.get(
        too_big.headers["Location"]
    ).get_data(as_text=True)
    assert _rows(db, sub) == [] and _stored(db) == []

    mixed = _upload(client, sub.id, (STAMPED, PDF), ("病毒.exe", b"MZ"))
    page = client.get(mixed.headers["Location"]).get_data(as_text=True)
    assert "已上传 1 个附件" in page and "“病毒.exe”的文件类型不允许上传" in page
    assert [r.filename for r in _rows(db, sub)] == [STAMPED] and len(_stored(db)) == 1

    nothing = _upload(client, sub.id)
    assert "请选择要上传的文件" in client.get(nothing.headers["Location"]).get_data(as_text=True)


def test_owner_removes_an_attachment_from_a_draft(client, app, db):
    sub = _draft(db)
    link = f"/reporting/submissions/{sub.id}/attachments/{_attach(app, db, sub).id}"
    login(client, "reporter")
    path = f"/reporting/submissions/{sub.id}"
    assert f"{link}/delete" in client.get(path).get_data(as_text=True)
    removed = post_form(client, f"{link}/delete", {}, token_from=path)
    assert removed.status_code == 303
    assert f"已删除附件“{STAMPED}”" in client.get(path).get_data(as_text=True)
    assert _rows(db, sub) == [] and _stored(db) == []
    event = db.scalar(select(AuditEvent).where(AuditEvent.kind == "submission.attachment_remove"))
    assert event is not None and event.subject_id == sub.id
    assert event.detail["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert client.get(link).status_code == 404


class _FullStore(DatabaseStore):
    """A store that is full (the real faults are in tests/faults/test_disk_full.py)."""

    def put(self, session, name, data):
        raise StoreError(errno.ENOSPC, "No space left on device")


def test_a_full_store_refuses_the_file_and_stores_no_row(app, db):
    sub = _draft(db)
    full = _FullStore(file_keys_for(app.config["QINGFENG"]))
    result = files.add_attachments(
        db, user(db, "reporter"), sub, [Upload(STAMPED, PDF)], full, LIMIT
    )
    assert result.saved == []
    assert result.rejected == [f"“{STAMPED}”未能保存：服务器存储空间不足。"]
    assert _rows(db, sub) == [] and _stored(db) == []


def test_a_failure_after_writing_removes_the_files(app, db, monkeypatch):
    sub = _draft(db)

    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(files, "record_event", broken)
    uploads = [Upload("一.pdf", PDF), Upload("二.pdf", PDF)]
    with pytest.raises(RuntimeError):
        files.add_attachments(db, user(db, "reporter"), sub, uploads, _store(app), LIMIT)
    assert len(_stored(db)) == 2  # stored in the transaction that is about to fail
    db.rollback()  # the caller rolls back the rows: the files go with them
    assert _stored(db) == []


def test_a_submit_that_won_the_race_refuses_the_upload(app, db):
    sub = _draft(db)
    # Another request submitted the draft after this one loaded it.
    db.execute(
        update(Submission)
        .where(Submission.id == sub.id)
        .values(state="submitted")
        .execution_options(synchronize_session=False)
    )
    assert sub.state == "draft"
    with pytest.raises(InvalidTransition, match="已报送"):
        files.add_attachments(
            db, user(db, "reporter"), sub, [Upload(STAMPED, PDF)], _store(app), LIMIT
        )
    assert _stored(db) == []


def test_statistical_tables_take_only_a_stamped_pdf(app, db):
    """Issue 20: "Word版和盖章PDF版本" — table forms too take the stamped scan, as a PDF only
    (their figures are typed into the form); more in tests/reporting/test_stamped_pdf.py."""
    reporter = user(db, "reporter")
    sub = start_draft(db, reporter, obligation(db, "C01-D01-H01"))
    result = files.add_attachments(
        db, reporter, sub, [Upload(STAMPED, PDF), Upload("表.xlsx", b"PK\x03\x04")],
        _store(app), LIMIT,
    )
    assert [a.filename for a in result.saved] == [STAMPED]
    (refused,) = result.rejected
    assert refused.startswith("“表.xlsx”未上传：统计报表只接受盖章后扫描的 PDF 文件")
