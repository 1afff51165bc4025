"""A demo province: cities, counties, offices, ~30 institutions of every class, a user per role."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from config.reference import Grade, InstitutionCategory, Ownership
from directory.models import OrgUnit, UnitKind, User
from directory.roles import ROLE_LABELS, Role
from directory.service import InstitutionAttrs, add_unit, add_user

DEMO_PASSWORD = "qingfeng2026"  # noqa: S105 — demo data only; printed by `qingfeng demo`

C = InstitutionCategory
G = Grade
Own = Ownership

# (code suffix, name, category, grade, ownership, 医保定点)
COUNTY_INSTITUTIONS = [
    ("H01", "人民医院", C.GENERAL_HOSPITAL, G.LEVEL2, Own.PUBLIC, True),
    ("H02", "中医医院", C.TCM_HOSPITAL, G.LEVEL2, Own.PUBLIC, True),
    ("H03", "妇幼保健院", C.MATERNAL_CHILD, G.LEVEL2, Own.PUBLIC, True),
    ("H04", "城关镇卫生院", C.PRIMARY_CARE, G.LEVEL1, Own.PUBLIC, True),
    ("H05", "康宁体检中心", C.PHYSICAL_EXAM, G.UNGRADED, Own.PRIVATE, False),
    ("H06", "仁和诊所", C.CLINIC, G.UNGRADED, Own.PRIVATE, True),
    ("H07", "博爱医院", C.GENERAL_HOSPITAL, G.LEVEL2, Own.PRIVATE, True),
]
CITY_INSTITUTIONS = [
    ("H11", "第一人民医院", C.GENERAL_HOSPITAL, G.LEVEL3, Own.PUBLIC, True),
    ("H12", "口腔医院", C.SPECIALTY_HOSPITAL, G.LEVEL3, Own.PUBLIC, True),
    ("H13", "血液透析中心", C.INDEPENDENT_OTHER, G.UNGRADED, Own.PRIVATE, True),
]
PROVINCE_INSTITUTIONS = [
    ("H21", "省人民医院", C.GENERAL_HOSPITAL, G.LEVEL3, Own.PUBLIC, True),
    ("H22", "省中医院", C.TCM_HOSPITAL, G.LEVEL3, Own.PUBLIC, True),
    ("H23", "华康眼科医院", C.SPECIALTY_HOSPITAL, G.LEVEL2, Own.PRIVATE, True),
    ("H24", "省医学检验中心", C.INDEPENDENT_OTHER, G.UNGRADED, Own.PUBLIC, False),
]
CITIES = [("C01", "东城市", ["D01", "D02"]), ("C02", "西山市", ["D03"])]
COUNTY_NAMES = {"D01": "清河县", "D02": "云台区", "D03": "石门县"}


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: Role
    unit_code: str
    display_name: str


DEMO_USERS = (
    DemoUser("admin", Role.ADMIN, "P", "王管理"),
    DemoUser("inspector", Role.INSPECTOR, "C01", "赵督查"),
    DemoUser("leader", Role.LEADER, "C01-D01", "钱分管"),
    DemoUser("handler", Role.HANDLER, "C01-D01-O01", "孙承办"),
    DemoUser("clerk", Role.CLERK, "C01-D01-O01", "李登记"),
    DemoUser("reporter", Role.REPORTER, "C01-D01-H01", "周填报"),
    # Every body that receives portal and mailbox tips has a clerk (cases.intake_coverage).
    DemoUser("clerk_p", Role.CLERK, "P-O01", "吴登记"),
    DemoUser("clerk_dc", Role.CLERK, "C01-O01", "郑登记"),
    DemoUser("clerk_yt", Role.CLERK, "C01-D02-O01", "冯登记"),
    DemoUser("clerk_xs", Role.CLERK, "C02-O01", "陈登记"),
    DemoUser("clerk_sm", Role.CLERK, "C02-D03-O01", "褚登记"),
    # A city leader: the board of its counties, 挂牌督办 and 回头看 (issue 19).
    DemoUser("leader_dc", Role.LEADER, "C01", "林主任"),
    # A member of 清河县's 驻局纪检组: reads the clues flagged 重大 (cases.major), read-only.
    DemoUser("jijianzu", Role.DISCIPLINE_GROUP, "C01-D01-G01", "周纪检"),
)


def is_empty(session: Session) -> bool:
    return session.scalar(select(OrgUnit.id).limit(1)) is None


def load_demo(session: Session) -> list[DemoUser]:
    """Create the demo directory; the caller commits."""
    province = add_unit(
        session, code="P", name="示范省卫生健康委员会", kind=UnitKind.PROVINCE, parent=None
    )
    add_unit(session, code="P-O01", name="综合监督处", kind=UnitKind.OFFICE, parent=province)
    add_unit(session, code="P-O02", name="医政医管处", kind=UnitKind.OFFICE, parent=province)
    _institutions(session, province, "", PROVINCE_INSTITUTIONS)
    for city_code, city_name, counties in CITIES:
        city = add_unit(
            session,
            code=city_code,
            name=f"{city_name}卫生健康委员会",
            kind=UnitKind.CITY,
            parent=province,
        )
        add_unit(session, code=f"{city_code}-O01", name="党建办", kind=UnitKind.OFFICE, parent=city)
        _institutions(session, city, city_name, CITY_INSTITUTIONS)
        for county_code in counties:
            county_name = COUNTY_NAMES[county_code]
            county = add_unit(
                session,
                code=f"{city_code}-{county_code}",
                name=f"{county_name}卫生健康局",
                kind=UnitKind.COUNTY,
                parent=city,
            )
            add_unit(
                session,
                code=f"{county.code}-O01",
                name="党建办",
                kind=UnitKind.OFFICE,
                parent=county,
            )
            add_unit(
                session,
                code=f"{county.code}-O02",
                name="医政体改和中医股",
                kind=UnitKind.OFFICE,
                parent=county,
            )
            _institutions(session, county, county_name, COUNTY_INSTITUTIONS)
    _discipline_groups(session)
    for demo in DEMO_USERS:
        unit = session.scalar(select(OrgUnit).where(OrgUnit.code == demo.unit_code))
        assert unit is not None, demo.unit_code
        add_user(
            session,
            username=demo.username,
            display_name=demo.display_name,
            password=DEMO_PASSWORD,
            role=demo.role,
            unit=unit,
            email=f"{demo.username}@demo.qingfeng.local",
        )
    session.flush()
    return list(DEMO_USERS)


def _discipline_groups(session: Session) -> None:
    """The 驻委纪检组 of the province and of 清河县 (seed 001: 重大线索同时报告驻委纪检组)."""
    for parent_code, code, name in (
        ("P", "P-G01", "驻省卫生健康委纪检监察组"),
        ("C01-D01", "C01-D01-G01", "驻清河县卫生健康局纪检组"),
    ):
        parent = session.scalar(select(OrgUnit).where(OrgUnit.code == parent_code))
        add_unit(session, code=code, name=name, kind=UnitKind.DISCIPLINE_GROUP, parent=parent)


def _institutions(session: Session, parent: OrgUnit, place: str, rows) -> None:
    for suffix, name, category, grade, ownership, insured in rows:
        add_unit(
            session,
            code=f"{parent.code}-{suffix}",
            name=f"{place}{name}",
            kind=UnitKind.INSTITUTION,
            parent=parent,
            institution=InstitutionAttrs(category, grade, ownership, insured),
            contact_name="医务科",
            contact_phone="0000-0000000",
            contact_email=f"{parent.code.lower()}-{suffix.lower()}@demo.qingfeng.local",
        )


def sign_in_lines(session: Session) -> list[str]:
    lines = []
    for demo in DEMO_USERS:
        user = session.scalar(select(User).where(User.username == demo.username))
        if user is not None:
            unit = user.unit
            parent = unit.parent if unit.kind == UnitKind.OFFICE else None
            where = f"{parent.name} {unit.name}" if parent else unit.name
            lines.append(f"  {demo.username:<10} {ROLE_LABELS[demo.role]}，{where}")
    return lines
