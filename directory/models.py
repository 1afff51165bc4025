"""The org tree and its users.

Units form a tree (province commission → city → county bureau → institutions,
with offices inside bodies). Each row keeps a materialised ``path`` of ids
(``/1/4/17/``) so "this unit and everything below it" is one indexed prefix match.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from config.database import Base, utcnow
from config.reference import (
    CATEGORY_LABELS,
    GRADE_LABELS,
    OWNERSHIP_LABELS,
    STAT_CLASS_LABELS,
    Grade,
    InstitutionCategory,
    Ownership,
    StatClass,
)
from directory.roles import ROLE_LABELS, Role


class UnitKind(StrEnum):
    PROVINCE = "province"
    CITY = "city"
    COUNTY = "county"
    INSTITUTION = "institution"
    OFFICE = "office"
    # 驻委纪检组: the discipline inspection group stationed in a body (seed 001: "重大违法
    # 违纪问题及线索应同时向驻委纪检组报告"). Not one of the body's offices: its users see
    # only the clues the body flags 重大 (cases.major), read-only.
    DISCIPLINE_GROUP = "discipline_group"


UNIT_KIND_LABELS: dict[UnitKind, str] = {
    UnitKind.PROVINCE: "省级卫生健康委",
    UnitKind.CITY: "市级卫生健康委",
    UnitKind.COUNTY: "县（区）卫生健康局",
    UnitKind.INSTITUTION: "医疗机构",
    UnitKind.OFFICE: "处室/股室",
    UnitKind.DISCIPLINE_GROUP: "驻委纪检组",
}

# Which kinds may sit directly under which.
ALLOWED_PARENTS: dict[UnitKind, tuple[UnitKind, ...]] = {
    UnitKind.PROVINCE: (),
    UnitKind.CITY: (UnitKind.PROVINCE,),
    UnitKind.COUNTY: (UnitKind.CITY,),
    UnitKind.INSTITUTION: (UnitKind.PROVINCE, UnitKind.CITY, UnitKind.COUNTY),
    UnitKind.OFFICE: (
        UnitKind.PROVINCE,
        UnitKind.CITY,
        UnitKind.COUNTY,
        UnitKind.INSTITUTION,
    ),
    UnitKind.DISCIPLINE_GROUP: (UnitKind.PROVINCE, UnitKind.CITY, UnitKind.COUNTY),
}


class OrgUnit(Base):
    __tablename__ = "org_units"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[UnitKind] = mapped_column(String(20), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"), index=True)
    path: Mapped[str] = mapped_column(String(400), default="")
    depth: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Institution attributes (null for bodies and offices).
    category: Mapped[InstitutionCategory | None] = mapped_column(String(32))
    grade: Mapped[Grade | None] = mapped_column(String(16))
    ownership: Mapped[Ownership | None] = mapped_column(String(16))
    insurance_designated: Mapped[bool | None] = mapped_column(Boolean)
    # Derived from grade and ownership when saved; stored so roll-ups group in SQL.
    stat_class: Mapped[StatClass | None] = mapped_column(String(20), index=True)
    stat_row: Mapped[str | None] = mapped_column(String(32))
    contact_name: Mapped[str] = mapped_column(String(100), default="")
    contact_phone: Mapped[str] = mapped_column(String(50), default="")
    contact_email: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    parent: Mapped[OrgUnit | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[OrgUnit]] = relationship(back_populates="parent")

    __table_args__ = (
        Index("ix_org_units_path", "path", postgresql_ops={"path": "varchar_pattern_ops"}),
    )

    @property
    def is_body(self) -> bool:
        return self.kind != UnitKind.OFFICE

    @property
    def kind_label(self) -> str:
        return UNIT_KIND_LABELS[UnitKind(self.kind)]

    @property
    def category_label(self) -> str:
        return CATEGORY_LABELS[InstitutionCategory(self.category)] if self.category else ""

    @property
    def grade_label(self) -> str:
        return GRADE_LABELS[Grade(self.grade)] if self.grade else ""

    @property
    def ownership_label(self) -> str:
        return OWNERSHIP_LABELS[Ownership(self.ownership)] if self.ownership else ""

    @property
    def stat_class_label(self) -> str:
        return STAT_CLASS_LABELS[StatClass(self.stat_class)] if self.stat_class else ""

    def __repr__(self) -> str:
        return f"<OrgUnit {self.code} {self.name}>"


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(String(20), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), index=True)
    email: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(50), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column()
    last_login_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    unit: Mapped[OrgUnit] = relationship()

    # Flask-Login protocol, kept here so the web layer needs no wrapper class.
    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return str(self.id)

    @property
    def role_label(self) -> str:
        return ROLE_LABELS[Role(self.role)]

    def __repr__(self) -> str:
        return f"<User {self.username} {self.role}>"
