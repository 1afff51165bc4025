from __future__ import annotations

from datetime import timedelta

import pytest

from config.database import utcnow
from config.errors import Conflict, PermissionDenied, ValidationError
from config.reference import Grade, InstitutionCategory, Ownership
from directory.demo import DEMO_PASSWORD
from directory.models import UnitKind
from directory.roles import Role
from directory.service import (
    InstitutionAttrs,
    LoginRefused,
    add_unit,
    authenticate,
    create_unit,
    create_user,
    update_user,
)
from tests.conftest import unit, user


def auth(db, name, password):
    return authenticate(db, name, password, max_failures=3, lock_minutes=15)


def test_sign_in_checks_the_argon2_hash_and_is_case_insensitive(db):
    assert auth(db, "Leader", DEMO_PASSWORD).username == "leader"
    assert user(db, "leader").password_hash.startswith("$argon2id$")


def test_wrong_password_and_unknown_user_get_the_same_message(db):
    with pytest.raises(LoginRefused) as wrong:
        auth(db, "leader", "nope")
    with pytest.raises(LoginRefused) as unknown:
        auth(db, "nobody", "nope")
    assert wrong.value.message == unknown.value.message


def test_repeated_failures_lock_the_account(db):
    for _ in range(3):
        with pytest.raises(LoginRefused):
            auth(db, "clerk", "wrong-password")
    with pytest.raises(LoginRefused, match="锁定"):
        auth(db, "clerk", DEMO_PASSWORD)
    clerk = user(db, "clerk")
    clerk.locked_until = utcnow() - timedelta(seconds=1)
    assert auth(db, "clerk", DEMO_PASSWORD) is clerk


def test_inactive_user_cannot_sign_in(db):
    user(db, "clerk").active = False
    with pytest.raises(LoginRefused, match="停用"):
        auth(db, "clerk", DEMO_PASSWORD)


def test_password_policy(db):
    admin = user(db, "admin")
    for bad in ("short1", "onlyletters-here", "1234567890123"):
        with pytest.raises(ValidationError):
            create_user(
                db,
                admin,
                unit_id=admin.unit_id,
                username="new",
                display_name="新",
                password=bad,
                role=Role.CLERK,
            )


def test_duplicate_username_and_code_are_conflicts(db):
    admin = user(db, "admin")
    with pytest.raises(Conflict):
        create_user(
            db,
            admin,
            unit_id=admin.unit_id,
            username="LEADER",
            display_name="x",
            password="abcdef12345",
            role=Role.CLERK,
        )
    with pytest.raises(Conflict):
        add_unit(db, code="C01", name="重复", kind=UnitKind.CITY, parent=unit(db, "P"))


def test_institution_class_is_derived_and_kept_in_step(db):
    admin = user(db, "admin")
    inst = create_unit(
        db,
        admin,
        parent_id=unit(db, "C01-D01").id,
        code="NEW1",
        name="新开诊所",
        kind=UnitKind.INSTITUTION,
        institution=InstitutionAttrs(InstitutionCategory.CLINIC, Grade.UNGRADED, Ownership.PRIVATE),
    )
    assert inst.stat_class == "private_other" and inst.stat_row == "prio_other"
    assert inst.path == unit(db, "C01-D01").path + f"{inst.id}/"


def test_tree_shape_is_enforced(db):
    with pytest.raises(ValidationError, match="不能设在"):
        add_unit(db, code="X1", name="错位的市", kind=UnitKind.CITY, parent=unit(db, "C01"))
    with pytest.raises(ValidationError, match="机构类别"):
        add_unit(db, code="X2", name="缺属性", kind=UnitKind.INSTITUTION, parent=unit(db, "C01"))


def test_admin_cannot_reach_outside_the_jurisdiction(db):
    city_admin = create_user(
        db,
        user(db, "admin"),
        unit_id=unit(db, "C02").id,
        username="cityadmin",
        display_name="市管理员",
        password="abcdef12345",
        role=Role.ADMIN,
    )
    with pytest.raises(PermissionDenied):
        create_unit(
            db, city_admin, parent_id=unit(db, "C01").id, code="Z", name="Z", kind=UnitKind.OFFICE
        )
    with pytest.raises(PermissionDenied):
        update_user(
            db,
            city_admin,
            user(db, "leader"),
            display_name="x",
            role=Role.LEADER,
            unit_id=unit(db, "C01-D01").id,
            active=True,
        )


def test_admin_cannot_lock_themselves_out(db):
    admin = user(db, "admin")
    with pytest.raises(ValidationError):
        update_user(
            db, admin, admin, display_name="x", role=Role.CLERK, unit_id=admin.unit_id, active=True
        )
