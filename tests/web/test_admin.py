from __future__ import annotations

import io

from sqlalchemy import select

from directory.models import OrgUnit, User
from tests.conftest import login, post_form, unit


def test_non_admins_get_403_on_admin_pages(client):
    login(client, "leader")
    assert client.get("/admin/users").status_code == 403
    assert client.get("/admin/import").status_code == 403
    assert client.get("/admin/units").status_code == 200


def test_leader_sees_only_units_in_jurisdiction(client):
    login(client, "leader")
    page = client.get("/admin/units").get_data(as_text=True)
    assert "清河县人民医院" in page
    assert "云台区人民医院" not in page and "石门县" not in page


def test_admin_creates_a_user(client, db):
    login(client, "admin")
    response = post_form(
        client,
        "/admin/users/new",
        {
            "username": "newclerk",
            "display_name": "新登记员",
            "role": "clerk",
            "unit_id": unit(db, "C01-D02").id,
            "password": "abcdef12345",
            "active": "y",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    created = db.scalar(select(User).where(User.username == "newclerk"))
    assert created is not None and created.unit.code == "C01-D02"


def test_user_form_keeps_input_and_explains_a_bad_password(client, db):
    login(client, "admin")
    response = post_form(
        client,
        "/admin/users/new",
        {
            "username": "weak",
            "display_name": "弱密码",
            "role": "clerk",
            "unit_id": unit(db, "C01-D02").id,
            "password": "short",
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "密码至少需要" in page and 'value="弱密码"' in page
    assert db.scalar(select(User).where(User.username == "weak")) is None


def test_admin_creates_an_institution_with_its_class(client, db):
    login(client, "admin")
    response = post_form(
        client,
        "/admin/units/new",
        {
            "code": "NEWH",
            "name": "新建专科医院",
            "kind": "institution",
            "parent_id": unit(db, "C02-D03").id,
            "category": "specialty_hospital",
            "grade": "level2",
            "ownership": "private",
        },
    )
    assert response.status_code == 302
    created = db.scalar(select(OrgUnit).where(OrgUnit.code == "NEWH"))
    assert created.stat_row == "pri2_specialty"


def test_institution_without_attributes_is_refused(client, db):
    login(client, "admin")
    response = post_form(
        client,
        "/admin/units/new",
        {
            "code": "NEWH2",
            "name": "缺属性",
            "kind": "institution",
            "parent_id": unit(db, "C02-D03").id,
        },
    )
    assert response.status_code == 422
    assert "机构类别" in response.get_data(as_text=True)


def test_import_page_reports_rows_and_writes_nothing(client, db):
    login(client, "admin")
    before = db.scalar(select(OrgUnit.id).order_by(OrgUnit.id.desc()).limit(1))
    data = "编码,名称,类型,上级编码\nA1,甲,处室/股室,C01\nA2,乙,火星,C01\n".encode()
    response = post_form(
        client,
        "/admin/import",
        {"file": (io.BytesIO(data), "units.csv")},
        content_type="multipart/form-data",
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "第 3 行「类型」" in page
    assert db.scalar(select(OrgUnit.id).order_by(OrgUnit.id.desc()).limit(1)) == before


def test_import_page_success(client, db):
    login(client, "admin")
    data = "编码,名称,类型,上级编码\nA1,甲办,处室/股室,C01\n".encode()
    response = post_form(
        client,
        "/admin/import",
        {"file": (io.BytesIO(data), "units.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    assert unit(db, "A1").name == "甲办"
