"""Telling the bodies below of a 督查情况通报 (supervision.notices): one message to each
active leader of the cities, counties and offices under the publishing body, in-app and on
their channels, once per notice (the idempotency key carries the notice's id)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from config.localtime import local_date
from directory.models import OrgUnit, UnitKind, User
from directory.permissions import Capability, roles_with
from notifications.batch import Message, enqueue_many
from supervision.models import SupervisionNotice


def tell_below(session: Session, notice: SupervisionNotice) -> int:
    """Queue the messages; returns how many deliveries were queued."""
    body = notice.unit
    below = select(OrgUnit.id).where(
        OrgUnit.path.startswith(body.path, autoescape=True),
        OrgUnit.id != body.id,
        OrgUnit.kind.in_([UnitKind.CITY, UnitKind.COUNTY, UnitKind.OFFICE]),
    )
    # The publishing body's own offices are not "below": only those of the bodies below.
    own_offices = select(OrgUnit.id).where(
        OrgUnit.parent_id == body.id, OrgUnit.kind == UnitKind.OFFICE
    )
    leaders = session.scalars(
        select(User).where(
            User.active.is_(True),
            # the leaders who act on supervision (挂牌督办, 回头看) in the bodies below
            User.role.in_(sorted(roles_with(Capability.SUPERVISE))),
            User.unit_id.in_(below),
            User.unit_id.not_in(own_offices),
        )
    )
    context = {
        "ref": notice.title,
        "action": f"{body.name}发布督查情况通报，请查阅并督促整改",
        "path": f"/supervision/notices/{notice.id}",
    }
    ref, day = f"supervision_notice:{notice.id}", local_date(notice.published_at)
    return enqueue_many(
        session,
        [Message(u, ref, "published", day, "event", context, unit_id=body.id) for u in leaders],
    )
