"""The 通报: typical cases picked by period, scope and filters, anonymised by rule, edited,
issued with a 文号 as DOCX (fonts, 文号, text) and PDF (text), published to the portal."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date, timedelta

import docx
import pytest
from docx.oxml.ns import qn
from pypdf import PdfReader
from sqlalchemy import select

from config.audit_log import AuditEvent
from config.errors import Conflict, InvalidTransition, NotFound, PermissionDenied, ValidationError
from config.filekeys import FileKeys
from config.filestore import DatabaseStore
from documents import bulletin_demo, bulletins
from documents.anonymise import pseudonyms
from documents.bulletin_cases import CaseFilter, candidates
from documents.bulletins import BulletinEdit, CaseEdit
from tests.conftest import unit, user
from tests.security.world import add_second_county_users
from workflow.engine import local_today

STORE = DatabaseStore(FileKeys((b"k" * 32,)))


@pytest.fixture
def closed(db):
    bulletin_demo.load_demo(db)
    add_second_county_users(db)
    return db


def _only(**changes) -> CaseFilter:
    return replace(_year(), **changes)


def _year() -> CaseFilter:
    today = local_today()
    return CaseFilter(today - timedelta(days=365), today)


def test_names_become_surname_and_mou():
    assert pseudonyms(["张三", "李四", "张伟", "欧阳娜娜", "张三", "Tom"]) == {
        "张三": "张某",
        "李四": "李某",
        "张伟": "张某某",
        "欧阳娜娜": "欧阳某",
        "Tom": "某某",
    }


def test_candidates_are_closed_clues_in_jurisdiction_and_filters_apply(closed):
    leader = user(closed, "leader")
    found = candidates(closed, leader, _year())
    assert len(found) == 3
    assert all(c.clue.state == "written_off" for c in found)
    assert len(candidates(closed, leader, _only(category="check_08"))) == 1
    assert len(candidates(closed, leader, _only(sanction="criticism_education"))) == 1
    assert len(candidates(closed, leader, _only(stat_class="public_other"))) == 1
    assert len(candidates(closed, leader, _only(stat_class="private_other"))) == 0
    assert len(candidates(closed, leader, _only(scope_unit_id=unit(closed, "C01-D02").id))) == 0
    # Another county's leader sees none of them.
    assert candidates(closed, user(closed, "leader2"), _year()) == []


def _draft(db, who="leader"):
    actor = user(db, who)
    ids = [c.clue.id for c in candidates(db, actor, _year())]
    return bulletins.draft(db, actor, _year(), ids)


def test_draft_is_anonymised_and_never_names_the_person(closed):
    b = _draft(closed)
    text = "\n".join(f"{c.heading}\n{c.text}" for c in b.cases)
    for real, alias in (("张三", "张某"), ("李四", "李某"), ("王五", "王某")):
        assert real not in text and alias in text
    assert "外科医生收受患者家属红包" not in text  # the tip's summary is not the case text
    assert "清河县人民医院医师张某" in text


def test_edit_issue_and_files(closed):
    leader = user(closed, "leader")
    b = _draft(closed, "handler")
    first = b.cases[0]
    edit = BulletinEdit(
        b.title, b.recipients, b.intro, b.closing,
        (CaseEdit(first.id, first.heading, first.text + "\n其所在科室主任被约谈。"),)
        + tuple(CaseEdit(c.id, c.heading, c.text) for c in b.cases[1:]),
    )
    bulletins.edit(closed, leader, b.id, edit, b.version)
    with pytest.raises(Conflict):
        bulletins.edit(closed, leader, b.id, edit, 1)
    with pytest.raises(PermissionDenied):
        bulletins.issue(closed, user(closed, "handler"), b.id, STORE, b.version)
    issued = bulletins.issue(closed, leader, b.id, STORE, b.version)
    year = local_today().year
    assert issued.number_text == f"清卫纪通〔{year}〕1号"
    with pytest.raises(InvalidTransition):
        bulletins.edit(closed, leader, b.id, edit, issued.version)
    name, data = bulletins.issued_file(closed, leader, b.id, "docx", STORE)
    assert name.endswith(".docx") and name.startswith(f"清卫纪通〔{year}〕1号")
    document = docx.Document(io.BytesIO(data))
    paragraphs = [p.text for p in document.paragraphs]
    assert paragraphs[0] == "清河县卫生健康局文件"
    assert f"清卫纪通〔{year}〕1号" in paragraphs
    headings = [p for p in paragraphs if p[:2] in ("一、", "二、", "三、")]
    assert len(headings) == 3 and any("、清河县人民医院医师张某" in p for p in headings)
    assert any("其所在科室主任被约谈" in p for p in paragraphs)
    assert not any(n in "".join(paragraphs) for n in ("张三", "李四", "王五"))
    fonts = {
        r._element.rPr.rFonts.get(qn("w:eastAsia")) for p in document.paragraphs for r in p.runs
    }
    assert {"仿宋_GB2312", "方正小标宋简体", "黑体"} <= fonts
    _, pdf = bulletins.issued_file(closed, leader, b.id, "pdf", STORE)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    flat = text.replace(" ", "").replace("\n", "")
    assert f"清卫纪通〔{year}〕1号" in flat and "张某" in flat and "张三" not in flat
    event = closed.scalar(select(AuditEvent).where(AuditEvent.kind == "bulletin.issued"))
    assert event.detail["pdf_sha256"] == issued.pdf_sha256


def test_issue_refuses_a_name_typed_back_and_a_body_without_type(closed):
    leader = user(closed, "leader")
    b = _draft(closed)
    c = b.cases[0]
    typed = BulletinEdit(b.title, b.recipients, b.intro, b.closing,
                         (CaseEdit(c.id, c.heading, c.text + "张三已退回红包。"),))
    bulletins.edit(closed, leader, b.id, typed, b.version)
    with pytest.raises(ValidationError, match="张三"):
        bulletins.issue(closed, leader, b.id, STORE, b.version)


def test_publish_only_after_issue_and_portal_lists_it(closed, client):
    leader = user(closed, "leader")
    b = _draft(closed)
    with pytest.raises(InvalidTransition):
        bulletins.publish(closed, leader, b.id)
    bulletins.issue(closed, leader, b.id, STORE, b.version)
    bulletins.publish(closed, leader, b.id)
    assert bulletins.public(closed) == [b]
    closed.flush()
    page = client.get("/portal/").get_data(as_text=True)
    assert b.title in page


def test_outside_jurisdiction_and_bad_input(closed):
    b = _draft(closed)
    with pytest.raises(NotFound):
        bulletins.get(closed, user(closed, "leader2"), b.id)
    with pytest.raises(NotFound):
        bulletins.get(closed, user(closed, "reporter"), b.id)
    with pytest.raises(ValidationError):
        bulletins.draft(closed, user(closed, "leader"), _year(), [])
    with pytest.raises(ValidationError):
        bulletins.draft(closed, user(closed, "leader2"), _year(), [b.cases[0].clue_id])
    with pytest.raises(ValidationError):
        bulletins.draft(
            closed, user(closed, "leader"), CaseFilter(date(2026, 5, 1), date(2026, 1, 1)), [1]
        )
    with pytest.raises(PermissionDenied):
        bulletins.draft(closed, user(closed, "clerk"), _year(), [1])
    c = b.cases[0]
    long = BulletinEdit("题" * 201, "", "", "", (CaseEdit(c.id, c.heading, c.text),))
    with pytest.raises(ValidationError):
        bulletins.edit(closed, user(closed, "leader"), b.id, long, b.version)
    nul = BulletinEdit("标题", "", "", "", (CaseEdit(c.id, c.heading, "a\x00b"),))
    with pytest.raises(ValidationError):
        bulletins.edit(closed, user(closed, "leader"), b.id, nul, b.version)
    assert unit(closed, "C01-D01").id == b.body_id
