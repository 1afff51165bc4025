"""Who may be assigned a clue (指定承办人): one rule for the form that offers the names and
for the ``assign`` step that accepts them, so the page never offers a refused choice."""

from __future__ import annotations

from sqlalchemy import Select, and_, or_, select
from sqlalchemy.orm import Session

from cases.models import Clue
from directory.models import OrgUnit, UnitKind, User
from directory.permissions import Capability, roles_with


def assignable_query(clue: Clue) -> Select[User]:
    """Active handlers and leaders who work in the clue's own body (the body or one of its
    offices); never those of the bodies or institutions below, which have their own."""
    own_units = select(OrgUnit.id).where(
        or_(
            OrgUnit.id == clue.unit_id,
            and_(OrgUnit.parent_id == clue.unit_id, OrgUnit.kind == UnitKind.OFFICE),
        )
    )
    return select(User).where(
        User.active.is_(True),
        User.role.in_(roles_with(Capability.CLUES_HANDLE)),
        User.unit_id.in_(own_units),
    )


def assignable_handlers(session: Session, clue: Clue) -> list[User]:
    """The people the assignee list offers, by name."""
    return list(session.scalars(assignable_query(clue).order_by(User.display_name, User.id)))


def is_assignable(session: Session, clue: Clue, user_id: object) -> bool:
    """Whether ``assign`` accepts ``user_id`` for ``clue`` (the same query as the list)."""
    if not isinstance(user_id, int) or isinstance(user_id, bool):
        return False
    found = session.scalar(assignable_query(clue).where(User.id == user_id).limit(1))
    return found is not None
