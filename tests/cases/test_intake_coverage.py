"""Start-up refuses while a body that receives tips has nobody who may register them."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import select, update

from cases.intake_coverage import (
    IntakeUncovered,
    check_intake_coverage,
    receiving_bodies,
    register_roles,
    uncovered_bodies,
)
from config.reference import Grade, InstitutionCategory, Ownership
from directory.models import UnitKind, User
from directory.roles import Role
from directory.service import InstitutionAttrs, add_unit
from tests.conftest import unit
from web.app import create_app


def test_register_roles_come_from_the_lifecycle():
    assert set(register_roles()) == {Role.CLERK, Role.LEADER}


def test_the_demo_covers_every_receiving_body(db, settings):
    codes = {u.code for u in receiving_bodies(db, settings)}
    assert codes == {"P", "C01", "C02", "C01-D01", "C01-D02", "C02-D03"}
    assert uncovered_bodies(db, settings) == []
    check_intake_coverage(db, settings)


def test_a_new_county_with_a_hospital_and_no_clerk_is_named(db, settings):
    city = unit(db, "C02")
    county = add_unit(
        db, code="C02-D09", name="新设县卫生健康局", kind=UnitKind.COUNTY, parent=city
    )
    attrs = InstitutionAttrs(
        InstitutionCategory.GENERAL_HOSPITAL, Grade.LEVEL2, Ownership.PUBLIC, True
    )
    add_unit(
        db,
        code="C02-D09-H01",
        name="新设县人民医院",
        kind=UnitKind.INSTITUTION,
        parent=county,
        institution=attrs,
    )
    db.flush()
    assert [u.code for u in uncovered_bodies(db, settings)] == ["C02-D09"]
    with pytest.raises(IntakeUncovered, match="新设县卫生健康局（C02-D09）") as err:
        check_intake_coverage(db, settings)
    assert "add-user" in err.value.message


def test_inactive_and_non_registering_users_do_not_count(db, settings):
    # The city's leader (leader_dc) reaches the county too: without them as well, nobody may.
    leaving = ["clerk", "leader", "leader_dc"]
    db.execute(update(User).where(User.username.in_(leaving)).values(active=False))
    db.flush()
    # The handler works at the county too, but may not register a tip.
    assert [u.code for u in uncovered_bodies(db, settings)] == ["C01-D01"]


def test_a_leader_above_covers_the_bodies_below(db, settings):
    db.execute(update(User).where(User.username == "clerk_sm").values(active=False))
    db.flush()
    assert [u.code for u in uncovered_bodies(db, settings)] == ["C02-D03"]
    leader = db.scalar(select(User).where(User.username == "leader"))
    leader.unit = unit(db, "C02")  # a TREE-scope leader at the city reaches the county
    db.flush()
    assert uncovered_bodies(db, settings) == []  # the county keeps its own clerk


def test_the_web_app_refuses_to_start(db, settings, session_factory):
    db.execute(update(User).where(User.username == "clerk_p").values(active=False))
    db.commit()
    with pytest.raises(IntakeUncovered, match=r"示范省卫生健康委员会（P）"):
        create_app(settings, session_factory=session_factory)
    assert create_app(settings, session_factory=session_factory, check_intake=False)


def test_the_scheduler_refuses_to_start(db, settings, session_factory, monkeypatch):
    from notifications import cli

    leaving = ["clerk_dc", "leader_dc"]  # the city's clerk and its leader
    db.execute(update(User).where(User.username.in_(leaving)).values(active=False))
    db.commit()
    with pytest.raises(Exception, match="东城市卫生健康委员会（C01）"):
        cli._check_intake(session_factory, settings)


def test_an_empty_database_passes(settings, tmp_path):
    from sqlalchemy.orm import sessionmaker

    from config.database import make_engine

    engine = make_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    with sessionmaker(bind=engine)() as session:
        check_intake_coverage(session, settings)
    engine.dispose()


def test_first_run_is_refused_until_a_clerk_is_added(tmp_path, monkeypatch, settings):
    """``init --admin`` leaves the root with an administrator only: the portal's default
    intake body has nobody to register tips, until ``add-user`` adds a clerk."""
    from sqlalchemy.orm import sessionmaker

    from config.database import make_engine
    from directory.cli import add_user_command, init_command

    url = f"sqlite:///{tmp_path / 'first.db'}"
    monkeypatch.setenv("QINGFENG_DATABASE_URL", url)
    monkeypatch.setenv("QINGFENG_ADMIN_PASSWORD", "Admin-pass-2026!x")
    monkeypatch.setenv("QINGFENG_USER_PASSWORD", "Clerk-pass-2026!x")
    runner = CliRunner()
    assert runner.invoke(init_command, ["--admin", "root"]).exit_code == 0
    engine = make_engine(url)
    first = settings.with_overrides(database_url=url)
    with sessionmaker(bind=engine)() as session, pytest.raises(IntakeUncovered, match="（P）"):
        check_intake_coverage(session, first)
    bad = runner.invoke(add_user_command, ["li", "--name", "李", "--role", "clerk", "--unit", "X"])
    assert bad.exit_code != 0 and "单位代码 X 不存在" in bad.output
    args = ["li", "--name", "李登记", "--role", "clerk", "--unit", "P"]
    result = runner.invoke(add_user_command, args)
    assert result.exit_code == 0, result.output
    with sessionmaker(bind=engine)() as session:
        check_intake_coverage(session, first)
    engine.dispose()
