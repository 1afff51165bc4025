"""Who may be assigned a clue (指定承办人): one rule for the form that offers the names and
for the ``assign`` step that accepts them, so the page never offers a refused choice."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, and_, bindparam, or_, select
from sqlalchemy.orm import Session

from cases.models import Clue
from config.database import is_valid_id
from directory.models import OrgUnit, UnitKind, User
from directory.permissions import Capability, roles_with
from workflow import fastsql


def _rule(unit_id: Any) -> tuple[Any, ...]:
    """Active handlers and leaders who work in the clue's own body (the body or one of its
    offices); never those of the bodies or institutions below, which have their own."""
    own_units = select(OrgUnit.id).where(
        or_(
            OrgUnit.id == unit_id,
            and_(OrgUnit.parent_id == unit_id, OrgUnit.kind == UnitKind.OFFICE),
        )
    )
    # The roles as equalities, not IN: the check below is compiled once (workflow.fastsql).
    roles = sorted(str(role) for role in roles_with(Capability.CLUES_HANDLE))
    return (
        User.active.is_(True),
        or_(*(User.role == role for role in roles)),
        User.unit_id.in_(own_units),
    )


def assignable_query(clue: Clue) -> Select[User]:
    return select(User).where(*_rule(clue.unit_id))


def assignable_handlers(session: Session, clue: Clue) -> list[User]:
    """The people the assignee list offers, by name."""
    return list(session.scalars(assignable_query(clue).order_by(User.display_name, User.id)))


def _check(_dialect: object) -> Any:
    return (
        select(User.id)
        .where(*_rule(bindparam("unit_id")), User.id == bindparam("user_id"))
        .limit(1)
    )


def is_assignable(session: Session, clue: Clue, user_id: object) -> bool:
    """Whether ``assign`` accepts ``user_id`` for ``clue`` (the same rule as the list),
    on the session's own connection (``workflow.fastsql``)."""
    if not isinstance(user_id, int) or isinstance(user_id, bool) or not is_valid_id(user_id):
        return False
    conn = session.connection()
    prepared = fastsql.prepare("assignable_check", conn.dialect, _check)
    cursor = fastsql.execute(conn, prepared, {"unit_id": clue.unit_id, "user_id": user_id})
    try:
        return cursor.fetchone() is not None
    finally:
        cursor.close()
