"""Where a portal or mailbox tip goes: to the body that supervises the institution or unit
it names, else to the configured intake body (``QINGFENG_INTAKE_UNIT``, default the root).

A tip filed where nobody works is a tip lost (检举控告工作规则 第十二条: a tip is handled by
the body with authority over the accused). The portal offers the directory's public names
(bodies and institutions, never offices, contacts or people); free text is the fallback.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from config.database import is_valid_id
from config.errors import ValidationError
from config.settings import Settings
from directory.jurisdiction import body_of
from directory.models import OrgUnit, UnitKind

BODY_KINDS = (UnitKind.PROVINCE, UnitKind.CITY, UnitKind.COUNTY)
# What the public may name: bodies and institutions (offices are internal structure).
NAMEABLE_KINDS = (*BODY_KINDS, UnitKind.INSTITUTION)
UNIT_FIELD = "被反映单位"


def intake_unit(session: Session, settings: Settings) -> OrgUnit:
    """The body that receives tips naming nothing we know (``QINGFENG_INTAKE_UNIT``)."""
    if settings.intake_unit:
        unit = session.scalar(select(OrgUnit).where(OrgUnit.code == settings.intake_unit))
        if unit is None:
            raise ValidationError(
                f"QINGFENG_INTAKE_UNIT 指定的单位 {settings.intake_unit} 不存在。"
            )
        return body_of(session, unit)
    unit = session.scalar(select(OrgUnit).where(OrgUnit.parent_id.is_(None)).order_by(OrgUnit.id))
    if unit is None:
        raise ValidationError("尚未建立组织机构，无法接收举报。")
    return unit


def supervisor_of(session: Session, unit: OrgUnit) -> OrgUnit:
    """The body that supervises ``unit``: the body above an institution (or above the body
    an office belongs to); the root supervises itself."""
    target = body_of(session, unit)
    parent = target.parent
    while parent is not None and parent.kind not in BODY_KINDS:
        parent = parent.parent
    return parent or target


def preload_bodies(session: Session) -> None:
    """Load every body once, so ``supervisor_of`` over many units finds parents in the
    session's identity map instead of one query each."""
    session.scalars(select(OrgUnit).where(OrgUnit.kind.in_(BODY_KINDS))).all()


NAME_WIDTH: int = OrgUnit.__table__.c.name.type.length  # type: ignore[attr-defined]


def _nameable():
    return select(OrgUnit).where(OrgUnit.kind.in_(NAMEABLE_KINDS), OrgUnit.active.is_(True))


def _squash(text: str) -> str:
    return re.sub(r"\s", "", text or "")


def match_unit(session: Session, text: str) -> OrgUnit | None:
    """The unit ``text`` names: its exact name; else the one unit whose name contains the
    text; else the one unit whose name the text contains (the longest such names win, so
    "清河县人民医院骨科" names 清河县人民医院). Anything ambiguous names nothing."""
    text = _squash(text)
    if not text:
        return None
    if len(text) > NAME_WIDTH:
        # Longer than any unit's name: it can only contain one (and a LIKE pattern of
        # that size is refused by SQLite as "too complex").
        return _named_in(session, text)
    exact = session.scalars(_nameable().where(OrgUnit.name == text)).all()
    if exact:
        return exact[0] if len(exact) == 1 else None
    partial = session.scalars(_nameable().where(OrgUnit.name.contains(text, autoescape=True)))
    found = partial.all()
    if len(found) == 1:
        return found[0]
    if found:
        return None
    return _named_in(session, text)


def _named_in(session: Session, text: str) -> OrgUnit | None:
    inside = [u for u in session.scalars(_nameable()) if len(u.name) >= 4 and u.name in text]
    longest = [u for u in inside if not any(u.name in o.name and u is not o for o in inside)]
    return longest[0] if len(longest) == 1 else None


def named_in_text(session: Session, text: str) -> OrgUnit | None:
    """The one unit a free text (an e-mail) names by its full name, if exactly one."""
    return _named_in(session, _squash(text))


def chosen_unit(session: Session, unit_id: str, text: str) -> OrgUnit | None:
    """The unit the reporter chose from the list, else the one their free text names."""
    if unit_id:
        number = int(unit_id) if unit_id.isdigit() else 0
        unit = session.get(OrgUnit, number) if is_valid_id(number) else None
        if unit is None or not unit.active or unit.kind not in NAMEABLE_KINDS:
            raise ValidationError(
                f"{UNIT_FIELD}：请从列表中选择，或在下方直接填写单位名称。",
                details={"accused_unit_id": "请从列表中选择"},
            )
        return unit
    return match_unit(session, text)


def receiving_body(session: Session, settings: Settings, named: OrgUnit | None) -> OrgUnit:
    """The body a tip naming ``named`` (or nothing) is filed with."""
    return supervisor_of(session, named) if named is not None else intake_unit(session, settings)


@dataclass(frozen=True)
class DirectoryGroup:
    """One group of the portal's list: a supervising body and the names under it."""

    label: str
    units: list[tuple[int, str]]


def portal_directory(session: Session) -> list[DirectoryGroup]:
    """The public list of names the portal offers, grouped by area (names only)."""
    preload_bodies(session)
    units = session.scalars(_nameable().order_by(OrgUnit.path)).all()
    groups: dict[int, DirectoryGroup] = {}
    for unit in units:
        area = unit if unit.kind in BODY_KINDS else supervisor_of(session, unit)
        group = groups.setdefault(area.id, DirectoryGroup(area.name, []))
        group.units.append((unit.id, unit.name))
    return list(groups.values())
