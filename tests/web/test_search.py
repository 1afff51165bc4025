"""/search: clues, tips and institutions by Chinese substrings, within jurisdiction, never
the reporter's identity."""

from __future__ import annotations

from cases.models import Clue
from cases.search import search
from tests.conftest import login, unit, user
from tips.models import Tip, TipStatus


def _data(db):
    county, other = unit(db, "C01-D01"), unit(db, "C02-D03")
    db.add_all(
        [
            Clue(unit_id=county.id, channel="hotline", summary="人民医院骨科医生收受红包"),
            Clue(unit_id=other.id, channel="hotline", summary="石门县人民医院医生收受红包"),
            Tip(
                unit_id=county.id,
                channel="portal",
                summary="网上反映：城关镇卫生院乱收费",
                content="注射费每次多收五元",
                named=True,
                identity_token="gAAAA-secret-token",
                status=TipStatus.RECEIVED,
            ),
            Tip(unit_id=other.id, channel="portal", summary="石门县卫生院乱收费"),
        ]
    )
    db.flush()


def test_substrings_of_chinese_text_every_word_and_jurisdiction(db):
    _data(db)
    leader = user(db, "leader")  # 清河县
    found = search(db, leader, "收受红包")
    assert [c.summary for c in found.clues] == ["人民医院骨科医生收受红包"]
    assert search(db, leader, "骨科  红包").clues  # every word, in any order
    assert not search(db, leader, "骨科 回扣").clues
    assert [t.summary for t in search(db, leader, "多收").tips] == ["网上反映：城关镇卫生院乱收费"]
    names = [u.name for u in search(db, leader, "人民医院").institutions]
    assert names == ["清河县人民医院"]  # not 石门县's, not the city's or the province's
    admin = user(db, "admin")
    assert len(search(db, admin, "人民医院").institutions) > 1
    assert search(db, admin, "红包").clues == []  # administrators do not read cases


def test_reporter_searches_only_institutions_of_their_own(db):
    _data(db)
    result = search(db, user(db, "reporter"), "医院")
    assert result.clues == [] and result.tips == []
    assert [u.code for u in result.institutions] == ["C01-D01-H01"]


def test_search_page_shows_no_identity_and_escapes_wildcards(client, db):
    _data(db)
    login(client, "clerk")
    page = client.get("/search?q=乱收费").get_data(as_text=True)
    assert "网上反映：城关镇卫生院<mark>乱收费</mark>" in page  # highlighted
    assert "gAAAA-secret-token" not in page and "实名" not in page
    assert "石门县卫生院乱收费" not in page
    assert 'data-testid="search-total">“%”共找到 0 条' in client.get("/search?q=%").get_data(
        as_text=True
    )
    assert client.get("/search").status_code == 200
