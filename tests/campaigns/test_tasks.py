"""Task division: the seed 001 table imported, bad rows named, progress and status, jurisdiction."""

from __future__ import annotations

from datetime import date
from io import BytesIO

import pytest
from openpyxl import Workbook

from campaigns.demo import TASK_TABLE
from campaigns.models import TaskStatus
from campaigns.service import get_campaign
from campaigns.tasks import (
    add_progress,
    effective_status,
    import_tasks,
    office_board,
    split_offices,
    tasks_by_office,
)
from config.errors import NotFound, PermissionDenied, ValidationError
from directory.models import UnitKind
from directory.roles import Role
from directory.service import add_unit, add_user
from tests.campaigns.helpers import seed_001_csv, seed_001_task_rows, shaanxi_campaign
from tests.conftest import unit, user

SEED_OFFICES = ("机关党委", "医政医管局", "中医药管理局", "妇幼健康处", "药政处",
                "省学会服务中心", "疾控处", "基层处")  # fmt: skip


def test_seed_table_has_eight_tasks_and_demo_copies_it():
    rows = seed_001_task_rows()
    assert [r[0] for r in rows] == [str(n) for n in range(1, 9)]
    assert rows[6] == ("7", "公共卫生行风治理", "疾控处")
    demo_rows = [line.split(",") for line in TASK_TABLE.strip().splitlines()[1:]]
    assert [tuple(r) for r in demo_rows] == rows


def test_split_offices_as_the_seeds_print_them():
    assert split_offices("宣传处\n机关党委\n医政医管处\n") == ["宣传处", "机关党委", "医政医管处"]
    assert split_offices("医政医管局、中医药管理局、妇幼健康处") == [
        "医政医管局",
        "中医药管理局",
        "妇幼健康处",
    ]


def test_missing_offices_are_named_and_nothing_is_written(db):
    admin = user(db, "admin")
    campaign = shaanxi_campaign(db, admin)
    with pytest.raises(ValidationError) as err:
        import_tasks(db, admin, campaign, "分工.csv", seed_001_csv())
    details = err.value.details
    assert "第 2 行「责任处室」：示范省卫生健康委员会没有名为“机关党委”的处室" in details
    assert any(d.startswith("第 9 行「责任处室」") and "基层处" in d for d in details)
    assert campaign.tasks == []


def test_seed_001_campaign_entered_through_the_import(db):
    admin = user(db, "admin")
    campaign = shaanxi_campaign(db, admin)
    result = import_tasks(
        db, admin, campaign, "分工.csv", seed_001_csv(), create_missing_offices=True
    )
    assert result.report.created == 8
    assert sorted(result.offices_created) == sorted(SEED_OFFICES)
    db.expire(campaign)
    tasks = campaign.tasks
    assert [t.seq for t in tasks] == list(range(1, 9))
    assert tasks[1].text == "配合医保等部门严厉打击欺诈骗保基金行为".replace(
        "骗保基金", "骗取医保基金"
    )
    assert [o.name for o in tasks[1].lead_offices] == ["医政医管局", "中医药管理局", "妇幼健康处"]
    assert all(o.kind == UnitKind.OFFICE and o.parent_id == campaign.issuing_unit_id
               for t in tasks for o in t.lead_offices)  # fmt: skip
    board = {o.name: [t.seq for t, _ in items] for o, items in tasks_by_office(campaign).items()}
    assert board["中医药管理局"] == [2, 3, 5, 6]
    assert [p.name for p in campaign.phases] == [
        "全面清查、集中整治",
        "专项督查、巩固提高",
        "总结通报",
    ]


