"""Supervision pages: the demo board for the city leader with figures that drill down, the
督办 list and its form (bad input told by field), 回头看 with its seed and outcomes."""

from __future__ import annotations

import re

import cases.demo
import rectification.demo
import supervision.demo
from supervision.models import SupervisedClue
from tests.conftest import login, post_form


def _demo(db):
    cases.demo.load_demo(db)
    rectification.demo.load_demo(db)
    supervision.demo.load_demo(db)


def test_the_city_leader_sees_the_board_and_every_figure_drills_down(client, db):
    _demo(db)
    login(client, "leader_dc")
    home = client.get("/").get_data(as_text=True)
    assert "督办看板" in home
    page = client.get("/supervision/board").get_data(as_text=True)
    assert "清河县卫生健康局" in page and "云台区卫生健康局" in page and "石门县" not in page
    links = set(re.findall(r'href="(/(?:supervision|rectification)/[^"]+)"', page))
    assert any("/overdue" in link for link in links)
    for link in links:
        assert client.get(link.replace("&amp;", "&")).status_code == 200, link
    overdue = client.get(
        next(link for link in links if "/overdue" in link and "D02" not in link)
    ).get_data(as_text=True)
    assert "线索编号" in overdue
    rect = client.get(
        next(x for x in links if x.startswith("/rectification/")).replace("&amp;", "&")
    )
    assert rect.status_code == 200


def test_supervised_list_and_marking_with_bad_input(client, db):
    _demo(db)
    login(client, "leader_dc")
    page = client.get("/supervision/supervised").get_data(as_text=True)
    assert "请按期报送核查结果" in page and "清河县卫生健康局" in page
    resp = post_form(client, "/supervision/supervised/mark", {"reference": "<script>"},
                     token_from="/supervision/supervised")  # fmt: skip
    assert resp.status_code == 422 and "未找到线索" in resp.get_data(as_text=True)
    row = db.query(SupervisedClue).one()
    resp = post_form(client, f"/supervision/supervised/{row.id}/lift", {},
                     token_from="/supervision/supervised")  # fmt: skip
    assert resp.status_code == 303
    assert "暂无挂牌督办的线索" in client.get("/supervision/supervised").get_data(as_text=True)


def test_lookback_page_shows_the_seed_and_records_an_outcome(client, db):
    _demo(db)
    login(client, "leader_dc")
    page = client.get("/supervision/lookback").get_data(as_text=True)
    assert "随机种子" in page and "办理到位" in page and "待回头看" in page
    bad = {"period": "2026Q9", "rate_percent": "10"}
    resp = post_form(client, "/supervision/lookback/draw", bad, token_from="/supervision/lookback")
    assert resp.status_code == 422 and "格式应为" in resp.get_data(as_text=True)
    sample = re.search(r"/supervision/lookback/samples/(\d+)", page).group(1)
    empty = {"outcome": "problem", "note": ""}
    path = f"/supervision/lookback/samples/{sample}"
    resp = post_form(client, path, empty, token_from="/supervision/lookback")
    assert resp.status_code == 303
    assert "发现问题时，请填写发现的问题" in client.get("/supervision/lookback").get_data(
        as_text=True
    )


def test_county_staff_cannot_reach_the_board(client, db):
    login(client, "handler")
    assert client.get("/supervision/board").status_code == 403
