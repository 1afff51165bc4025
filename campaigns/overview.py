"""The campaign overview's figures: inspection progress and reporting compliance.

Compliance reads the obligations generated from the campaign's own rules
(``reporting.obligations.generate_obligations``), grouped by state, with the overdue ones;
with an explicit scope only the units it reaches count (``campaigns.scope.owes_clause``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from campaigns.models import Campaign, Inspection, InspectionClue
from campaigns.scope import owes_clause, scope_clause
from campaigns.service import campaign_obligation_rules
from directory.jurisdiction import unit_filter
from directory.models import OrgUnit, User
from reporting.models import Obligation, ObligationRule

_DONE = ("submitted", "resubmitted", "accepted")


@dataclass(frozen=True)
class InspectionProgress:
    institutions: int  # in scope and in the actor's view
    inspected: int
    findings_to_clues: int


def inspection_progress(session: Session, actor: User, campaign: Campaign) -> InspectionProgress:
    """Institutions in the campaign's scope the actor sees, and how many were inspected."""
    scope = select(OrgUnit.id).where(
        OrgUnit.active, scope_clause(campaign), unit_filter(session, actor)
    )
    total = session.scalar(select(func.count()).select_from(scope.subquery()))
    inspected = session.scalar(
        select(func.count(func.distinct(Inspection.institution_id))).where(
            Inspection.campaign_id == campaign.id, Inspection.institution_id.in_(scope)
        )
    )
    clues = session.scalar(
        select(func.count(InspectionClue.id))
        .join(Inspection, Inspection.id == InspectionClue.inspection_id)
        .where(Inspection.campaign_id == campaign.id, Inspection.institution_id.in_(scope))
    )
    return InspectionProgress(int(total or 0), int(inspected or 0), int(clues or 0))


@dataclass(frozen=True)
class RuleCompliance:
    rule: ObligationRule
    owed: int
    done: int
    overdue: int


def compliance(
    session: Session, actor: User, campaign: Campaign, today: date
) -> list[RuleCompliance]:
    """For each deadline the campaign set: units owing it (in view), reported, overdue."""
    result = []
    for rule in campaign_obligation_rules(session, campaign):
        rows = session.scalars(
            select(Obligation)
            .join(OrgUnit, OrgUnit.id == Obligation.unit_id)
            .where(
                Obligation.rule_id == rule.id, unit_filter(session, actor), owes_clause(campaign)
            )
        ).all()
        done = sum(1 for o in rows if o.state in _DONE)
        overdue = sum(
            1 for o in rows if o.state not in _DONE and o.due_on is not None and o.due_on < today
        )
        result.append(RuleCompliance(rule, len(rows), done, overdue))
    return result
