"""生成文书 pages and 文书模板 admin: a handler drafts, edits and issues a letter from the
clue page and downloads both files; an admin uploads (checked), previews and retires an
office template; the shipped templates are what the builder script makes."""

from __future__ import annotations

import io
import zipfile

import pytest
from docx import Document
from sqlalchemy import select

from cases.states import ClueState
from documents import demo as documents_demo
from documents.docx_defaults import TEMPLATE_DIR, write_all
from documents.letter_kinds import KINDS
from documents.letter_models import IssuedDocument, LetterTemplate
from documents.letter_render import default_template
from tests.cases.factories import clue_in_state
from tests.conftest import csrf_token, login, post_form, unit
from tests.documents.helpers import flat_docx_text, pdf_text

TEMPLATES = "/admin/documents/templates/"


@pytest.fixture
def clue(db):
    documents_demo.load_demo(db)
    row = clue_in_state(
        db, ClueState.FINDINGS, reporter_named=True, summary="某卫生院违规收取检查费"
    )
    row.ledger_no = "QH-2026-0007"
    db.commit()
    return row


def test_handler_issues_a_referral_from_the_clue_page(client, db, clue):
    login(client, "handler")
    page = client.get(f"/clues/{clue.id}").get_data(as_text=True)
    assert "生成文书：移送函" in page
    path = f"/clues/{clue.id}/letters/referral"
    form = client.get(path).get_data(as_text=True)
    assert "某卫生院违规收取检查费" in form and "（文号于发文时生成）" in form
    data = {
        "title": "关于某卫生院违规收费问题线索的移送函",
        "addressee": "清河县公安局：",
        "body": "经初步核实，有关问题涉嫌违法。\n请依法处理。",
        "attachments": "问题线索相关材料",
        "cc": "",
        "action": "preview",
    }
    preview = post_form(client, path, data)
    assert preview.content_type == "application/pdf" and "（文号于发文时生成）" in pdf_text(
        preview.data
    )
    assert db.scalar(select(IssuedDocument)) is None
    done = post_form(client, path, data | {"action": "issue"})
    assert done.status_code == 302
    row = db.scalar(select(IssuedDocument))
    assert row.number_text.startswith("清卫纪函〔")
    shown = client.get(f"/clues/{clue.id}").get_data(as_text=True)
    assert row.number_text in shown and "制发《移送函》" in shown
    docx = client.get(f"/clues/{clue.id}/documents/{row.id}.docx")
    assert docx.status_code == 200 and "清县公安局" not in flat_docx_text(docx.data)
    assert "清河县公安局：" in flat_docx_text(docx.data)
    pdf = client.get(f"/clues/{clue.id}/documents/{row.id}.pdf")
    assert row.number_text in pdf_text(pdf.data) and "请依法处理" in pdf_text(pdf.data)
    assert client.get(f"/clues/{clue.id}/documents/{row.id}.exe").status_code == 404


def test_overlong_title_is_refused_on_the_form(client, db, clue):
    login(client, "handler")
    path = f"/clues/{clue.id}/letters/referral"
    answer = post_form(client, path, {"title": "长" * 300, "body": "正文", "action": "issue"})
    assert answer.status_code == 422
    assert "“标题”不能超过100字" in answer.get_data(as_text=True)
    assert db.scalar(select(IssuedDocument)) is None


def test_other_county_cannot_reach_the_letter(client, db, clue):
    login(client, "clerk_sm")
    assert client.get(f"/clues/{clue.id}/letters/referral").status_code == 404


def _docx_with(text: str) -> bytes:
    """The default 受理告知书 template with one more paragraph."""
    doc = Document(io.BytesIO(default_template(KINDS["accept_notice"])))
    doc.add_paragraph(text)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _upload(client, db, data: bytes, name: str = "本单位受理告知书.docx"):
    token = csrf_token(client, TEMPLATES)
    form = {
        "csrf_token": token,
        "body_id": str(unit(db, "C01-D01").id),
        "kind": "accept_notice",
        "file": (io.BytesIO(data), name),
    }
    return client.post(TEMPLATES, data=form, content_type="multipart/form-data")


def _bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"0" * (25 * 1024 * 1024))
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"%PDF-1.4 not a docx", "x.docx", "不是有效的 Word"),
        (b"PK\x03\x04broken", "x.docx", "不是有效的 Word"),
        (_docx_with("{{ numbr }}"), "x.docx", "占位符有误"),
        (_docx_with("{% for %}"), "x.docx", "占位符有误"),
        (_bomb(), "x.docx", "解压后过大"),
        (_docx_with("好"), "x.pdf", "请上传 Word"),
    ],
)
def test_bad_templates_are_refused(client, db, clue, data, name, message):
    login(client, "admin")
    answer = _upload(client, db, data, name)
    assert answer.status_code == 422
    assert message in answer.get_data(as_text=True)
    assert db.scalar(select(LetterTemplate)) is None


def test_oversized_template_is_refused(client, db, clue, monkeypatch):
    monkeypatch.setattr("documents.letter_render.TEMPLATE_MAX_BYTES", 4096)  # 2 MB really
    login(client, "admin")
    answer = _upload(client, db, b"PK\x03\x04" + b"x" * 4096)
    assert answer.status_code == 422 and "模板文件不能超过" in answer.get_data(as_text=True)


def test_office_template_is_previewed_and_used(app, client, db, clue):
    login(client, "admin")
    assert _upload(client, db, _docx_with("本单位自定模板：{{ number }}")).status_code == 302
    row = db.scalar(select(LetterTemplate))
    query = f"body_id={row.body_id}&kind=accept_notice&template_id={row.id}"
    shown = client.get(f"{TEMPLATES}preview?{query}").get_data(as_text=True)
    assert "本单位自定模板：示例〔2026〕1号" in shown
    sample = client.get(f"{TEMPLATES}preview?{query}&download=1")
    assert "本单位自定模板：示例〔2026〕1号" in flat_docx_text(sample.data)
    sample.close()
    admin, client = client, app.test_client()
    login(client, "clerk")
    clue.state = ClueState.REGISTERED
    db.commit()
    path = f"/clues/{clue.id}/letters/accept_notice"
    assert "本单位受理告知书.docx" in client.get(path).get_data(as_text=True)
    data = {"title": "受理告知书", "addressee": "张某某：", "body": "已受理。", "action": "issue"}
    assert post_form(client, path, data).status_code == 302
    issued = db.scalar(select(IssuedDocument))
    docx = client.get(f"/clues/{clue.id}/documents/{issued.id}.docx").data
    assert f"本单位自定模板：{issued.number_text}" in flat_docx_text(docx)
    retire = f"{TEMPLATES}{row.id}/retire"
    assert post_form(admin, retire, {}, token_from=TEMPLATES).status_code == 302
    db.refresh(row)
    assert not row.active


def test_shipped_templates_are_what_the_script_builds(tmp_path):
    write_all(tmp_path)
    for kind in KINDS.values():
        with (
            zipfile.ZipFile(TEMPLATE_DIR / f"{kind.code}.docx") as a,
            zipfile.ZipFile(tmp_path / f"{kind.code}.docx") as b,
        ):
            assert a.read("word/document.xml") == b.read("word/document.xml"), kind.code
            assert a.read("word/styles.xml") == b.read("word/styles.xml"), kind.code
