"""The units and users pages list (the admin pages, the filters and choices of others):
those of the actor's jurisdiction."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from directory.jurisdiction import unit_filter
from directory.models import OrgUnit, UnitKind, User
from directory.permissions import Capability, roles_with


def visible_units(session: Session, actor: User) -> Sequence[OrgUnit]:
    """The actor's units in tree order (``OrgUnit.path``)."""
    return session.scalars(
        select(OrgUnit).where(unit_filter(session, actor)).order_by(OrgUnit.path)
    ).all()


def visible_users(session: Session, actor: User) -> Sequence[User]:
    """The users of the actor's units, by user name."""
    units = select(OrgUnit.id).where(unit_filter(session, actor))
    return session.scalars(
        select(User).where(User.unit_id.in_(units)).order_by(User.username)
    ).all()


def unit_kind_counts(session: Session, actor: User) -> dict[str, int]:
    """How many of the actor's units are of each kind (``UnitKind`` value)."""
    rows = session.execute(
        select(OrgUnit.kind, func.count()).where(unit_filter(session, actor)).group_by(OrgUnit.kind)
    )
    return {str(kind): count for kind, count in rows}


def visible_bodies(session: Session, actor: User, *, limit: int | None = None) -> list[OrgUnit]:
    """The bodies and institutions (not offices) of the actor's jurisdiction, in tree order."""
    stmt = (
        select(OrgUnit)
        .where(unit_filter(session, actor), OrgUnit.kind != UnitKind.OFFICE)
        .order_by(OrgUnit.path)
        .limit(limit)
    )
    return list(session.scalars(stmt).all())


def institutions_below(session: Session, body: OrgUnit, *, limit: int = 500) -> list[OrgUnit]:
    """The active institutions anywhere below ``body``, in tree order."""
    stmt = (
        select(OrgUnit)
        .where(
            OrgUnit.path.startswith(body.path, autoescape=True),
            OrgUnit.kind == UnitKind.INSTITUTION,
            OrgUnit.id != body.id,
            OrgUnit.active,
        )
        .order_by(OrgUnit.path)
        .limit(limit)
    )
    return list(session.scalars(stmt).all())


def visible_holders(session: Session, actor: User, capability: Capability) -> list[User]:
    """The users of the actor's units whose role holds ``capability``, by name."""
    stmt = (
        select(User)
        .where(
            User.role.in_([str(r) for r in roles_with(capability)]),
            User.unit_id.in_(select(OrgUnit.id).where(unit_filter(session, actor))),
        )
        .order_by(User.display_name)
    )
    return list(session.scalars(stmt).all())
