"""Who may see, fill and review which unit's reports (built on ``directory.jurisdiction``).

A unit's reports are filled by its own people (机构填报员, or the handlers and leaders of
a body for the body's own forms) and reviewed by the handlers and leaders of the body
directly above it (seed ``004_…``: institutions report to the county's offices).
A handler's ordinary scope is their own body, so for reviewing it is widened to the
units directly below that body — and no further.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, Select, or_, select
from sqlalchemy.orm import Session

from directory.jurisdiction import body_of, unit_filter, unit_visible
from directory.models import OrgUnit, User
from directory.permissions import Capability, can
from reporting.models import ObligationRule
from reporting.routing import routed_to


def report_unit_filter(session: Session, actor: User) -> ColumnElement[bool]:
    """A WHERE clause on ``OrgUnit``: the units whose reports ``actor`` may read."""
    clause = unit_filter(session, actor)
    if can(actor, Capability.REPORTS_BELOW):
        clause = or_(clause, OrgUnit.parent_id == body_of(session, actor.unit).id)
    return clause


def report_unit_ids(session: Session, actor: User) -> Select[int]:
    return select(OrgUnit.id).where(report_unit_filter(session, actor))


def can_read(session: Session, actor: User, unit: OrgUnit) -> bool:
    if unit_visible(session, actor, unit):
        return True
    return (
        can(actor, Capability.REPORTS_BELOW)
        and unit.parent is not None
        and body_of(session, unit.parent).id == body_of(session, actor.unit).id
    )


def is_filler(session: Session, actor: User, unit: OrgUnit) -> bool:
    """The actor files this unit's own reports."""
    return can(actor, Capability.REPORTS_FILL) and body_of(session, actor.unit).id == unit.id


def is_reviewer(
    session: Session, actor: User, unit: OrgUnit, rule: ObligationRule | None = None
) -> bool:
    """The actor works in the body directly above the unit and may return or accept; where
    the form's rule names receiving offices, in one of them (``reporting.routing``)."""
    return (
        can(actor, Capability.REPORTS_REVIEW)
        and unit.parent is not None
        and body_of(session, unit.parent).id == body_of(session, actor.unit).id
        and routed_to(actor, rule, unit)
    )
