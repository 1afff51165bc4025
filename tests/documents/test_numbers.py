"""The 文号 register: format, gap-free per body/type/year, never reused, void stays void,
and 50 concurrent issuers on the real server get 50 distinct gap-free numbers."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from config.database import make_engine, session_scope
from config.errors import PermissionDenied, ValidationError
from config.migrate import upgrade_database
from directory.demo import load_demo
from documents.models import DocumentNumber
from documents.numbers import TypeInput, issue_number, save_type, void_number
from tests.conftest import user
from tests.dbutil import fresh_database


def _body(session, actor):
    from directory.models import OrgUnit

    return session.get(OrgUnit, actor.unit_id)


def _letter_type(db):
    admin = user(db, "admin")
    return save_type(db, admin, _body(db, admin), TypeInput("letter", "函", "清纪函"))


def test_numbers_follow_gb9704_and_run_without_gaps(db):
    doc_type = _letter_type(db)
    handler = user(db, "handler")
    texts = [issue_number(db, handler, doc_type, title=f"函{i}").text for i in range(3)]
    year = texts[0][4:8]
    assert texts == [f"清纪函〔{year}〕{n}号" for n in (1, 2, 3)]


def test_voided_number_stays_voided_and_is_never_reissued(db):
    doc_type = _letter_type(db)
    admin, handler = user(db, "admin"), user(db, "handler")
    first = issue_number(db, handler, doc_type)
    void_number(db, admin, first.id, "用错文种")
    again = issue_number(db, handler, doc_type)
    assert again.seq == first.seq + 1
    with pytest.raises(ValidationError, match="已作废"):
        void_number(db, admin, first.id, "再次作废")
    assert db.get(DocumentNumber, first.id).void_reason == "用错文种"


def test_rolled_back_issue_leaves_no_gap(db):
    doc_type = _letter_type(db)
    handler = user(db, "handler")
    issue_number(db, handler, doc_type)
    nested = db.begin_nested()
    issue_number(db, handler, doc_type)
    nested.rollback()  # the document failed to store: its number goes with it
    assert issue_number(db, handler, doc_type).seq == 2


def test_only_admin_sets_types_and_bad_prefix_is_refused(db):
    handler, admin = user(db, "handler"), user(db, "admin")
    with pytest.raises(PermissionDenied):
        save_type(db, handler, _body(db, handler), TypeInput("x", "函", "清纪函"))
    for prefix in ("", "清纪〔函", "2026", "长" * 33):
        with pytest.raises(ValidationError):
            save_type(db, admin, _body(db, admin), TypeInput("x", "函", prefix))


@pytest.fixture(scope="module")
def committed_db():
    url = fresh_database("docnum")
    upgrade_database(url)
    engine = make_engine(url)
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    with session_scope(factory) as session:
        load_demo(session)
    yield factory
    engine.dispose()


def test_fifty_concurrent_issuers_get_fifty_gap_free_numbers(committed_db):
    with session_scope(committed_db) as s:
        type_id = _letter_type(s).id
    barrier = threading.Barrier(50)
    errors: list[BaseException] = []

    def worker() -> None:
        from documents.models import DocumentType

        barrier.wait(timeout=60)  # all start at once; the pool then queues the rest
        try:
            with session_scope(committed_db) as s:
                actor, doc_type = user(s, "handler"), s.get(DocumentType, type_id)
                issue_number(s, actor, doc_type, title="并发")
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(50)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with session_scope(committed_db) as s:
        seqs = s.scalars(select(DocumentNumber.seq).where(DocumentNumber.type_id == type_id))
        assert sorted(seqs) == list(range(1, 51))
