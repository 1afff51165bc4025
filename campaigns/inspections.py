"""Inspections: one visit to one institution, answered against the campaign's checklist.

A finding (有, or violating persons in a sample) turns into a clue in one step, in the
inspecting body's ledger with channel 专项检查 (``cases.reference.CHANNEL_LABELS``) and the
institution as the accused unit; ``InspectionClue`` links the clue to the inspection and item.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from campaigns.checklists import CHECKLISTS, AnswerKind, Checklist, ChecklistItem
from campaigns.models import Campaign, Inspection, InspectionClue
from campaigns.scope import describe, in_scope
from campaigns.service import get_campaign
from cases.models import Clue
from cases.service import NewClue, create_clue
from config.errors import Conflict, NotFound, PermissionDenied, ValidationError
from config.localtime import cn_date
from directory.jurisdiction import body_of, unit_visible
from directory.models import OrgUnit, UnitKind, User
from directory.permissions import Capability, require

CHANNEL = "special_check"


def checklist_of(campaign: Campaign) -> Checklist:
    return CHECKLISTS[campaign.checklist_code]


def _count(raw: Any, label: str) -> int:
    if raw in (None, ""):
        return 0
    try:
        value = int(str(raw).strip())
    except ValueError as exc:
        raise ValidationError(f"{label}：“{raw}”不是整数。") from exc
    if value < 0:
        raise ValidationError(f"{label}：不能为负数。")
    return value


def _amount(raw: Any, label: str) -> str:
    if raw in (None, ""):
        return "0"
    try:
        value = Decimal(str(raw).strip())
    except InvalidOperation as exc:
        raise ValidationError(f"{label}：“{raw}”不是金额（万元）。") from exc
    if value < 0:
        raise ValidationError(f"{label}：不能为负数。")
    return str(value.quantize(Decimal("0.0001")).normalize())


def clean_answers(checklist: Checklist, raw: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Answers checked against the item kinds; totals (item 36) are computed, never typed."""
    answers: dict[str, Any] = {}
    for item in checklist.items:
        given = raw.get(item.code) or {}
        entry: dict[str, Any] = {"note": str(given.get("note", "")).strip()[:500]}
        title = item.title
        if item.kind is AnswerKind.SAMPLED:
            sampled = _count(given.get("sampled"), f"{title} 抽查人数")
            violating = _count(given.get("violating"), f"{title} 违法违规人数")
            if violating > sampled:
                raise ValidationError(f"{title}：违法违规人数不能大于抽查人数。")
            entry.update(sampled=sampled, violating=violating, found=violating > 0)
        elif item.kind is AnswerKind.TOTAL:
            continue
        else:
            entry["found"] = bool(given.get("found"))
            if item.kind is AnswerKind.PERSONS:
                persons = _count(given.get("persons"), f"{title} 人数")
                if persons and not entry["found"]:
                    raise ValidationError(f"{title}：填写了人数，请选择“有”。")
                entry["persons"] = persons
            if item.kind is AnswerKind.FINE:
                entry["fine"] = _amount(given.get("fine"), f"{title} 罚款")
                entry["confiscated"] = str(given.get("confiscated", "")).strip()[:200]
        answers[item.code] = entry
    for item in checklist.items:
        if item.kind is AnswerKind.TOTAL:
            persons = sum(answers[c].get("persons", 0) for c in item.total_of)
            answers[item.code] = {"found": persons > 0, "persons": persons, "note": ""}
    return answers


@dataclass(frozen=True)
class NewInspection:
    institution_id: int
    inspected_on: date
    inspectors: str
    accompanying: str = ""
    answers: dict[str, dict[str, Any]] | None = None


def record_inspection(
    session: Session, actor: User, campaign: Campaign, new: NewInspection
) -> Inspection:
    """One visit to an institution in the campaign's scope and the actor's jurisdiction."""
    require(actor, Capability.INTAKE)
    institution = session.get(OrgUnit, new.institution_id)
    if institution is None or not unit_visible(session, actor, institution):
        raise NotFound("未找到该医疗机构，或不在您的管辖范围内。")
    if institution.kind != UnitKind.INSTITUTION:
        raise ValidationError("检查对象须为医疗机构。")
    if not in_scope(campaign, institution):
        raise ValidationError(
            f"“{institution.name}”不在本专项行动的范围内（{describe(campaign)}）。"
        )
    if not new.inspectors.strip():
        raise ValidationError("请填写检查人。")
    if not campaign.starts_on <= new.inspected_on <= campaign.ends_on:
        raise ValidationError("检查日期不在专项行动期间内。")
    checklist = checklist_of(campaign)
    inspection = Inspection(
        campaign=campaign,
        institution=institution,
        checklist_code=checklist.code,
        inspected_on=new.inspected_on,
        inspectors=new.inspectors.strip(),
        accompanying=new.accompanying.strip(),
        answers=clean_answers(checklist, new.answers or {}),
        created_by_id=actor.id,
    )
    session.add(inspection)
    session.flush()
    return inspection


