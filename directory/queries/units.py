"""The units and users an administrator's pages list: those of the actor's jurisdiction."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from directory.jurisdiction import unit_filter
from directory.models import OrgUnit, UnitKind, User


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


def visible_bodies(session: Session, actor: User) -> Sequence[OrgUnit]:
    """The bodies (not offices, not institutions) of the actor's jurisdiction, in tree order:
    the units that keep document types and letter templates."""
    return session.scalars(
        select(OrgUnit)
        .where(unit_filter(session, actor))
        .where(OrgUnit.kind.not_in((UnitKind.OFFICE, UnitKind.INSTITUTION)))
        .order_by(OrgUnit.path)
    ).all()
