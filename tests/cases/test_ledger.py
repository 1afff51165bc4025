"""The ledger: filters, search, keyset pagination, jurisdiction, the streamed XLSX export;
the red-packet register; upload checks."""

from __future__ import annotations

import io
import tracemalloc
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import insert

from cases.attachments import Upload, add_attachments, attachments
from cases.ledger_export import LEDGER_COLUMNS, ledger_xlsx
from cases.ledger_query import LedgerFilter, ledger_page
from cases.models import Clue
from cases.redpacket import RegisterFilter, list_surrenders, register_surrender, register_xlsx
from cases.states import ClueState
from config.errors import PermissionDenied, ValidationError
from config.filekeys import load_file_keys
from config.filestore import DatabaseStore
from tests.cases.factories import clue_in_state
from tests.conftest import unit, user

BASE = datetime(2026, 3, 1, 2, 0, tzinfo=UTC)


def bulk_clues(db, n, *, unit_code="C01-D01", start=0, **fields):
    """Insert ``n`` clues in one statement (fast enough for 10,000)."""
    unit_id = unit(db, unit_code).id
    rows = [
        {
            "unit_id": unit_id,
            "state": ClueState.REGISTERED.value,
            "version": 1,
            "channel": "hotline",
            "category": "other",
            "summary": f"线索{start + i} 反映某医生问题",
            "content": "",
            "received_at": BASE + timedelta(minutes=(start + i) // 3),  # ties on purpose
            "reporter_named": False,
            "petition": False,
            "handed_down": False,
            "superior_ref": "",
            "repeat_count": 0,
            "clocks": {},
            "findings_text": "",
            "verification_plan": "",
            "created_at": BASE,
            "updated_at": BASE,
        }
        | fields
        for i in range(n)
    ]
    db.execute(insert(Clue), rows)
    db.flush()


def all_pages(db, actor, f, limit):
    seen, cursor = [], None
    while True:
        page = ledger_page(db, actor, f, cursor=cursor, limit=limit)
        seen += [c.id for c in page.rows]
        if not page.next_cursor:
            return seen
        cursor = page.next_cursor


def test_keyset_pages_have_no_gaps_or_duplicates_and_are_stable_under_inserts(db):
    bulk_clues(db, 95)
    leader = user(db, "leader")
    f = LedgerFilter(q="反映某医生")
    expected = all_pages(db, leader, f, 1000)
    assert len(expected) == 95
    assert all_pages(db, leader, f, 10) == expected
    # New clues arriving between page loads do not shift later pages.
    first = ledger_page(db, leader, f, limit=10)
    bulk_clues(db, 5, start=1000)  # newer: they sort before page one
    second = ledger_page(db, leader, f, cursor=first.next_cursor, limit=10)
    assert [c.id for c in first.rows + second.rows] == expected[:20]


def test_filters_and_search(db):
    leader = user(db, "leader")
    a = clue_in_state(db, ClueState.VERIFYING, summary="某医院药剂科收受回扣", category="kickback")
    a.content = "供应商每月送现金"
    b = clue_in_state(db, ClueState.TRIAGE, summary="护士态度差")
    b.next_due_on = date(2026, 6, 10)
    b.received_at = datetime(2026, 1, 5, 2, 0, tzinfo=UTC)
    db.flush()
    ids = lambda f: {c.id for c in ledger_page(db, leader, f, today=date(2026, 6, 15)).rows}  # noqa: E731
    assert ids(LedgerFilter(q="回扣")) == {a.id}
    assert ids(LedgerFilter(q="送现金")) == {a.id}  # content is searched too
    assert ids(LedgerFilter(q="100%")) == set()  # LIKE wildcards are literal
    assert ids(LedgerFilter(category="kickback")) == {a.id}
    assert b.id in ids(LedgerFilter(state="triage")) and a.id not in ids(
        LedgerFilter(state="triage")
    )
    assert b.id in ids(LedgerFilter(due="overdue"))
    assert a.id not in ids(LedgerFilter(due="overdue"))
    window = LedgerFilter(received_from=date(2026, 1, 5), received_to=date(2026, 1, 5))
    assert ids(window) == {b.id}
    assert b.id in ids(LedgerFilter(handler_id=user(db, "handler").id))
    assert ids(LedgerFilter(unit_id=unit(db, "C01-D02").id, q="回扣")) == set()


def test_ledger_and_export_respect_jurisdiction(db):
    bulk_clues(db, 3, unit_code="C01-D02", summary="外县线索")
    handler = user(db, "handler")  # 清河县: another county's clues are not theirs
    assert ledger_page(db, handler, LedgerFilter(q="外县线索")).rows == []
    assert len(ledger_page(db, user(db, "inspector"), LedgerFilter(q="外县线索")).rows) == 3
    book = load_workbook(io.BytesIO(b"".join(ledger_xlsx(db, handler, LedgerFilter(q="外县线索")))))
    assert book.active.max_row == 2  # the title and the header only


def _peak_export(db, actor, f) -> tuple[int, int]:
    tracemalloc.start()
    size = 0
    for chunk in ledger_xlsx(db, actor, f):
        size += len(chunk)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak, size


def test_export_of_10000_clues_opens_with_the_ledger_columns_and_memory_stays_flat(db, capsys):
    bulk_clues(db, 2000, summary="导出测试线索甲")
    leader = user(db, "leader")
    small_peak, _ = _peak_export(db, leader, LedgerFilter(q="导出测试线索"))
    bulk_clues(db, 8000, start=2000, summary="导出测试线索乙")
    big_peak, size = _peak_export(db, leader, LedgerFilter(q="导出测试线索"))
    data = b"".join(ledger_xlsx(db, leader, LedgerFilter(q="导出测试线索")))
    sheet = load_workbook(io.BytesIO(data), read_only=True).active
    rows = sheet.iter_rows(values_only=True)
    assert str(next(rows)[0]).startswith("问题线索台账（")
    assert tuple(next(rows)) == LEDGER_COLUMNS
    body = list(rows)
    assert len(body) == 10000 and body[0][0] == 1 and body[-1][0] == 10000
    with capsys.disabled():
        print(
            f"\nledger export peak memory: 2,000 rows {small_peak / 1e6:.1f} MB, "
            f"10,000 rows {big_peak / 1e6:.1f} MB (file {size / 1e6:.1f} MB)"
        )
    # Five times the rows may not cost anything like five times the memory.
    assert big_peak < small_peak * 2


def test_red_packet_register(db):
    reporter = user(db, "reporter")
    data = {
        "staff_name": "王医生",
        "department": "外科",
        "amount_yuan": "2000",
        "received_on": "2026-05-01",
        "surrendered_on": "2026-05-02",
        "receipt_no": "HB-001",
    }
    row = register_surrender(db, reporter, data)
    assert row.unit_id == unit(db, "C01-D01-H01").id and row.amount_yuan == Decimal("2000")
    with pytest.raises(ValidationError) as err:
        register_surrender(
            db, reporter, data | {"surrendered_on": "2026-04-30", "amount_yuan": "-1"}
        )
    assert set(err.value.details) == {"surrendered_on", "amount_yuan"}
    with pytest.raises(PermissionDenied):
        register_surrender(db, user(db, "handler"), data)
    may = RegisterFilter(start=date(2026, 5, 1), end=date(2026, 5, 31))
    assert [r.id for r in list_surrenders(db, user(db, "handler"), may)] == [row.id]
    assert list_surrenders(db, user(db, "handler"), RegisterFilter(start=date(2026, 6, 1))) == []
    assert list_surrenders(db, reporter, may) == [row]
    sheet = load_workbook(io.BytesIO(b"".join(register_xlsx(db, reporter, may)))).active
    assert sheet.cell(2, 3).value == "王医生" and sheet.cell(1, 6).value == "金额（元）"


def test_uploads_refuse_oversized_and_disallowed_files_and_keep_the_rest(db, tmp_path):
    clue = clue_in_state(db, ClueState.VERIFYING)
    store = DatabaseStore(load_file_keys(tmp_path / "file.key", create_if_missing=True))
    result = add_attachments(
        db,
        user(db, "handler"),
        clue,
        [
            Upload("处方.pdf", b"%PDF-1.7 evidence"),
            Upload("脚本.exe", b"MZ..."),
            Upload("大图.png", b"\x89PNG\r\n\x1a\n" + b"0" * 2000),
            Upload("假的.pdf", b"<html>"),
        ],
        store,
        max_bytes=1000,
    )
    assert [a.filename for a in result.saved] == ["处方.pdf"]
    assert result.rejected == [
        "“脚本.exe”的文件类型不允许上传（允许：PDF、JPG、PNG、DOCX、XLSX、MP3）。",
        "“大图.png”超过大小限制（最大 1 KB）。",
        "“假的.pdf”的内容与扩展名不符，未上传。",
    ]
    (saved,) = attachments(db, clue)
    assert store.get(db, saved.stored_name) == b"%PDF-1.7 evidence"
    assert saved.content_type == "application/pdf" and saved.size == 17
