"""案卷 PDF: cover, 卷内目录 whose page numbers point at the right pages, 处置卡, 办理记录,
records, and the issued letters' sealed PDFs page for page, in the order issued; a tampered
sealed file is refused; only those who see the clue export it."""

from __future__ import annotations

import io
import re
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from cases.models import Clue
from cases.states import ClueState
from config.errors import ValidationError
from config.filestore import store_for
from documents import bulletin_demo
from documents import demo as documents_demo
from documents.dossier import dossier_pdf
from documents.letter_models import IssuedDocument
from documents.letters import draft, issue
from tests.conftest import login, user


@pytest.fixture
def files(settings):
    return store_for(settings)


@pytest.fixture
def closed(db):
    documents_demo.load_demo(db)
    bulletin_demo.load_demo(db)
    return db.scalars(
        select(Clue).where(Clue.state == ClueState.WRITTEN_OFF).order_by(Clue.id)
    ).first()


def _pages(pdf: bytes) -> list[str]:
    return [p.extract_text().replace(" ", "") for p in PdfReader(io.BytesIO(pdf)).pages]


def _layout_page(pdf: bytes, number: int, tmp: Path) -> str:
    """One page as poppler lays it out (tests need poppler-utils: .ci/run installs it)."""
    path = tmp / "dossier.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", "-layout", "-f", str(number), "-l", str(number), str(path), "-"],
        capture_output=True, check=True,
    ).stdout.decode()
    return text.replace(" ", "")


def _issue(db, clue, files, code="disposal_card"):
    leader = user(db, "leader")
    return issue(db, leader, clue, code, draft(db, leader, clue, code).letter.text, files)


def test_dossier_has_contents_records_and_the_sealed_letters(db, closed, files, tmp_path):
    first = _issue(db, closed, files)
    second = _issue(db, closed, files)
    name, pdf = dossier_pdf(db, user(db, "leader"), closed, files)
    assert name == f"案卷-{closed.reference}.pdf"
    pages = _pages(pdf)
    assert "问题线索案卷" in pages[0] and closed.reference in pages[0]
    toc = _layout_page(pdf, 2, tmp_path)  # pypdf reads the leader's number out of order
    assert "卷内目录" in toc
    letter_pages = [_pages(files.get(db, d.pdf_name)) for d in (first, second)]
    assert pages[-len(letter_pages[1]):] == letter_pages[1]  # the sealed pages, as issued
    headings = ("一、问题线索处置卡", "二、办理记录", "三、办理材料", "四、文书", first.number_text)
    for heading in headings:
        found = re.search(re.escape(heading.replace(" ", "")) + r"[^.\n]*\.+(\d+)", toc)
        assert found, (heading, toc)
        number = int(found.group(1))
        target = heading if heading != first.number_text else letter_pages[0][0][:30]
        assert target in pages[number - 1], heading
    whole = "".join(pages)
    assert "张三" in whole  # the internal file keeps the names; only the 通报 anonymises
    assert "批准销号" in whole and "诫勉谈话" in whole and "当事人" in whole


def test_a_tampered_letter_is_not_filed(db, closed, files):
    doc = _issue(db, closed, files)
    files.delete(db, doc.pdf_name)
    files.put(db, doc.pdf_name, b"%PDF-1.4 forged")
    with pytest.raises(ValidationError, match="SHA-256"):
        dossier_pdf(db, user(db, "leader"), closed, files)


def test_export_page_and_jurisdiction(client, app, db, closed):
    login(client, "handler")
    answer = client.get(f"/clues/{closed.id}/dossier.pdf")
    assert answer.status_code == 200 and answer.mimetype == "application/pdf"
    assert "filename*=UTF-8''" in answer.headers["Content-Disposition"]
    assert db.scalar(select(IssuedDocument)) is None
    outsider = app.test_client()
    login(outsider, "clerk_yt")  # another county's office
    assert outsider.get(f"/clues/{closed.id}/dossier.pdf").status_code == 404


def test_a_long_file_is_laid_out_in_parts_numbered_as_one(db, closed, files, monkeypatch):
    """The 办理记录 is laid out in slices (bounded memory); the file still reads as one:
    each page's footer number is its place in the PDF, the contents point at the pages
    where the sections begin, later slices say （续）, and each contents line is a bookmark."""
    from cases.handling_models import ClueEvent
    from config.database import utcnow
    from documents import dossier

    monkeypatch.setattr(dossier, "TIMELINE_SLICE", 40)
    leader = user(db, "leader")
    db.add_all(
        ClueEvent(clue_id=closed.id, actor_id=leader.id, at=utcnow(), kind="talk.add",
                  summary=f"第{i}次谈话：核查组调取诊疗记录并询问相关人员。")
        for i in range(150)
    )
    db.flush()
    letter = _issue(db, closed, files)
    _, pdf = dossier_pdf(db, leader, closed, files)
    pages = _pages(pdf)
    sealed = _pages(files.get(db, letter.pdf_name))
    own = pages[: len(pages) - len(sealed)]
    for number, text in enumerate(own[1:], start=2):  # the cover carries no number
        assert f"第{number}页" in text, (number, text[-40:])
    assert sum("二、办理记录（续）" in p for p in own) >= 3  # 150+ entries in slices of 40
    reader = PdfReader(io.BytesIO(pdf))
    marks = {m.title: reader.get_destination_page_number(m) for m in reader.outline
             if not isinstance(m, list)}
    for heading in ("一、问题线索处置卡", "二、办理记录", "三、办理材料", "四、文书"):
        assert heading in pages[marks[heading]], heading
        found = re.search(re.escape(heading) + r"[^.\n]*\.+(\d+)", pages[1])
        assert found and int(found.group(1)) == marks[heading] + 1, heading
    for heading in ("谈话记录", "移送", "附件目录"):
        found = re.search(re.escape(heading) + r"\.+(\d+)", pages[1])
        assert found and heading in pages[int(found.group(1)) - 1], heading
    assert pages[-len(sealed):] == sealed
