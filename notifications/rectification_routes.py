"""Audiences of the rectification lifecycle's notifications, and its reminders' recipients.

``verifiers``: the handlers and leaders of the issuing body (its offices included), who
verify and write off (验收/销号). ``responsible``: the people who report for the responsible
unit — an institution's 机构填报员, a body's handlers — as the submission reminders do.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from directory.models import OrgUnit, UnitKind, User
from directory.permissions import Capability, roles_with
from notifications.clue_routes import _leaders_of
from notifications.routing import Loaded, Subject, SubjectRouter
from notifications.submission_routes import FILLERS, _people_of
from rectification.models import RectificationItem

VERIFIERS = tuple(sorted(roles_with(Capability.RECTIFY_MANAGE)))


def reporting_body(unit: OrgUnit) -> int:
    """The body whose people report for ``unit`` (an office reports through its body)."""
    current = unit
    while current.kind == UnitKind.OFFICE and current.parent is not None:
        current = current.parent
    return current.id


def responsible_people(
    session: Session, items: Iterable[RectificationItem]
) -> dict[int, list[User]]:
    """By item id: who reports the item rectified and hears its reminders."""
    items = list(items)
    body_of = {i.id: reporting_body(i.responsible_unit) for i in items}
    people = _people_of(session, set(body_of.values()), FILLERS)
    result = {item_id: list(people.get(body, [])) for item_id, body in body_of.items()}
    # The responsible person's own account (rectification.responsible) hears them too.
    for item in items:
        person = item.responsible_user
        if person is not None and person.active and person not in result[item.id]:
            result[item.id].append(person)
    return result


def issuer_leaders(session: Session, items: Iterable[RectificationItem]) -> dict[int, list[User]]:
    """By item id: the leaders of the issuing body (escalations)."""
    items = list(items)
    leaders = _leaders_of(session, {i.unit_id for i in items})
    return {i.id: leaders.get(i.unit_id, []) for i in items}


def load_items(session: Session, ids: set[int], audiences: frozenset[str]) -> Loaded:
    items = list(session.scalars(select(RectificationItem).where(RectificationItem.id.in_(ids))))
    subjects = {
        i.id: Subject(
            f"{i.number}（{i.responsible_unit.name}）",
            f"/rectification/{i.id}",
            {"deadline": i.deadline.isoformat()},
        )
        for i in items
    }
    loaded = Loaded(subjects, {})
    if "responsible" in audiences:
        loaded.audiences["responsible"] = responsible_people(session, items)
    if "verifiers" in audiences:
        people = _people_of(session, {i.unit_id for i in items}, VERIFIERS)
        loaded.audiences["verifiers"] = {i.id: people.get(i.unit_id, []) for i in items}
    return loaded


RECTIFICATION_ROUTER = SubjectRouter(
    lifecycle="rectification",
    audiences=frozenset({"responsible", "verifiers"}),
    extra_keys=frozenset({"deadline"}),
    load=load_items,
)
