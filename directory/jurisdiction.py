"""Jurisdiction: which units a user may see. Every query of every feature goes through here."""

from __future__ import annotations

from sqlalchemy import ColumnElement, Select, and_, or_, select
from sqlalchemy.orm import Session

from config.database import is_valid_id
from config.errors import NotFound
from directory.models import OrgUnit, UnitKind, User
from directory.roles import ROLE_SCOPE, Role, Scope


def body_of(session: Session, unit: OrgUnit) -> OrgUnit:
    """The nearest body (not an office) at or above ``unit``."""
    current = unit
    while current.kind == UnitKind.OFFICE and current.parent is not None:
        current = current.parent
    return current


def unit_filter(session: Session, actor: User) -> ColumnElement[bool]:
    """A WHERE clause on ``OrgUnit`` selecting the units ``actor`` may see.

    BODY scope: the user's body and its offices. TREE scope: the body and
    everything below it (a prefix match on the materialised path).
    """
    body = body_of(session, actor.unit)
    if ROLE_SCOPE[Role(actor.role)] is Scope.TREE:
        return OrgUnit.path.startswith(body.path, autoescape=True)
    return or_(
        OrgUnit.id == body.id,
        and_(OrgUnit.parent_id == body.id, OrgUnit.kind == UnitKind.OFFICE),
    )


def visible_unit_ids(session: Session, actor: User) -> Select[int]:
    """A sub-select of unit ids for ``column.in_(...)`` filters on other tables."""
    return select(OrgUnit.id).where(unit_filter(session, actor))


def can_see_unit(session: Session, actor: User, unit_id: int) -> bool:
    stmt = select(OrgUnit.id).where(OrgUnit.id == unit_id, unit_filter(session, actor))
    return session.scalar(stmt) is not None


def get_visible_unit(session: Session, actor: User, unit_id: int) -> OrgUnit:
    """The unit, or ``NotFound`` — the same answer whether it exists elsewhere or not."""
    unit = session.get(OrgUnit, unit_id) if is_valid_id(unit_id) else None
    if unit is None or not can_see_unit(session, actor, unit_id):
        raise NotFound("未找到该单位，或不在您的管辖范围内。")
    return unit


def unit_visible(session: Session, actor: User, unit: OrgUnit) -> bool:
    """The same rule as ``unit_filter``, decided in memory for a loaded unit (hot paths)."""
    body = body_of(session, actor.unit)
    if ROLE_SCOPE[Role(actor.role)] is Scope.TREE:
        return unit.path.startswith(body.path)
    return unit.id == body.id or (unit.parent_id == body.id and unit.kind == UnitKind.OFFICE)
