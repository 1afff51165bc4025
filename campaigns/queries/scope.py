"""Units a campaign's pages offer: the scope choices of a new campaign, and the institutions
of a campaign's scope that the actor may inspect."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from campaigns.models import Campaign
from campaigns.scope import scope_clause
from directory.jurisdiction import body_of, unit_filter
from directory.models import OrgUnit, UnitKind, User


def scope_choices(session: Session, actor: User) -> Sequence[OrgUnit]:
    """The cities and counties below the actor's body (a new campaign's scope)."""
    body = body_of(session, actor.unit)
    return session.scalars(
        select(OrgUnit)
        .where(
            OrgUnit.kind.in_((UnitKind.CITY, UnitKind.COUNTY)),
            OrgUnit.active,
            OrgUnit.path.startswith(body.path, autoescape=True),
            OrgUnit.id != body.id,
        )
        .order_by(OrgUnit.path)
    ).all()


def inspectable_institutions(
    session: Session, actor: User, campaign: Campaign
) -> Sequence[OrgUnit]:
    """The active units in the campaign's scope and the actor's jurisdiction, in tree order."""
    return session.scalars(
        select(OrgUnit)
        .where(OrgUnit.active, scope_clause(campaign), unit_filter(session, actor))
        .order_by(OrgUnit.path)
    ).all()
