from __future__ import annotations

import pytest
from sqlalchemy import select

from config.errors import NotFound, PermissionDenied
from directory.jurisdiction import can_see_unit, get_visible_unit, unit_filter, visible_unit_ids
from directory.models import OrgUnit, UnitKind
from directory.roles import Role
from directory.service import add_user
from tests.conftest import unit, user


def visible_codes(db, actor) -> set[str]:
    return set(db.scalars(select(OrgUnit.code).where(unit_filter(db, actor))))


def test_leader_sees_own_county_and_everything_below(db):
    codes = visible_codes(db, user(db, "leader"))
    assert "C01-D01" in codes
    assert "C01-D01-H01" in codes and "C01-D01-O01" in codes
    assert "C01-D02" not in codes and "C01-D02-H01" not in codes
    assert "C01" not in codes and "P" not in codes


def test_handler_in_an_office_sees_the_body_and_its_offices_only(db):
    codes = visible_codes(db, user(db, "handler"))
    assert codes == {"C01-D01", "C01-D01-O01", "C01-D01-O02"}


def test_inspector_at_city_sees_both_counties_not_the_other_city(db):
    codes = visible_codes(db, user(db, "inspector"))
    assert {"C01", "C01-D01", "C01-D02", "C01-D02-H07", "C01-H11"} <= codes
    assert not any(code.startswith("C02") for code in codes)


def test_reporter_sees_only_own_institution(db):
    assert visible_codes(db, user(db, "reporter")) == {"C01-D01-H01"}


def test_admin_at_province_sees_the_whole_tree(db):
    total = len(db.scalars(select(OrgUnit.id)).all())
    assert len(visible_codes(db, user(db, "admin"))) == total


def test_visible_ids_subselect_and_single_unit_checks(db):
    leader = user(db, "leader")
    ids = set(db.scalars(visible_unit_ids(db, leader)))
    assert unit(db, "C01-D01-H03").id in ids
    other = unit(db, "C02-D03-H01")
    assert not can_see_unit(db, leader, other.id)
    with pytest.raises(NotFound):
        get_visible_unit(db, leader, other.id)
    with pytest.raises(NotFound):
        get_visible_unit(db, leader, 10**9)


def test_demo_has_about_thirty_institutions_of_every_class(db):
    institutions = db.scalars(select(OrgUnit).where(OrgUnit.kind == UnitKind.INSTITUTION)).all()
    assert 25 <= len(institutions) <= 40
    assert {u.stat_class for u in institutions} == {
        "public_l2plus",
        "public_other",
        "private_l2plus",
        "private_other",
    }


def test_reporter_must_belong_to_an_institution(db):
    from config.errors import ValidationError

    with pytest.raises(ValidationError, match="医疗机构"):
        add_user(
            db,
            username="r2",
            display_name="某人",
            password="abcdef12345",
            role=Role.REPORTER,
            unit=unit(db, "C01-D01"),
        )


def test_only_admins_create_users(db):
    from directory.service import create_user

    with pytest.raises(PermissionDenied):
        create_user(
            db,
            user(db, "leader"),
            unit_id=unit(db, "C01-D01").id,
            username="x",
            display_name="x",
            password="abcdef12345",
            role=Role.CLERK,
        )
