"""The obligations the JSON API lists: the actor's own body's, or those of the units whose
reports the actor may read."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from directory.jurisdiction import body_of
from directory.models import User
from reporting.access import report_unit_ids
from reporting.models import Obligation

LIMIT = 500


def listed_obligations(
    session: Session, actor: User, *, below: bool, form: str | None
) -> Sequence[Obligation]:
    """The newest periods first; ``below``: the units the actor reads, else its own body."""
    stmt = select(Obligation).order_by(Obligation.period_start.desc(), Obligation.id).limit(LIMIT)
    if below:
        stmt = stmt.where(Obligation.unit_id.in_(report_unit_ids(session, actor)))
    else:
        stmt = stmt.where(Obligation.unit_id == body_of(session, actor.unit).id)
    if form:
        stmt = stmt.where(Obligation.form_code == form)
    return session.scalars(stmt).all()
