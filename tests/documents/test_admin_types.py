"""The 文种与文号 admin page: admins set types and prefixes within their jurisdiction, with
Chinese errors for bad input; numbers can be voided there; nobody else gets in."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from config.audit_log import AuditEvent
from documents.models import DocumentNumber, DocumentType
from documents.numbers import issue_number
from tests.conftest import login, post_form, unit, user

NEW = "/admin/documents/types/new"


def _form(db, **over):
    data = {
        "body_id": str(unit(db, "C01-D01").id),
        "code": "letter",
        "name": "函",
        "prefix": "东卫纪函",
        "active": "y",
    }
    return data | over


def test_admin_creates_a_type_and_sees_the_pattern(client, db):
    login(client, "admin")
    answer = post_form(client, NEW, _form(db))
    assert answer.status_code == 302
    row = db.scalar(select(DocumentType).where(DocumentType.prefix == "东卫纪函"))
    assert row is not None and row.active
    page = client.get("/admin/documents/types").get_data(as_text=True)
    assert "东卫纪函〔" in page and "〕1号" in page
    assert db.scalar(select(AuditEvent).where(AuditEvent.kind == "document_type.saved"))


@pytest.mark.parametrize(
    ("over", "message"),
    [
        ({"prefix": ""}, "请填写文号前缀"),
        ({"prefix": "东〔纪〕函"}, "文号前缀须为不超过32字的机关代字"),
        ({"prefix": "函" * 33}, "文号前缀不能超过32字"),
        ({"name": "名" * 101}, "文种名称不能超过100字"),
        ({"prefix": "2026"}, "机关代字"),
        ({"body_id": "999999"}, "Not a valid choice"),
        ({"code": "<script>"}, "Not a valid choice"),
    ],
)
def test_bad_input_gives_a_chinese_error_and_no_row(client, db, over, message):
    login(client, "admin")
    answer = post_form(client, NEW, _form(db, **over))
    assert answer.status_code == 422
    if "valid" not in message:
        assert message in answer.get_data(as_text=True)
    assert db.scalar(select(DocumentType)) is None


def test_void_from_the_type_page(client, db):
    login(client, "admin")
    post_form(client, NEW, _form(db))
    row = db.scalar(select(DocumentType))
    number = issue_number(db, user(db, "handler"), row, title="移送函")
    db.commit()
    path = f"/admin/documents/types/{row.id}"
    assert number.text in client.get(path).get_data(as_text=True)
    empty = post_form(client, f"/admin/documents/numbers/{number.id}/void", {}, token_from=path)
    assert empty.status_code == 302
    db.refresh(number)
    assert number.voided_at is None
    void = f"/admin/documents/numbers/{number.id}/void"
    done = post_form(client, void, {"reason": "用错文种"}, token_from=path)
    assert done.status_code == 302
    db.refresh(number)
    assert number.voided_at is not None
    assert "已作废：用错文种" in client.get(path).get_data(as_text=True)
    assert db.scalar(select(DocumentNumber).where(DocumentNumber.voided_at.is_(None))) is None


def test_handler_is_refused(client, db):
    login(client, "handler")
    assert client.get("/admin/documents/types").status_code == 403
    assert client.get(NEW).status_code == 403
