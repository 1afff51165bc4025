"""The ``qingfeng`` commands a new installation runs, against a database of their own."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select, text
from sqlalchemy.orm import sessionmaker

from cases.lifecycle import CLUE_LIFECYCLE
from config.database import make_engine, session_scope
from directory.models import OrgUnit, User
from directory.passwords import verify_password
from tests.dbutil import fresh_database
from tests.tips.mailfactory import utf8_qp
from tips.models import Tip
from web.cli import main


@pytest.fixture(scope="module")
def cli_db(tmp_path_factory):
    return fresh_database("cli"), tmp_path_factory.mktemp("cli-instance")


@pytest.fixture
def run(cli_db, monkeypatch):
    url, instance = cli_db
    monkeypatch.setenv("QINGFENG_DATABASE_URL", url)
    monkeypatch.setenv("QINGFENG_INSTANCE_PATH", str(instance))
    monkeypatch.setenv("QINGFENG_ADMIN_PASSWORD", "Root-password-2026")

    def invoke(*args: str):
        return CliRunner().invoke(main, list(args))

    return invoke


def _count(url: str, model) -> int:
    engine = make_engine(url)
    try:
        with session_scope(sessionmaker(bind=engine)) as s:
            return s.scalar(select(func.count()).select_from(model)) or 0
    finally:
        engine.dispose()


def test_a_demo_before_init_is_refused_with_the_command_to_run(run):
    result = run("demo")
    assert result.exit_code != 0 and "qingfeng init" in result.output


def test_b_init_creates_the_first_administrator_once(run, cli_db):
    url, _ = cli_db
    result = run("init", "--admin", "root")
    assert result.exit_code == 0, result.output
    assert "已创建管理员 root" in result.output
    engine = make_engine(url)
    with session_scope(sessionmaker(bind=engine)) as s:
        root = s.scalar(select(User).where(User.username == "root"))
        assert root is not None and root.role == "admin" and root.unit.parent_id is None
        assert verify_password(root.password_hash, "Root-password-2026")
    engine.dispose()
    again = run("init", "--admin", "root")
    assert again.exit_code == 0 and "已存在，未修改" in again.output
    assert _count(url, User) == 1


def test_c_demo_refuses_a_database_with_data_unless_if_empty(run, cli_db):
    url, _ = cli_db
    refused = run("demo")  # the administrator's unit is data already
    assert refused.exit_code != 0 and "已有数据" in refused.output
    skipped = run("demo", "--if-empty")
    assert skipped.exit_code == 0 and "跳过载入演示数据" in skipped.output
    assert _count(url, User) == 1


def test_d_import_directory_all_rows_or_none(run, cli_db, tmp_path):
    url, _ = cli_db
    header = "编码,名称,类型,上级编码,机构类别,等级,所有制,医保定点,联系人,联系电话\n"
    bad = tmp_path / "bad.csv"
    bad.write_text(
        header + "Q1,青山市卫生健康委,市级卫生健康委,P,,,,,,\n"
        "Q1-H1,青山县医院,医疗机构,NOPE,综合医院,二级,公立,是,张三,1\n",
        "utf-8",
    )
    before = _count(url, OrgUnit)
    result = run("import-directory", str(bad))
    assert result.exit_code != 0
    assert "第 3 行「上级编码」" in result.output, result.output
    assert _count(url, OrgUnit) == before
    good = tmp_path / "good.csv"
    good.write_text(
        header + "Q1,青山市卫生健康委,市级卫生健康委,P,,,,,,\n"
        "Q1-H1,青山县医院,医疗机构,Q1,综合医院,二级,公立,是,张三,1\n",
        "utf-8",
    )
    result = run("import-directory", str(good))
    assert result.exit_code == 0, result.output
    assert _count(url, OrgUnit) == before + 2


def test_e_mailbox_import_makes_a_tip_once(run, cli_db, tmp_path):
    url, _ = cli_db
    mail = tmp_path / "tip.eml"
    mail.write_bytes(utf8_qp())
    first = run("mailbox", "import", str(mail), "--unit", "Q1")
    assert first.exit_code == 0, first.output
    assert _count(url, Tip) == 1
    second = run("mailbox", "import", str(mail), "--unit", "Q1")  # the same Message-ID
    assert second.exit_code == 0, second.output
    assert _count(url, Tip) == 1


def test_f_workflow_diagram_prints_every_edge_of_the_table(run):
    result = run("workflow", "diagram", "clue")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "stateDiagram-v2"
    arrows = {tuple(ln.split(" : ")[0].split(" --> ")) for ln in lines if "-->" in ln}
    arrows = {(a.strip(), b.strip()) for a, b in arrows if "[*]" not in (a.strip(), b.strip())}
    assert arrows == {(src, dst) for src, _trigger, dst in CLUE_LIFECYCLE.edges()}
    assert "pending_write_off --> written_off : 批准销号（审批）" in result.output


def test_sqlite_connections_are_tuned(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'tuned.db'}")
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() >= 5000
    engine.dispose()
