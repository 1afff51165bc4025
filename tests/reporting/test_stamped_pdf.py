"""盖章PDF on a statistical form (issue 20, "Word版和盖章PDF版本"): the reporter attaches the
stamped scan to a 统计表 submission; it must be a PDF that opens (not a renamed file, not
encrypted, not empty, within the size limit); it is sealed in the file store; the
reviewing office downloads it."""

from __future__ import annotations

import io
import re
from datetime import datetime

import pytest
import time_machine
from sqlalchemy import select

from config.filestore import FileBlob
from reporting.models import SubmissionAttachment
from tests.conftest import csrf_token, login, post_form
from tests.reporting.journey import SH, obligation
from tests.reporting.pdfs import PDF, one_page_pdf

NOV_3 = datetime(2026, 11, 3, 10, tzinfo=SH)
LIMIT = 64 * 1024


@pytest.fixture(autouse=True)
def _in_november():
    with time_machine.travel(NOV_3, tick=False):
        yield


@pytest.fixture
def settings(settings):
    return settings.with_overrides(max_upload_bytes=LIMIT)


def _upload(client, path: str, *chosen: tuple[str, bytes]):
    data = {
        "csrf_token": csrf_token(client, path),
        "files": [(io.BytesIO(content), name) for name, content in chosen],
    }
    return client.post(f"{path}/attachments", data=data, content_type="multipart/form-data")


def test_reporter_attaches_a_stamped_pdf_and_the_county_downloads_it(client, app, db):
    ob = obligation(db, "C01-D01-H01", form="zl3")
    login(client, "reporter")
    started = post_form(client, f"/reporting/obligations/{ob.id}", {})
    path = re.search(r"/reporting/submissions/\d+", started.headers["Location"]).group(0)
    page = client.get(path).get_data(as_text=True)
    assert 'accept=".pdf"' in page and "盖章扫描件 PDF" in page
    answer = _upload(
        client, path,
        ("盖章件.pdf", PDF),
        ("改名的图片.pdf", b"%PDF-1.4 not really a pdf"),
        ("加密.pdf", one_page_pdf(password="x")),
        ("照片.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 16),
        ("太大.pdf", PDF + b"\x00" * LIMIT),
    )
    assert answer.status_code == 303
    shown = client.get(path).get_data(as_text=True)
    assert "已上传 1 个附件" in shown
    assert "“改名的图片.pdf”不是有效的 PDF 文件" in shown
    assert "“加密.pdf”已加密" in shown
    assert "“照片.jpg”未上传：统计报表只接受盖章后扫描的 PDF 文件" in shown
    assert "太大.pdf" in shown and "超过" in shown
    row = db.scalar(select(SubmissionAttachment))
    assert row.filename == "盖章件.pdf"
    sealed = db.scalar(select(FileBlob.sealed).where(FileBlob.name == row.stored_name))
    assert PDF not in sealed  # encrypted at rest
    link = f"{path}/attachments/{row.id}"
    client.post("/logout", data={"csrf_token": csrf_token(client, "/reporting/")})
    login(client, "handler")  # the county bureau above the hospital reviews it
    download = client.get(link)
    assert download.status_code == 200 and download.data == PDF
    download.close()
