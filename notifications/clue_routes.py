"""Audiences of the clue lifecycle's notifications: the clue's handler, the body's leaders,
and the members of the body's 驻委纪检组 (a 重大 clue, cases.major)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from cases.models import Clue
from cases.subscriptions import subscribers_by_clue
from directory.models import OrgUnit, UnitKind, User
from directory.permissions import Capability, roles_with
from notifications.routing import Loaded, Subject, SubjectRouter, users_by


def load_clues(session: Session, ids: set[int], audiences: frozenset[str]) -> Loaded:
    clues = {c.id: c for c in session.scalars(select(Clue).where(Clue.id.in_(ids)))}
    subjects = {
        c.id: Subject(
            c.reference,
            f"/clues/{c.id}",
            {"deadline": c.next_due_on.isoformat() if c.next_due_on else "—"},
        )
        for c in clues.values()
    }
    loaded = Loaded(subjects, {})
    loaded.followers = subscribers_by_clue(session, select(Clue.id).where(Clue.id.in_(ids)))
    if "handler" in audiences:
        handler_ids = {c.handler_id for c in clues.values() if c.handler_id}
        handlers = {u.id: u for u in session.scalars(select(User).where(User.id.in_(handler_ids)))}
        loaded.audiences["handler"] = {
            c.id: [handlers[c.handler_id]]
            for c in clues.values()
            if c.handler_id in handlers and handlers[c.handler_id].active
        }
    if "leaders" in audiences:
        leaders = _leaders_of(session, {c.unit_id for c in clues.values()})
        loaded.audiences["leaders"] = {c.id: leaders.get(c.unit_id, []) for c in clues.values()}
    if "discipline_group" in audiences:
        groups = _discipline_groups_of(session, {c.unit_id for c in clues.values()})
        loaded.audiences["discipline_group"] = {
            c.id: groups.get(c.unit_id, []) for c in clues.values()
        }
    return loaded


def _discipline_groups_of(session: Session, bodies: set[int]) -> dict[int, list[User]]:
    """Active 驻委纪检组 members of each body: their unit is a 驻委纪检组 directly under it."""
    rows = session.execute(
        select(OrgUnit.parent_id, User)
        .join(OrgUnit, OrgUnit.id == User.unit_id)
        .where(
            OrgUnit.kind == UnitKind.DISCIPLINE_GROUP,
            OrgUnit.active.is_(True),
            OrgUnit.parent_id.in_(bodies),
            User.active.is_(True),
            User.role.in_(sorted(roles_with(Capability.MAJOR_READ))),
        )
        .order_by(User.id)
    ).all()
    return users_by((body, user) for body, user in rows if body is not None)


def _leaders_of(session: Session, bodies: set[int]) -> dict[int, list[User]]:
    """Active leaders of each body, those of its offices included."""
    offices = dict(
        session.execute(
            select(OrgUnit.id, OrgUnit.parent_id).where(OrgUnit.parent_id.in_(bodies))
        ).all()
    )
    rows = []
    for user in session.scalars(
        select(User).where(
            User.active.is_(True),
            User.role.in_(sorted(roles_with(Capability.ESCALATIONS))),
            User.unit_id.in_(list(bodies | set(offices))),
        )
    ):
        body = user.unit_id if user.unit_id in bodies else offices.get(user.unit_id)
        if body is not None:
            rows.append((body, user))
    return users_by(rows)


CLUE_ROUTER = SubjectRouter(
    lifecycle="clue",
    audiences=frozenset({"handler", "leaders", "discipline_group"}),
    extra_keys=frozenset({"deadline"}),
    load=load_clues,
    has_followers=True,
)
