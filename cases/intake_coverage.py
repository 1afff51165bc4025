"""Start-up check: every body that receives tips has somebody who may register them.

A portal or mailbox tip goes to the body that supervises what it names, or to the intake
body (``tips.routing``). A receiving body with no active user allowed to fire ``register``
within their jurisdiction would strand every tip sent there, so the web app and the
scheduler refuse to start until an administrator adds one (信访工作条例: every tip is
registered; nothing that arrives is lost).
"""

from __future__ import annotations

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from cases.lifecycle import CLUE_LIFECYCLE
from config.errors import DomainError
from config.settings import Settings
from directory.jurisdiction import body_of
from directory.models import OrgUnit, User
from directory.roles import ROLE_SCOPE, Role, Scope
from tips.routing import NAMEABLE_KINDS, intake_unit, preload_bodies, supervisor_of


class IntakeUncovered(DomainError):
    """Raised at start-up; the message names every body and what to do."""

    code = "intake_uncovered"


def register_roles() -> tuple[Role, ...]:
    """The roles the clue lifecycle lets register a tip (受理登记)."""
    return tuple(Role(r) for r in CLUE_LIFECYCLE.by_trigger["register"].roles)


def receiving_bodies(session: Session, settings: Settings) -> list[OrgUnit]:
    """Every body a portal or mailbox tip can be filed with, in tree order."""
    bodies: dict[int, OrgUnit] = {}
    preload_bodies(session)
    named = session.scalars(
        select(OrgUnit).where(OrgUnit.kind.in_(NAMEABLE_KINDS), OrgUnit.active.is_(True))
    )
    for unit in named:
        body = supervisor_of(session, unit)
        bodies[body.id] = body
    if bodies or settings.intake_unit:
        fallback = intake_unit(session, settings)
        bodies[fallback.id] = fallback
    return sorted(bodies.values(), key=lambda u: u.path)


def uncovered_bodies(session: Session, settings: Settings) -> list[OrgUnit]:
    """Receiving bodies where no active user may register a tip."""
    roles = register_roles()
    users = session.scalars(
        select(User).where(User.active.is_(True), User.role.in_([str(r) for r in roles]))
    ).all()
    # Where each such user may register: their body, or their body's whole tree.
    reach = [(body_of(session, u.unit), ROLE_SCOPE[Role(u.role)] is Scope.TREE) for u in users]
    return [
        body
        for body in receiving_bodies(session, settings)
        if not any(
            body.id == home.id or (tree and body.path.startswith(home.path)) for home, tree in reach
        )
    ]


def check_intake_coverage(session: Session, settings: Settings) -> None:
    """Raise ``IntakeUncovered`` naming each receiving body nobody may register tips for.

    A database not yet initialised (no ``org_units`` table) receives nothing and passes.
    """
    if not inspect(session.get_bind()).has_table("org_units"):
        return
    missing = uncovered_bodies(session, settings)
    if missing:
        names = "、".join(f"{u.name}（{u.code}）" for u in missing)
        raise IntakeUncovered(
            f"无法启动：以下单位会收到网络举报或邮箱举报，但没有可以受理登记的在岗人员"
            f"（登记员或分管/主要负责人）：{names}。请先为这些单位添加人员"
            f"（qingfeng add-user 用户名 --role clerk --unit 单位代码 --name 姓名）。",
            details=[u.code for u in missing],
        )
