"""A campaign's scope: which institutions it covers, as a SQL clause, a test and in words.

Without a choice the scope is the issuing body's whole subtree (as every campaign had before
the scope could be chosen). The office may narrow it to units below the issuing body — their
subtrees, e.g. two of its counties — and/or to statistical classes (二级以上公立 …). Classes
narrow institutions only; a body is "reached" by the campaign (sees it, owes its reports) when
it lies on the way to, or inside, a chosen unit.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, false, or_, true

from campaigns.models import Campaign
from config.reference import STAT_CLASS_LABELS, StatClass
from directory.models import OrgUnit, UnitKind


def classes_of(campaign: Campaign) -> list[StatClass]:
    """The chosen classes in the forms' order; empty means every class."""
    chosen = {c for c in campaign.scope_classes.split(",") if c}
    return [c for c in StatClass if c.value in chosen]


def is_explicit(campaign: Campaign) -> bool:
    return bool(campaign.scope_units) or bool(campaign.scope_classes)


def _roots(campaign: Campaign) -> list[OrgUnit]:
    return [s.unit for s in campaign.scope_units] or [campaign.issuing_unit]


def scope_clause(campaign: Campaign) -> ColumnElement[bool]:
    """A WHERE clause on ``OrgUnit`` selecting the institutions in the campaign's scope."""
    roots = _roots(campaign)
    clause = and_(
        OrgUnit.kind == UnitKind.INSTITUTION,
        OrgUnit.path.startswith(campaign.issuing_unit.path, autoescape=True),
        or_(*(OrgUnit.path.startswith(r.path, autoescape=True) for r in roots)),
    )
    classes = classes_of(campaign)
    if classes:
        clause = and_(clause, OrgUnit.stat_class.in_([c.value for c in classes]))
    return clause


def union_clause(campaigns: list[Campaign]) -> ColumnElement[bool]:
    """Institutions in the scope of any of ``campaigns`` (none: no institution)."""
    if not campaigns:
        return false()
    return or_(*(scope_clause(c) for c in campaigns))


def in_scope(campaign: Campaign, unit: OrgUnit) -> bool:
    """Whether an institution (or any unit, for its place in the tree) is in scope."""
    if not unit.path.startswith(campaign.issuing_unit.path):
        return False
    if not any(unit.path.startswith(r.path) for r in _roots(campaign)):
        return False
    classes = classes_of(campaign)
    if classes and unit.kind == UnitKind.INSTITUTION:
        return unit.stat_class in classes
    return True


def reaches(campaign: Campaign, body: OrgUnit) -> bool:
    """A body the notice goes to: inside the issuer's subtree and above or inside a chosen unit.

    A city between the province and its two chosen counties still follows the campaign.
    """
    if not body.path.startswith(campaign.issuing_unit.path):
        return False
    return any(
        body.path.startswith(r.path) or r.path.startswith(body.path) for r in _roots(campaign)
    )


def owes_clause(campaign: Campaign) -> ColumnElement[bool]:
    """A WHERE clause on ``OrgUnit``: units whose campaign reports count on the overview.

    Reporting generates a campaign rule's obligations for every unit of its kinds; without
    an explicit scope the overview counts them all, as before.
    """
    if not is_explicit(campaign):
        return true()
    roots = _roots(campaign)
    bodies = and_(
        OrgUnit.kind != UnitKind.INSTITUTION,
        OrgUnit.path.startswith(campaign.issuing_unit.path, autoescape=True),
        or_(
            *(OrgUnit.path.startswith(r.path, autoescape=True) for r in roots),
            OrgUnit.id.in_([int(x) for r in roots for x in r.path.strip("/").split("/") if x]),
        ),
    )
    return or_(scope_clause(campaign), bodies)


def describe(campaign: Campaign) -> str:
    """The scope in words, e.g. 范围：清河县卫生健康局、石门县卫生健康局；二级以上公立医疗机构."""
    units = "、".join(s.unit.name for s in campaign.scope_units)
    where = units or f"{campaign.issuing_unit.name}全辖"
    classes = "、".join(STAT_CLASS_LABELS[c] for c in classes_of(campaign))
    return f"范围：{where}；{classes}" if classes else f"范围：{where}"
