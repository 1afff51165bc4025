"""/stats: SQL aggregates within jurisdiction, drawn from data-* attributes, also as tables."""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import time_machine

from cases.charts import clues_by_category, clues_by_channel, clues_by_month, overdue_by_unit
from cases.models import Clue
from reporting.charts import compliance_by_period
from reporting.models import Obligation
from reporting.obligations import generate_obligations
from tests.conftest import login, unit, user

SH = ZoneInfo("Asia/Shanghai")
TODAY = "2026-11-20 10:00 +08:00"


def _clue(
    db,
    code: str,
    received: datetime,
    *,
    channel="hotline",
    category="other",
    due=None,
    state="triage",
) -> Clue:
    clue = Clue(
        unit_id=unit(db, code).id,
        summary="测试线索",
        channel=channel,
        category=category,
        received_at=received,
        state=state,
        next_due_on=due,
    )
    db.add(clue)
    db.flush()
    return clue


@time_machine.travel(TODAY, tick=False)
def test_clue_aggregates_by_local_month_channel_category_and_overdue_unit(db):
    # 2026-10-31 23:30 in Shanghai is still October, though 15:30 UTC.
    _clue(db, "C01-D01", datetime(2026, 10, 31, 23, 30, tzinfo=SH), category="redpacket")
    _clue(
        db,
        "C01-D01",
        datetime(2026, 11, 1, 0, 30, tzinfo=SH),
        channel="portal",
        due=date(2026, 11, 10),
    )
    _clue(
        db,
        "C01-D01",
        datetime(2026, 11, 2, 9, 0, tzinfo=SH),
        channel="portal",
        due=date(2026, 11, 10),
        state="written_off",
    )
    _clue(db, "C02-D03", datetime(2026, 11, 3, 9, 0, tzinfo=SH), due=date(2026, 11, 1))
    leader = user(db, "leader")  # 清河县: C01-D01 only
    months = dict(clues_by_month(db, leader, months=3).rows)
    assert months == {"2026年9月": 0, "2026年10月": 1, "2026年11月": 2}
    assert dict(clues_by_channel(db, leader).rows) == {"网络举报": 2, "来电": 1}
    categories = dict(clues_by_category(db, leader).rows)
    assert sum(categories.values()) == 3 and categories["其他"] == 2
    # Written-off clues are not overdue; 石门县's clue is outside the leader's jurisdiction.
    assert overdue_by_unit(db, leader).rows == [("清河县卫生健康局", 1)]
    admin = user(db, "admin")
    assert dict(overdue_by_unit(db, admin).rows) == {"清河县卫生健康局": 1, "石门县卫生健康局": 1}


@time_machine.travel(TODAY, tick=False)
def test_compliance_by_period_counts_on_time_late_and_missing(db):
    generate_obligations(db, date(2026, 11, 20))
    h01 = unit(db, "C01-D01-H01")
    obs = db.query(Obligation).filter_by(form_code="zl3").all()
    for ob in obs:
        if ob.unit_id == h01.id and ob.period_label == "2026年10月":
            ob.state, ob.late = "accepted", True
    db.flush()
    rows = {p.period: p for p in compliance_by_period(db, user(db, "leader"), "zl3")}
    october = rows["2026年10月"]
    assert october.late == 1 and october.on_time == 0
    assert october.owed == october.missing + 1
    # The county leader sees the county's institutions, not the province's.
    total = db.query(Obligation).filter_by(form_code="zl3", period_label="2026年10月").count()
    assert october.owed < total


def test_reporter_gets_no_stats(client):
    login(client, "reporter")
    assert client.get("/stats/").status_code == 403


@time_machine.travel(TODAY, tick=False)
def test_stats_page_passes_data_by_attributes_and_offers_tables(client, db):
    _clue(db, "C01-D01", datetime(2026, 11, 2, 9, 0, tzinfo=SH), channel="portal")
    login(client, "leader")
    page = client.get("/stats/").get_data(as_text=True)
    assert "<script>" not in page and "style=" not in page
    assert "/static/vendor/chartjs/chart.umd.min.js" in page
    labels = re.search(r"id=\"by-channel-canvas\"[^>]*data-labels='([^']*)'", page)
    assert labels and json.loads(labels.group(1).replace("&#34;", '"')) == ["网络举报"]
    assert page.count("以表格查看") == 5
    assert '<th scope="row">网络举报</th><td class="num">1</td>' in page
