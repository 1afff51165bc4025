"""Search by the number quoted on the phone, by accused name and institution, by indexed
text (FTS5 on SQLite, pg_trgm on PostgreSQL), highlighted and escaped; hostile input."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from cases.models import Clue
from cases.search import search
from cases.text_index import indexed_ids
from tests.conftest import login, unit, user
from tips.models import Tip, TipAccused


def _clues(db):
    county, other = unit(db, "C01-D01"), unit(db, "C02-D03")
    hospital = unit(db, "C01-D01-H01")
    tip = Tip(unit_id=county.id, channel="hotline", summary="电话举报", content="")
    db.add(tip)
    db.flush()
    db.add(TipAccused(tip_id=tip.id, name="欧阳建华", name_key="欧阳建华", post="doctor"))
    at = datetime(2026, 5, 1, tzinfo=UTC)
    mine = Clue(
        unit_id=county.id,
        channel="hotline",
        summary="骨科医生收受红包",
        content="手术前收受患者家属红包两千元",
        ledger_year=2026,
        ledger_seq=7,
        ledger_no="C01-D01〔2026〕0007号",
        received_at=at,
        tip_id=tip.id,
        accused_unit_id=hospital.id,
    )
    old = Clue(
        unit_id=county.id,
        channel="letter",
        summary="药房倒卖药品",
        content="",
        ledger_year=2025,
        ledger_seq=7,
        ledger_no="C01-D01〔2025〕0007号",
        received_at=at,
    )
    theirs = Clue(
        unit_id=other.id,
        channel="hotline",
        summary="骨科医生收受红包",
        content="",
        ledger_year=2026,
        ledger_seq=7,
        ledger_no="C02-D03〔2026〕0007号",
        received_at=at,
    )
    db.add_all([mine, old, theirs])
    db.flush()
    return mine, old


@pytest.mark.parametrize(
    "q",
    [
        "C01-D01〔2026〕0007号",
        "C01-D01[2026]0007",
        "2026-0007",
        "2026年7号",
        "2026/7",
        "20260007",
        " 2026－0007 ",
    ],
)
def test_number_in_every_quoted_form(db, q):
    mine, _old = _clues(db)
    assert [c.id for c in search(db, user(db, "leader"), q).clues] == [mine.id]


def test_bare_sequence_finds_every_year_of_the_own_body_only(db):
    mine, old = _clues(db)
    for q in ("0007", "7", "7号", "第7号"):
        assert {c.id for c in search(db, user(db, "leader"), q).clues} == {mine.id, old.id}
    assert search(db, user(db, "leader"), "2024-0007").clues == []
    assert search(db, user(db, "leader"), f"待受理-{mine.id}").clues[0].id == mine.id


def test_accused_name_institution_and_text(db):
    mine, _old = _clues(db)
    leader = user(db, "leader")
    assert [c.id for c in search(db, leader, "欧阳建华").clues] == [mine.id]
    assert mine.id in [c.id for c in search(db, leader, "清河县人民医院").clues]
    assert [c.id for c in search(db, leader, "家属红包").clues] == [mine.id]  # content only
    assert search(db, leader, "家属红包 药房").clues == []


def test_text_index_follows_inserts_updates_and_deletes(db):
    mine, _old = _clues(db)
    assert indexed_ids(db, "两千元") == [mine.id]
    assert indexed_ids(db, "红包") is None  # two characters: no trigram, substring match
    mine.content = "改写后的内容：收受购物卡"
    db.flush()
    assert indexed_ids(db, "两千元") == [] and indexed_ids(db, "购物卡") == [mine.id]
    assert indexed_ids(db, "收受", cap=1) is None
    db.delete(mine)
    db.flush()
    assert indexed_ids(db, "购物卡") == []


HOSTILE = [
    '"',
    '红包" OR "',
    "NEAR(红包 回扣)",
    "*",
    "红包*",
    "a AND",
    "^红包",
    "%",
    "\\",
    "'; DROP TABLE clues; --",
    "()",
    "红包 -回扣",
    "红" * 5000,
    "{col}:红包",
    ":",
]


@pytest.mark.parametrize("q", HOSTILE)
def test_hostile_queries_never_fail(client, db, q):
    _clues(db)
    login(client, "leader")
    r = client.get("/search", query_string={"q": q})
    assert r.status_code == 200
    assert client.get("/ledger", query_string={"q": q}).status_code == 200
    assert client.get("/api/search", query_string={"q": q}).status_code == 200


def test_page_highlights_escaped_and_api_answers(client, db):
    mine, _old = _clues(db)
    mine.summary = "<script>alert(1)</script>红包"
    db.flush()
    login(client, "leader")
    page = client.get("/search?q=script").get_data(as_text=True)
    assert "&lt;<mark>script</mark>&gt;alert(1)&lt;/<mark>script</mark>&gt;红包" in page
    assert "<script>alert" not in page
    page = client.get("/search?q=0007").get_data(as_text=True)
    assert "C01-D01〔2026〕<mark>0007</mark>号" in page
    body = client.get("/api/search?q=2026-0007").get_json()
    assert [c["ledger_no"] for c in body["clues"]] == ["C01-D01〔2026〕0007号"]
    assert body["q"] == "2026-0007"
