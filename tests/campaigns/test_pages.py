"""Campaign pages: overview, inspection form to clue in one step, board, notice, jurisdiction."""

from __future__ import annotations

import re
from io import BytesIO

from campaigns.demo import load_demo
from campaigns.models import InspectionClue
from directory.models import UnitKind
from directory.roles import Role
from directory.service import add_unit, add_user
from tests.campaigns.helpers import seed_001_csv, shaanxi_campaign
from tests.conftest import login, post_form, unit, user


def test_overview_shows_phases_tasks_progress_and_compliance(client, db):
    campaign = load_demo(db)
    login(client, "admin")
    page = client.get(f"/campaigns/{campaign.id}").get_data(as_text=True)
    assert "全面清查、集中整治" in page and "总结通报" in page
    assert "基层医疗机构行风治理" in page and "疾控处" in page
    assert "已检查 1 家" in page and "转为线索 1 条" in page
    assert "前报送专项行动整体工作书面总结" in page
    assert "专项行动" in client.get("/").get_data(as_text=True)


def test_inspection_form_records_and_one_click_turns_finding_into_clue(client, db):
    campaign = shaanxi_campaign(db, user(db, "admin"))
    login(client, "leader")
    path = f"/campaigns/{campaign.id}/inspections/new"
    form = client.get(path).get_data(as_text=True)
    assert "style=" not in form and "<script" not in form
    assert (
        form.count('class="check-item"') == 40
    )  # 42 answer lines of the sheet minus the two 合计 lines
    hospital = unit(db, "C01-D01-H01")
    resp = post_form(client, path, {
        "institution_id": hospital.id, "inspected_on": "2020-08-20",
        "inspectors": "钱分管", "accompanying": "张科长",
        "1.sampled": "20", "1.violating": "0", "8.found": "1", "8.note": "收受红包",
    })  # fmt: skip
    assert resp.status_code == 302
    inspection_path = resp.headers["Location"]
    page = client.get(inspection_path).get_data(as_text=True)
    assert "索取或收受患者及其家属“红包”行为" in page and "转为线索" in page
    inspection_id = int(re.search(r"/inspections/(\d+)", inspection_path).group(1))
    resp = post_form(client, f"/campaigns/inspections/{inspection_id}/clue", {"item": "8"},
                     token_from=inspection_path)  # fmt: skip
    assert resp.status_code == 302
    link = db.query(InspectionClue).filter_by(inspection_id=inspection_id).one()
    clue_page = client.get(f"/clues/{link.clue_id}").get_data(as_text=True)
    assert "专项检查" in clue_page and f"检查记录 #{inspection_id}" in clue_page


def test_import_page_reports_bad_rows(client, db):
    login(client, "admin")
    campaign = shaanxi_campaign(db, user(db, "admin"))
    path = f"/campaigns/{campaign.id}"
    token_page = client.get(path).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', token_page).group(1)
    resp = client.post(
        f"{path}/tasks/import",
        data={"csrf_token": token, "file": (BytesIO(seed_001_csv()), "分工.csv")},
        follow_redirects=True,
    )
    text = resp.get_data(as_text=True)
    assert "第 2 行「责任处室」" in text and "机关党委" in text
    assert "尚未导入任务分工表" in text


def test_other_body_gets_404_and_notice_prints(client, db):
    campaign = shaanxi_campaign(db, user(db, "leader"))
    office = add_unit(db, code="C02-D03-OX", name="党建办", kind=UnitKind.OFFICE,
                      parent=unit(db, "C02-D03"))  # fmt: skip
    add_user(db, username="d03_party", display_name="外县", password="qingfeng2026",
             role=Role.HANDLER, unit=office)  # fmt: skip
    login(client, "d03_party", "qingfeng2026")
    assert client.get(f"/campaigns/{campaign.id}").status_code == 404
    assert client.get(f"/campaigns/{campaign.id}/notice").status_code == 404
    assert campaign.name not in client.get("/campaigns/").get_data(as_text=True)


def test_create_campaign_page_and_office_board(app, client, db):
    login(client, "leader")
    resp = post_form(client, "/campaigns/new", {
        "name": "清河县医疗领域专项整治", "doc_number": "清卫〔2020〕1号",
        "starts_on": "2020-07-15", "ends_on": "2020-12-31",
        "phases": "自查自纠 2020-07-15 2020-08-31\n集中整治 2020-09-01 2020-11-30",
        "notice_text": "整治收受红包、乱收费", "hotline": "0000-6815093", "published": "1",
    })  # fmt: skip
    assert resp.status_code == 302
    overview = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "自查自纠" in overview and "集中整治" in overview
    bad = post_form(
        client,
        "/campaigns/new",
        {"name": "x", "starts_on": "2020-07-15", "ends_on": "2020-12-31", "phases": "只有名称"},
        token_from="/campaigns/new",
    )
    assert bad.status_code == 422 and "实施阶段第 1 行" in bad.get_data(as_text=True)
    # The county's 党建办 handler sees the board of their office, empty until tasks arrive.
    client = app.test_client()
    login(client, "handler")
    board = client.get("/campaigns/board")
    assert board.status_code == 200 and "本处室暂无专项行动任务" in board.get_data(as_text=True)
