"""The printable 检查表 carries the seed's header (seed 000 附件2) and every item, blank or
headed with one institution; outside the jurisdiction it is not shown."""

from __future__ import annotations

from campaigns.demo import load_demo
from tests.conftest import login, unit

HEADER = (
    "被检查单位",
    "地址：",
    "联系人：",
    "联系电话：",
    "陪同检查人：",
    "检查人：",
    "检查时间：",
)


def test_blank_and_headed_sheets_and_jurisdiction(client, db):
    campaign = load_demo(db)
    login(client, "leader")
    path = f"/campaigns/{campaign.id}/checklist/print"
    blank = client.get(path)
    assert blank.status_code == 200
    text = blank.get_data(as_text=True)
    assert all(h in text for h in HEADER)
    assert text.count("有□ 无□") >= 30 and "<script" not in text
    hospital = unit(db, "C01-D01-H01")
    headed = client.get(f"{path}?institution_id={hospital.id}").get_data(as_text=True)
    assert hospital.name in headed and "☑" in headed
    assert client.get(f"{path}?institution_id={unit(db, 'C02').id}").status_code == 404
    overview = client.get(f"/campaigns/{campaign.id}").get_data(as_text=True)
    assert "打印检查表" in overview
