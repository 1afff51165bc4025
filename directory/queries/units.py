"""The units and users pages list (the admin pages, the filters and choices of others):
those of the actor's jurisdiction."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from directory.jurisdiction import unit_filter
from directory.models import OrgUnit, UnitKind, User
from directory.permissions import Capability, roles_with

# Under a unit: its offices first (they are the body), then the bodies below, then the
# institutions; each group by code, then name.
KIND_RANK = {UnitKind.OFFICE: 0, UnitKind.INSTITUTION: 2}


def sibling_key(unit: OrgUnit) -> tuple[int, str, str]:
    return (KIND_RANK.get(UnitKind(unit.kind), 1), unit.code, unit.name)


def tree_order(units: Iterable[OrgUnit]) -> list[OrgUnit]:
    """``units`` as a tree reads: each parent, then its children (``sibling_key``), depth
    first. A unit whose parent is not among them starts a tree of its own. (The stored
    path is ids as text, so ordering by it puts /1/10/ before /1/2/.)"""
    units = list(units)
    ids = {u.id for u in units}
    children: dict[int | None, list[OrgUnit]] = {}
    for u in units:
        children.setdefault(u.parent_id if u.parent_id in ids else None, []).append(u)
    ordered: list[OrgUnit] = []
    stack = sorted(children.get(None, []), key=sibling_key, reverse=True)
    while stack:
        unit = stack.pop()
        ordered.append(unit)
        stack.extend(sorted(children.get(unit.id, []), key=sibling_key, reverse=True))
    return ordered


def visible_units(session: Session, actor: User) -> list[OrgUnit]:
    """The actor's units in tree order."""
    return tree_order(session.scalars(select(OrgUnit).where(unit_filter(session, actor))))


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
        .order_by(OrgUnit.depth, OrgUnit.id)  # a cut keeps the upper levels
        .limit(limit)
    )
    return tree_order(session.scalars(stmt))


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
        .order_by(OrgUnit.depth, OrgUnit.id)
        .limit(limit)
    )
    return tree_order(session.scalars(stmt))


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


def document_bodies(session: Session, actor: User) -> list[OrgUnit]:
    """The bodies (not offices, not institutions) of the actor's jurisdiction, in tree order:
    the units that keep document types and letter templates."""
    stmt = (
        select(OrgUnit)
        .where(unit_filter(session, actor))
        .where(OrgUnit.kind.not_in((UnitKind.OFFICE, UnitKind.INSTITUTION)))
    )
    return tree_order(session.scalars(stmt))