def test_bad_rows_are_named(db):
    admin = user(db, "admin")
    campaign = shaanxi_campaign(db, admin)
    data = (
        "序号,重点任务,责任处室,配合处室,完成时限\n"
        "1,任务一,综合监督处,医政医管处,2020-08-31\n"
        "x,任务二,综合监督处,,\n"
        "3,,,,\n"
        "1,任务四,综合监督处,不存在处,8月底\n"
    ).encode()
    with pytest.raises(ValidationError) as err:
        import_tasks(db, admin, campaign, "t.csv", data)
    assert set(err.value.details) == {
        "第 3 行「序号」：“x”不是数字",
        "第 4 行「重点任务」：不能为空",
        "第 4 行「责任处室」：至少填写一个责任处室",
        "第 5 行「序号」：序号 1 重复",
        "第 5 行「完成时限」：“8月底”不是日期（格式 2020-08-31）",
        "第 5 行「配合处室」：示范省卫生健康委员会没有名为“不存在处”的处室",
    }
    good = "序号,重点任务,责任处室,配合处室,完成时限\n1,任务一,综合监督处,医政医管处,2020-08-31\n"
    result = import_tasks(db, admin, campaign, "t.csv", good.encode())
    task = result.created[0]
    assert [o.name for o in task.cooperating_offices] == ["医政医管处"]
    assert task.due_on == date(2020, 8, 31)


def test_progress_by_the_office_sets_status_and_overdue_is_derived(db):
    admin = user(db, "admin")
    campaign = shaanxi_campaign(db, admin)
    data = "序号,重点任务,责任处室\n1,任务一,综合监督处\n2,任务二,医政医管处\n".encode()
    tasks = import_tasks(db, admin, campaign, "t.csv", data).created
    office = unit(db, "P-O01")
    clerk = add_user(db, username="p_o1", display_name="处室员", password="qingfeng2026",
                     role=Role.HANDLER, unit=office)  # fmt: skip
    assert effective_status(tasks[0], date(2021, 1, 5)) == TaskStatus.OVERDUE
    add_progress(db, clerk, tasks[0], "已完成排查", TaskStatus.DONE, on=date(2020, 8, 1))
    assert tasks[0].status == TaskStatus.DONE
    assert effective_status(tasks[0], date(2021, 1, 5)) == TaskStatus.DONE
    with pytest.raises(PermissionDenied):
        add_progress(db, clerk, tasks[1], "越权填报", TaskStatus.DONE)
    assert [t.seq for t, _ in office_board(db, clerk, office)] == [1]


def test_an_office_of_another_body_cannot_see_or_edit(db):
    leader = user(db, "leader")  # 清河县卫生健康局
    campaign = shaanxi_campaign(db, leader)
    data = "序号,重点任务,责任处室\n1,任务一,党建办\n".encode()
    task = import_tasks(db, leader, campaign, "t.csv", data).created[0]
    other_body = unit(db, "C02-D03")
    office = add_unit(db, code="C02-D03-OX", name="党建办", kind=UnitKind.OFFICE, parent=other_body)
    outsider = add_user(db, username="d03_party", display_name="外县", password="qingfeng2026",
                        role=Role.HANDLER, unit=office)  # fmt: skip
    with pytest.raises(NotFound):
        get_campaign(db, outsider, campaign.id)
    with pytest.raises(PermissionDenied):
        add_progress(db, outsider, task, "外县填报", TaskStatus.IN_PROGRESS)
    with pytest.raises(NotFound):
        office_board(db, outsider, unit(db, "C01-D01-O01"))
    with pytest.raises(PermissionDenied):
        import_tasks(db, outsider, campaign, "t.csv", data)


def test_xlsx_table_with_cells_of_several_offices_on_separate_lines(db):
    """Seed 000 prints 责任处室/配合处室 cells with one office a line."""
    admin = user(db, "admin")
    campaign = shaanxi_campaign(db, admin)
    wb = Workbook()
    ws = wb.active
    ws.append(["序号", "重点任务", "责任处室", "配合处室"])
    ws.append([1, "宣传行业先进典型，塑造和维护良好行业形象。", "综合监督处\n医政医管处\n",
               "妇幼处\n基层处\n医政医管处"])  # fmt: skip
    buf = BytesIO()
    wb.save(buf)
    result = import_tasks(db, admin, campaign, "分工.xlsx", buf.getvalue(),
                          create_missing_offices=True)  # fmt: skip
    task = result.created[0]
    assert [o.name for o in task.lead_offices] == ["综合监督处", "医政医管处"]
    # An office named as lead is not also listed as cooperating.
    assert [o.name for o in task.cooperating_offices] == ["妇幼处", "基层处"]
    assert result.offices_created == ["妇幼处", "基层处"]
