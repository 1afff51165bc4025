"""Services for units and users: each takes a session and the actor, flushes, never commits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from config.database import utcnow
from config.errors import Conflict, PermissionDenied, ValidationError
from config.reference import Grade, InstitutionCategory, Ownership, stat_class, stat_row
from directory.jurisdiction import can_see_unit
from directory.models import ALLOWED_PARENTS, UNIT_KIND_LABELS, OrgUnit, UnitKind, User
from directory.passwords import check_policy, hash_password, verify_password
from directory.permissions import Capability, require
from directory.roles import Role


@dataclass(frozen=True)
class InstitutionAttrs:
    category: InstitutionCategory
    grade: Grade
    ownership: Ownership
    insurance_designated: bool = False


def _check_parent(kind: UnitKind, parent: OrgUnit | None) -> None:
    allowed = ALLOWED_PARENTS[kind]
    if parent is None:
        if allowed:
            raise ValidationError(f"{UNIT_KIND_LABELS[kind]}必须有上级单位。")
        return
    if UnitKind(parent.kind) not in allowed:
        raise ValidationError(
            f"{UNIT_KIND_LABELS[kind]}不能设在{UNIT_KIND_LABELS[UnitKind(parent.kind)]}之下。"
        )


def add_unit(
    session: Session,
    *,
    code: str,
    name: str,
    kind: UnitKind,
    parent: OrgUnit | None,
    institution: InstitutionAttrs | None = None,
    contact_name: str = "",
    contact_phone: str = "",
    contact_email: str = "",
) -> OrgUnit:
    """Create a unit without a permission check (used by CLI seeding and by ``create_unit``)."""
    code, name = code.strip(), name.strip()
    if not code or not name:
        raise ValidationError("单位编码和名称不能为空。")
    _check_parent(kind, parent)
    if kind == UnitKind.INSTITUTION and institution is None:
        raise ValidationError("医疗机构必须填写机构类别、等级和所有制。")
    if session.scalar(select(OrgUnit.id).where(OrgUnit.code == code)) is not None:
        raise Conflict(f"单位编码“{code}”已存在。")
    unit = OrgUnit(
        code=code,
        name=name,
        kind=kind,
        parent=parent,
        contact_name=contact_name,
        contact_phone=contact_phone,
        contact_email=contact_email,
    )
    if institution is not None:
        _apply_institution(unit, institution)
    session.add(unit)
    session.flush()
    unit.path = (parent.path if parent else "/") + f"{unit.id}/"
    unit.depth = parent.depth + 1 if parent else 0
    session.flush()
    return unit


def _apply_institution(unit: OrgUnit, attrs: InstitutionAttrs) -> None:
    unit.category = attrs.category
    unit.grade = attrs.grade
    unit.ownership = attrs.ownership
    unit.insurance_designated = attrs.insurance_designated
    unit.stat_class = stat_class(attrs.grade, attrs.ownership)
    unit.stat_row = stat_row(attrs.category, attrs.grade, attrs.ownership)


def create_unit(session: Session, actor: User, *, parent_id: int | None, **fields) -> OrgUnit:
    """An administrator adds a unit inside their jurisdiction."""
    require(actor, Capability.DIRECTORY_MANAGE)
    parent = session.get(OrgUnit, parent_id) if parent_id is not None else None
    if parent is None or not can_see_unit(session, actor, parent.id):
        raise PermissionDenied("只能在本人管辖范围内新增单位。")
    return add_unit(session, parent=parent, **fields)


def update_unit(
    session: Session,
    actor: User,
    unit: OrgUnit,
    *,
    name: str,
    active: bool,
    institution: InstitutionAttrs | None = None,
    contact_name: str = "",
    contact_phone: str = "",
    contact_email: str = "",
) -> OrgUnit:
    require(actor, Capability.DIRECTORY_MANAGE)
    if not can_see_unit(session, actor, unit.id):
        raise PermissionDenied("该单位不在您的管辖范围内。")
    if not name.strip():
        raise ValidationError("单位名称不能为空。")
    unit.name = name.strip()
    unit.active = active
    unit.contact_name, unit.contact_phone, unit.contact_email = (
        contact_name,
        contact_phone,
        contact_email,
    )
    if unit.kind == UnitKind.INSTITUTION and institution is not None:
        _apply_institution(unit, institution)
    session.flush()
    return unit


def add_user(
    session: Session,
    *,
    username: str,
    display_name: str,
    password: str,
    role: Role,
    unit: OrgUnit,
    email: str = "",
    phone: str = "",
) -> User:
    """Create a user without a permission check (CLI and ``create_user``)."""
    username = username.strip()
    if not username or not display_name.strip():
        raise ValidationError("用户名和姓名不能为空。")
    check_policy(password)
    if role == Role.REPORTER and unit.kind != UnitKind.INSTITUTION:
        raise ValidationError("机构填报员必须属于一家医疗机构。")
    exists = session.scalar(select(User.id).where(func.lower(User.username) == username.lower()))
    if exists is not None:
        raise Conflict(f"用户名“{username}”已被使用。")
    user = User(
        username=username,
        display_name=display_name.strip(),
        password_hash=hash_password(password),
        role=role,
        unit=unit,
        email=email.strip(),
        phone=phone.strip(),
    )
    session.add(user)
    session.flush()
    return user


def create_user(session: Session, actor: User, *, unit_id: int, **fields) -> User:
    require(actor, Capability.DIRECTORY_MANAGE)
    unit = session.get(OrgUnit, unit_id)
    if unit is None or not can_see_unit(session, actor, unit_id):
        raise PermissionDenied("只能在本人管辖范围内的单位新增用户。")
    return add_user(session, unit=unit, **fields)


def update_user(
    session: Session,
    actor: User,
    user: User,
    *,
    display_name: str,
    role: Role,
    unit_id: int,
    active: bool,
    email: str = "",
    phone: str = "",
    new_password: str = "",
) -> User:
    require(actor, Capability.DIRECTORY_MANAGE)
    if not can_see_unit(session, actor, user.unit_id) or not can_see_unit(session, actor, unit_id):
        raise PermissionDenied("该用户或单位不在您的管辖范围内。")
    if user.id == actor.id and (not active or role != Role.ADMIN):
        raise ValidationError("不能停用自己或取消自己的管理员角色。")
    unit = session.get(OrgUnit, unit_id)
    assert unit is not None
    if role == Role.REPORTER and unit.kind != UnitKind.INSTITUTION:
        raise ValidationError("机构填报员必须属于一家医疗机构。")
    user.display_name = display_name.strip() or user.display_name
    user.role, user.unit, user.active = role, unit, active
    user.email, user.phone = email.strip(), phone.strip()
    if new_password:
        check_policy(new_password)
        user.password_hash = hash_password(new_password)
    session.flush()
    return user


_DUMMY_HASH = hash_password("qingfeng-no-such-user-0")


class LoginRefused(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def authenticate(
    session: Session, username: str, password: str, *, max_failures: int, lock_minutes: int
) -> User:
    """Check a sign-in; lock the account for a while after repeated failures.

    The same message, and the same hashing work, for an unknown user and a wrong password.
    """
    user = session.scalar(select(User).where(func.lower(User.username) == username.lower()))
    now = utcnow()
    if user is not None and user.locked_until and user.locked_until > now:
        raise LoginRefused("登录失败次数过多，账户已暂时锁定，请稍后再试。")
    if user is None:
        # Spend the time a real check takes, so response time does not reveal the name.
        verify_password(_DUMMY_HASH, password)
    if user is None or not verify_password(user.password_hash, password):
        if user is not None:
            user.failed_logins += 1
            if user.failed_logins >= max_failures:
                user.locked_until = now + timedelta(minutes=lock_minutes)
                user.failed_logins = 0
            session.flush()
        raise LoginRefused("用户名或密码错误。")
    if not user.active:
        raise LoginRefused("该账户已停用，请联系管理员。")
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    session.flush()
    return user
