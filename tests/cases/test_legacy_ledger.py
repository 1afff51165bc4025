"""Importing a legacy ledger: a row-by-row report, all rows or none, reporters encrypted."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from cases.legacy import import_ledger
from cases.models import Clue
from cases.states import ClueState
from config.errors import ValidationError
from tests.conftest import unit
from tests.tips.helpers import make_vault, plaintext_hits
from tips.models import Tip

HEADER = ["序号", "受理日期", "来源", "反映对象", "反映问题", "办理状态", "反映人", "联系电话"]
GOOD = [
    [
        1,
        "2023-03-14",
        "来电",
        "清河县人民医院",
        "外科医生收红包",
        "已办结",
        "周大福",
        "13600000001",
    ],
    [2, "2023年4月2日", "信访", "张某某", "乡村医生违规收费", "办理中", "", ""],
    [3, "2023/5/6", "网络举报", "清河县中医医院", "药剂科收回扣", "待受理", "", ""],
]


def xlsx(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in [HEADER, *rows]:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def clues(db) -> int:
    return db.scalar(select(func.count()).select_from(Clue))


def test_good_ledger_is_imported_with_states_and_sources(db, tmp_path):
    county = unit(db, "C01-D01")
    report = import_ledger(db, county, "台账.xlsx", xlsx(GOOD), make_vault(tmp_path))
    assert report.created == 3
    imported = db.scalars(
        select(Clue).where(Clue.tip_id.is_not(None)).order_by(Clue.id.desc()).limit(3)
    ).all()
    by_content = {c.content: c for c in imported}
    done = by_content["外科医生收红包"]
    assert done.state == ClueState.WRITTEN_OFF and done.channel == "hotline" and done.ledger_no
    assert done.accused_unit == unit(db, "C01-D01-H01") and done.clocks == {}
    assert by_content["乡村医生违规收费"].state == ClueState.REGISTERED
    assert by_content["乡村医生违规收费"].channel == "letter"
    assert by_content["药剂科收回扣"].state == ClueState.RECEIVED
    assert db.get(Tip, done.tip_id).named
    assert plaintext_hits(db, "周大福", "13600000001") == []


def test_one_bad_row_rejects_the_whole_file_with_a_row_report(db, tmp_path):
    rows = [*GOOD, [4, "昨天", "传真", "", "", "搁置", "", "12"]]
    before = clues(db)
    with pytest.raises(ValidationError, match="文件中的数据均未写入") as caught:
        import_ledger(db, unit(db, "C01-D01"), "台账.xlsx", xlsx(rows), make_vault(tmp_path))
    details = "\n".join(caught.value.details)
    assert "第 5 行「受理日期」" in details and "无法识别的来源“传真”" in details
    assert "「反映问题」：不能为空" in details and "无法识别的状态“搁置”" in details
    assert clues(db) == before


def test_wrong_file_type_is_refused(db, tmp_path):
    with pytest.raises(ValidationError, match="文件类型不支持"):
        import_ledger(db, unit(db, "C01-D01"), "台账.pdf", b"%PDF-1.4", make_vault(tmp_path))
    with pytest.raises(ValidationError, match="无法读取该 Excel 文件"):
        import_ledger(db, unit(db, "C01-D01"), "台账.xlsx", b"not a zip", make_vault(tmp_path))


def test_cli_imports_a_file_or_prints_the_row_report(tmp_path):
    from click.testing import CliRunner
    from sqlalchemy.orm import sessionmaker

    from cases.cli import import_ledger_command
    from config.database import make_engine, session_scope
    from config.migrate import upgrade_database
    from directory.demo import load_demo
    from tests.dbutil import fresh_database
    from workflow.calendar_source import seed_from_package

    url = fresh_database("ledger_cli")
    upgrade_database(url)
    engine = make_engine(url)
    with session_scope(sessionmaker(bind=engine)) as session:
        load_demo(session)
        seed_from_package(session)
    env = {"QINGFENG_DATABASE_URL": url, "QINGFENG_INSTANCE_PATH": str(tmp_path)}
    good, bad = tmp_path / "good.xlsx", tmp_path / "bad.xlsx"
    good.write_bytes(xlsx(GOOD))
    bad.write_bytes(xlsx([[1, "2023-03-14", "来电", "", "", "已办结"]]))
    runner = CliRunner()
    ok = runner.invoke(import_ledger_command, [str(good), "--unit", "C01-D01"], env=env)
    assert ok.exit_code == 0 and "已导入 3 条线索" in ok.output, ok.output
    refused = runner.invoke(import_ledger_command, [str(bad), "--unit", "C01-D01"], env=env)
    assert refused.exit_code != 0 and "第 2 行「反映问题」：不能为空" in refused.output
    # A value too long for its column names its row and column, no traceback (PostgreSQL
    # used to refuse it mid-import with a driver error naming no row).
    names = "、".join(f"张{i:02d}某某" for i in range(30))
    long_row = [[9, "2023-06-01", "来电", names, "多人收回扣", "办理中", "", ""]]
    bad.write_bytes(xlsx([*GOOD, *long_row]))
    refused = runner.invoke(import_ledger_command, [str(bad), "--unit", "C01-D01"], env=env)
    assert refused.exit_code != 0 and "Traceback" not in refused.output
    assert "第 5 行「反映对象」：被反映人不能超过 100 个字" in refused.output, refused.output
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(Clue)) == 3
    engine.dispose()
