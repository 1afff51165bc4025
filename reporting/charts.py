"""Reporting compliance per period for the charts page (/stats): one SQL aggregate.

For each of the last periods of one form: how many units owed it, how many submitted on
time, late, or not yet — within the units the actor may see (``report_unit_filter``).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, case, func, select
from sqlalchemy.orm import Session

from directory.jurisdiction import body_of
from directory.models import OrgUnit, User
from directory.permissions import Capability, require
from reporting.access import report_unit_filter
from reporting.forms import FORMS
from reporting.models import Obligation, ObligationState

SENT = [ObligationState.SUBMITTED, ObligationState.RESUBMITTED, ObligationState.ACCEPTED]


@dataclass(frozen=True)
class PeriodCompliance:
    period: str
    owed: int
    on_time: int
    late: int
    missing: int  # not (yet) submitted


def compliance_by_period(
    session: Session, actor: User, form_code: str = "zl3", *, periods: int = 6
) -> list[PeriodCompliance]:
    """The last ``periods`` periods of ``form_code`` with a deadline, oldest first.

    Only holders of ``REPORTS_COMPLIANCE`` see it (as ``reporting.overview.compliance``).
    """
    require(actor, Capability.REPORTS_COMPLIANCE)
    if form_code not in FORMS:
        return []
    body = body_of(session, actor.unit)
    below = select(OrgUnit.id).where(
        OrgUnit.path.startswith(body.path, autoescape=True), report_unit_filter(session, actor)
    )
    sent = Obligation.state.in_([str(s) for s in SENT])

    def n(cond: ColumnElement[bool]) -> ColumnElement[int]:
        return func.coalesce(func.sum(case((cond, 1), else_=0)), 0)

    rows = session.execute(
        select(
            Obligation.period_start,
            Obligation.period_label,
            func.count(Obligation.id),
            n(and_(sent, Obligation.late.is_(False))),
            n(and_(sent, Obligation.late.is_(True))),
            n(~sent),
        )
        .where(Obligation.unit_id.in_(below), Obligation.form_code == form_code)
        .group_by(Obligation.period_start, Obligation.period_label)
        .order_by(Obligation.period_start.desc())
        .limit(periods)
    ).all()
    return [
        PeriodCompliance(label, int(owed), int(on_time), int(late), int(missing))
        for _start, label, owed, on_time, late, missing in reversed(rows)
    ]
