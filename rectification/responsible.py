"""Who answers for a rectification item: a user account of the responsible unit.

The responsible person (责任人) is chosen from the active users of the responsible unit —
its own users and, for a body, those of its offices — who may read the rectification ledger
(``Capability.RECTIFY_READ``): the form offers exactly these (``person_choices``) and the
service accepts only these (``check_person``). The name is also kept as text on the item
(``responsible_person``): items issued before accounts were chosen keep the name typed
then (migration 0027l), and the ledger and its export read one column either way.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, aliased

from directory.models import OrgUnit, UnitKind, User
from directory.permissions import Capability, roles_with
from workflow.fields import Problems

READERS = sorted(str(r) for r in roles_with(Capability.RECTIFY_READ))


@dataclass(frozen=True)
class Person:
    id: int
    label: str  # 姓名（单位）
    unit_id: int  # the responsible unit this person answers for (a body for its offices)


def _people_query(unit_ids):
    office = aliased(OrgUnit)
    answering = (
        select(User, office)
        .join(office, office.id == User.unit_id)
        .where(
            User.active.is_(True),
            User.role.in_(READERS),
            or_(
                office.id.in_(unit_ids),
                (office.parent_id.in_(unit_ids)) & (office.kind == UnitKind.OFFICE),
            ),
        )
        .order_by(office.path, User.display_name, User.id)
    )
    return answering


def person_choices(session: Session, unit_ids: list[int]) -> list[Person]:
    """The accounts that may answer for each of ``unit_ids`` (the form's picker)."""
    if not unit_ids:
        return []
    wanted = set(unit_ids)
    people = []
    for user, where in session.execute(_people_query(unit_ids)):
        answers_for = where.id if where.id in wanted else where.parent_id
        label = f"{user.display_name}（{where.name}）"
        people.append(Person(user.id, label, answers_for))
    return people


def check_person(
    session: Session, unit: OrgUnit | None, raw_user_id: int | None, problems: Problems
) -> User | None:
    """The chosen account, when it answers for ``unit``; a field error otherwise."""
    if unit is None or raw_user_id is None:
        return None
    for person in person_choices(session, [unit.id]):
        if person.id == raw_user_id:
            return session.get(User, raw_user_id)
    problems.error("responsible_user_id", "责任人须为责任单位（或其处室）的在岗用户。")
    return None
