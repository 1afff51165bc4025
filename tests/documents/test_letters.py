"""Letters from clues: every kind issues with a gap-free 文号, its DOCX (python-docx) and PDF
(pypdf) read back with the text, number and fonts; the 受理告知 step is satisfied by the
letter; bad input and failed storage leave nothing behind; only the clue's people issue."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from cases.lifecycle import CLUE_LIFECYCLE
from cases.states import ClueState
from config.audit_log import AuditEvent
from config.errors import NotFound, PermissionDenied, ValidationError
from config.filestore import store_for
from documents import demo as documents_demo
from documents.letter_kinds import KINDS
from documents.letter_models import IssuedDocument
from documents.letters import document_file, draft, issue
from documents.models import DocumentNumber
from tests.cases.factories import clue_in_state, satisfy_guards
from tests.conftest import user
from tests.documents.helpers import docx_fonts, flat_docx_text, pdf_fonts, pdf_text
from workflow.models import TransitionLog

NOTO = {"Noto-Serif-CJK-SC", "Noto-Serif-CJK-SC-Bold"}


@pytest.fixture
def files(settings):
    return store_for(settings)


@pytest.fixture
def doc_types(db):
    documents_demo.load_demo(db)
    db.flush()


def _clue(db, state: str, **fields):
    clue = clue_in_state(db, state, reporter_named=True, summary="某卫生院违规收取检查费", **fields)
    clue.ledger_no = clue.ledger_no or f"QH-{clue.id}"
    db.flush()
    return clue


def _text(db, clue, code: str, handler: str = "handler", **over) -> dict[str, str]:
    return draft(db, user(db, handler), clue, code).letter.text | over


@pytest.mark.parametrize("code", list(KINDS))
def test_every_letter_issues_and_reads_back(db, files, doc_types, code):
    kind = KINDS[code]
    clue = _clue(db, kind.states[0])
    text = _text(db, clue, code, addressee="张某某：" if not kind.form else "")
    row = issue(db, user(db, "handler"), clue, code, text, files)
    prefix = {"letter": "清卫纪函", "notice": "清卫纪告", "approval": "清卫纪呈"}[kind.type_code]
    assert row.number_text.startswith(prefix + "〔") and row.number_text.endswith("〕1号")
    _, _, docx = document_file(db, user(db, "handler"), clue, row.id, "docx", files)
    words = flat_docx_text(docx)
    for want in (
        row.number_text,
        text["title"],
        "清河县卫生健康局",
        clue.ledger_no if kind.form else "",
    ):
        assert "".join(want.split()) in words
    fonts = docx_fonts(docx)
    assert {"仿宋_GB2312", "方正小标宋简体"} <= fonts
    if kind.form:
        assert "黑体" in fonts
    _, _, pdf = document_file(db, user(db, "handler"), clue, row.id, "pdf", files)
    flat = pdf_text(pdf)
    assert row.number_text in flat and "".join(text["title"].split()) in flat
    assert "清河县卫生健康局" in flat
    if kind.receipt:
        assert "回执" in flat and "回执" in words
    assert pdf_fonts(pdf) >= {"Noto-Serif-CJK-SC"} and pdf_fonts(pdf) <= NOTO | {"Noto-Sans-CJK-SC"}


def test_numbers_run_on_and_the_hash_is_in_the_audit_chain(db, files, doc_types):
    clue = _clue(db, ClueState.FINDINGS)
    rows = [
        issue(db, user(db, "handler"), clue, "referral", _text(db, clue, "referral"), files)
        for _ in range(3)
    ]
    assert [r.number_text[-3:] for r in rows] == ["〕1号", "〕2号", "〕3号"]
    events = db.scalars(select(AuditEvent).where(AuditEvent.kind == "document.issued")).all()
    assert [e.detail["pdf_sha256"] for e in events] == [r.pdf_sha256 for r in rows]
    assert {e.detail["docx_sha256"] for e in events} == {r.docx_sha256 for r in rows}


def test_acceptance_notice_satisfies_the_step(db, files, doc_types):
    clue = _clue(db, ClueState.REGISTERED)
    satisfy_guards(db, clue, CLUE_LIFECYCLE.by_trigger["notify_acceptance"])
    db.flush()
    row = issue(
        db,
        user(db, "clerk"),
        clue,
        "accept_notice",
        _text(db, clue, "accept_notice", "clerk"),
        files,
    )
    assert clue.clocks["accept_notice"].get("met_on")
    step = db.scalar(select(TransitionLog).where(TransitionLog.trigger == "notify_acceptance"))
    assert step is not None and step.payload["method"] == "letter"
    assert row.number_text in step.reason


def test_hostile_text_is_printed_not_run(db, files, doc_types):
    clue = _clue(db, ClueState.FINDINGS)
    body = "{{ 7*7 }} {%p if 1 %}<script>alert(1)</script>&amp; \x07响铃"
    row = issue(
        db, user(db, "handler"), clue, "referral", _text(db, clue, "referral", body=body), files
    )
    docx = document_file(db, user(db, "handler"), clue, row.id, "docx", files)[2]
    words = flat_docx_text(docx)
    assert (
        "{{7*7}}" in words and "<script>alert(1)</script>&amp;响铃" in words and "49" not in words
    )
    assert "<script>alert(1)</script>" in pdf_text(
        document_file(db, user(db, "handler"), clue, row.id, "pdf", files)[2]
    )


@pytest.mark.parametrize(
    ("over", "message"),
    [
        ({"title": ""}, "请填写文书标题"),
        ({"body": "  "}, "请填写正文"),
        ({"title": "长" * 101}, "“标题”不能超过100字"),
        ({"body": "文" * 5001}, "“正文”不能超过5000字"),
    ],
)
def test_bad_text_takes_no_number(db, files, doc_types, over, message):
    clue = _clue(db, ClueState.FINDINGS)
    with pytest.raises(ValidationError, match=message):
        issue(db, user(db, "handler"), clue, "referral", _text(db, clue, "referral", **over), files)
    assert db.scalar(select(func.count()).select_from(DocumentNumber)) == 0


class FullStore:
    def __init__(self, inner):
        self.inner = inner

    def put(self, session, name, data):
        raise OSError(28, "No space left on device")

    def get(self, session, name):
        return self.inner.get(session, name)


def test_failed_storage_rolls_the_number_back(db, files, doc_types):
    clue = _clue(db, ClueState.FINDINGS)
    text = _text(db, clue, "referral")
    nested = db.begin_nested()
    with pytest.raises(OSError, match="No space"):
        issue(db, user(db, "handler"), clue, "referral", text, FullStore(files))
    nested.rollback()
    assert issue(db, user(db, "handler"), clue, "referral", text, files).number_text.endswith(
        "〕1号"
    )


def test_who_may_issue(db, files, doc_types):
    clue = _clue(db, ClueState.FINDINGS)
    with pytest.raises(PermissionDenied):
        draft(db, user(db, "inspector"), clue, "referral")
    with pytest.raises(PermissionDenied):
        draft(db, user(db, "clerk"), clue, "referral")  # clerks send the 受理告知书 only
    with pytest.raises(ValidationError, match="不能制发《受理告知书》"):
        draft(db, user(db, "handler"), _clue(db, ClueState.WRITTEN_OFF), "accept_notice")
    with pytest.raises(NotFound):
        draft(db, user(db, "handler"), clue, "no-such-letter")


def test_missing_type_is_named(db, files):
    clue = _clue(db, ClueState.FINDINGS)
    with pytest.raises(ValidationError, match="尚未设置文种“函”"):
        draft(db, user(db, "handler"), clue, "referral")
    assert db.scalar(select(func.count()).select_from(IssuedDocument)) == 0
