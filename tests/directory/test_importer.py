from __future__ import annotations

import io

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from config.errors import PermissionDenied, ValidationError
from directory.importer import import_directory
from directory.models import OrgUnit
from tests.conftest import unit, user

HEADER = "编码,名称,类型,上级编码,机构类别,等级,所有制,医保定点,联系人,联系电话\n"


def count(db) -> int:
    return db.scalar(select(func.count()).select_from(OrgUnit))


def csv_bytes(*rows: str) -> bytes:
    return (HEADER + "".join(r + "\n" for r in rows)).encode("utf-8")


def test_import_csv_with_parent_defined_later_in_the_file(db):
    admin = user(db, "admin")
    before = count(db)
    data = csv_bytes(
        "N-H1,新区人民医院,医疗机构,N,综合医院,二级,公立,是,张三,123",
        "N,新区卫生健康局,县（区）卫生健康局,C02,,,,,,",
        "N-O1,党建办,处室/股室,N,,,,,,",
    )
    assert import_directory(db, admin, "units.csv", data) == 3
    assert count(db) == before + 3
    hospital = unit(db, "N-H1")
    assert hospital.parent.code == "N"
    assert hospital.stat_row == "pub2_general"
    assert hospital.insurance_designated is True


def test_import_xlsx(db):
    wb = Workbook()
    ws = wb.active
    ws.append(HEADER.strip().split(","))
    ws.append(
        ["X-H1", "某诊所", "医疗机构", "C01-D02", "诊所/医务室/卫生站", "未定级", "社会办", "否"]
    )
    buf = io.BytesIO()
    wb.save(buf)
    assert import_directory(db, user(db, "admin"), "units.xlsx", buf.getvalue()) == 1
    assert unit(db, "X-H1").stat_class == "private_other"


def test_every_bad_row_is_reported_and_nothing_is_written(db):
    before = count(db)
    data = csv_bytes(
        "OK1,好的一行,医疗机构,C01,综合医院,三级,公立,是,,",
        ",缺编码,医疗机构,C01,综合医院,三级,公立,是,,",
        "BAD2,坏类别,医疗机构,C01,宠物医院,三级,公立,是,,",
        "BAD3,无上级,医疗机构,NOPE,综合医院,三级,公立,是,,",
        "C01,重复编码,处室/股室,C01,,,,,,",
        "OK1,文件内重复,处室/股室,C01,,,,,,",
        "BAD4,坏医保,医疗机构,C01,综合医院,三级,公立,也许,,",
    )
    with pytest.raises(ValidationError) as err:
        import_directory(db, user(db, "admin"), "units.csv", data)
    db.rollback()
    details = "\n".join(err.value.details)
    assert "第 3 行「编码」：必填项为空" in details
    assert "第 4 行「机构类别」" in details and "宠物医院" in details
    assert "第 6 行「编码」：编码“C01”已存在" in details
    assert "第 7 行「编码」：与第 2 行编码重复" in details
    assert "第 8 行「医保定点」" in details
    assert "均未写入" in err.value.message
    assert count(db) == before


def test_unknown_parent_is_reported_with_its_row(db):
    data = csv_bytes("BAD3,无上级,医疗机构,NOPE,综合医院,三级,公立,是,,")
    with pytest.raises(ValidationError) as err:
        import_directory(db, user(db, "admin"), "units.csv", data)
    assert err.value.details == ["第 2 行「上级编码」：上级单位“NOPE”不存在"]


def test_unknown_and_missing_columns(db):
    data = "编码,名称,类别\nA,B,C\n".encode()
    with pytest.raises(ValidationError) as err:
        import_directory(db, user(db, "admin"), "units.csv", data)
    details = err.value.details
    assert "第 1 行「类别」：未知的列名" in details
    assert "第 1 行「类型」：缺少必填列" in details
    assert "第 1 行「上级编码」：缺少必填列" in details


def test_non_utf8_csv_and_wrong_file_type(db):
    admin = user(db, "admin")
    with pytest.raises(ValidationError, match="UTF-8"):
        import_directory(db, admin, "units.csv", HEADER.encode("gbk"))
    with pytest.raises(ValidationError, match="文件类型不支持"):
        import_directory(db, admin, "units.pdf", b"%PDF-1.4")
    with pytest.raises(ValidationError, match="无法读取"):
        import_directory(db, admin, "units.xlsx", b"not a zip")


def test_parent_outside_jurisdiction_is_refused(db):
    from directory.roles import Role
    from directory.service import create_user

    city_admin = create_user(
        db,
        user(db, "admin"),
        unit_id=unit(db, "C02").id,
        username="cityadmin2",
        display_name="市管理员",
        password="abcdef12345",
        role=Role.ADMIN,
    )
    with pytest.raises(ValidationError) as err:
        import_directory(db, city_admin, "u.csv", csv_bytes("Q1,某处室,处室/股室,C01,,,,,,"))
    assert "不在您的管辖范围内" in err.value.details[0]
    with pytest.raises(PermissionDenied):
        import_directory(
            db, user(db, "leader"), "u.csv", csv_bytes("Q1,某处室,处室/股室,C01,,,,,,")
        )