def get_inspection(session: Session, actor: User, inspection_id: int) -> Inspection:
    """The inspection, if its campaign and institution are both within the actor's view."""
    inspection = session.get(Inspection, inspection_id)
    if inspection is None or not unit_visible(session, actor, inspection.institution):
        raise NotFound("未找到该检查记录，或不在您的管辖范围内。")
    get_campaign(session, actor, inspection.campaign_id)
    return inspection


def list_inspections(session: Session, actor: User, campaign: Campaign) -> list[Inspection]:
    rows = session.scalars(
        select(Inspection)
        .where(Inspection.campaign_id == campaign.id)
        .order_by(Inspection.inspected_on.desc(), Inspection.id.desc())
    ).all()
    return [i for i in rows if unit_visible(session, actor, i.institution)]


def findings(inspection: Inspection) -> list[ChecklistItem]:
    """The items answered 有 (or with violating persons), in the sheet's order."""
    checklist = CHECKLISTS[inspection.checklist_code]
    return [
        item
        for item in checklist.items
        if item.can_be_found and (inspection.answers.get(item.code) or {}).get("found")
    ]


def finding_to_clue(session: Session, actor: User, inspection: Inspection, item_code: str) -> Clue:
    """Turn one finding into a clue (channel 专项检查), linked to the inspection and item."""
    require(actor, Capability.INTAKE)
    if not unit_visible(session, actor, inspection.institution):
        raise PermissionDenied("该医疗机构不在您的管辖范围内。")
    checklist = CHECKLISTS[inspection.checklist_code]
    try:
        item = checklist.item(item_code)
    except KeyError as exc:
        raise ValidationError("检查表中没有该项。") from exc
    if item not in findings(inspection):
        raise ValidationError(f"“{item.title}”未发现问题，不能转为线索。")
    if any(link.item_code == item_code for link in inspection.clues):
        raise Conflict(f"“{item.title}”已转为线索。")
    answer = inspection.answers.get(item.code) or {}
    campaign = inspection.campaign
    lines = [
        f"来源：专项行动“{campaign.name}”{campaign.doc_number}"
        f"现场检查（检查记录 #{inspection.id}）",
        f"检查时间：{cn_date(inspection.inspected_on)}；检查人：{inspection.inspectors}"
        + (f"；陪同检查人：{inspection.accompanying}" if inspection.accompanying else ""),
        f"检查项目：{item.title}",
    ]
    if item.kind is AnswerKind.SAMPLED:
        lines.append(
            f"抽查 {answer.get('sampled', 0)} 人，违法违规 {answer.get('violating', 0)} 人"
        )
    if answer.get("note"):
        lines.append(f"备注：{answer['note']}")
    institution = inspection.institution
    clue = create_clue(
        session,
        actor,
        body_of(session, actor.unit),
        NewClue(
            channel=CHANNEL,
            summary=f"专项检查发现{institution.name}：{item.title}",
            content="\n".join(lines),
            category=item.category,
            accused_unit_id=institution.id,
        ),
    )
    link = InspectionClue(inspection=inspection, item_code=item.code, clue_id=clue.id)
    session.add(link)
    session.flush()
    return clue


@dataclass(frozen=True)
class ClueSource:
    inspection: Inspection
    item: ChecklistItem


def clue_source(session: Session, clue_id: int) -> ClueSource | None:
    """The inspection and item a clue came from (the clue page shows it), or None."""
    link = session.scalar(select(InspectionClue).where(InspectionClue.clue_id == clue_id))
    if link is None:
        return None
    inspection = link.inspection
    return ClueSource(inspection, CHECKLISTS[inspection.checklist_code].item(link.item_code))
