"""Campaign services: create, read within jurisdiction, phases, obligations, public notices.

A campaign is visible to the users who may see its issuing body and to every unit it reaches
(its scope, ``campaigns.scope``: by default the issuing body's subtree, so a county hospital
sees the province's campaign). Only handlers, leaders and administrators who may see the
issuing body change it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from campaigns.checklists import CHECKLISTS, DEFAULT_CHECKLIST
from campaigns.models import Campaign, CampaignPhase, CampaignScopeUnit
from campaigns.scope import reaches
from config.database import is_valid_id
from config.errors import NotFound, PermissionDenied, ValidationError
from config.reference import StatClass
from directory.jurisdiction import body_of, unit_visible
from directory.models import OrgUnit, UnitKind, User
from directory.permissions import Capability, can, require
from reporting.models import ObligationRule
from reporting.obligations import add_campaign_rule


def can_view(session: Session, actor: User, campaign: Campaign) -> bool:
    return unit_visible(session, actor, campaign.issuing_unit) or reaches(
        campaign, body_of(session, actor.unit)
    )


def can_manage(session: Session, actor: User, campaign: Campaign) -> bool:
    """Leaders and administrators over the issuing body; handlers of the organising unit.

    The organising unit is the unit of whoever entered the campaign (the office that runs
    it); other offices of the body only report progress on their own tasks.
    """
    if not can(actor, Capability.CAMPAIGNS_MANAGE) or not unit_visible(
        session, actor, campaign.issuing_unit
    ):
        return False
    if not can(actor, Capability.CAMPAIGNS_MANAGE_ALL):
        creator = campaign.created_by
        return creator is not None and creator.unit_id == actor.unit_id
    return True


def get_campaign(session: Session, actor: User, campaign_id: int) -> Campaign:
    """The campaign, or ``NotFound`` — the same answer whether it exists elsewhere or not."""
    campaign = session.get(Campaign, campaign_id)
    if campaign is None or not can_view(session, actor, campaign):
        raise NotFound("未找到该专项行动，或不在您的管辖范围内。")
    return campaign


def require_manage(session: Session, actor: User, campaign: Campaign) -> None:
    if not can_manage(session, actor, campaign):
        raise PermissionDenied("只有发文单位的承办人、负责人或管理员可以修改该专项行动。")


def list_campaigns(session: Session, actor: User) -> list[Campaign]:
    """Campaigns issued by a body the actor sees, or by a body above the actor's (in scope)."""
    body = body_of(session, actor.unit)
    ancestors = [int(x) for x in body.path.strip("/").split("/") if x]
    campaigns = session.scalars(
        select(Campaign)
        .join(OrgUnit, OrgUnit.id == Campaign.issuing_unit_id)
        .where(or_(OrgUnit.id.in_(ancestors), OrgUnit.path.startswith(body.path)))
        .order_by(Campaign.starts_on.desc(), Campaign.id.desc())
    ).all()
    return [c for c in campaigns if can_view(session, actor, c)]


@dataclass(frozen=True)
class NewCampaign:
    name: str
    starts_on: date
    ends_on: date
    doc_number: str = ""
    issued_on: date | None = None
    checklist_code: str = DEFAULT_CHECKLIST
    notice_title: str = ""
    notice_text: str = ""
    hotline: str = ""
    mailbox: str = ""
    address: str = ""
    # Units below the issuing body (their subtrees) and StatClass values; empty: everything.
    scope_unit_ids: tuple[int, ...] = ()
    scope_classes: tuple[str, ...] = ()


def _scope(
    session: Session, issuer: OrgUnit, unit_ids: Iterable[int], classes: Iterable[str]
) -> tuple[list[OrgUnit], str]:
    """The chosen scope checked against the issuer's jurisdiction, before anything is saved."""
    units: list[OrgUnit] = []
    for unit_id in dict.fromkeys(unit_ids):
        unit = session.get(OrgUnit, unit_id) if is_valid_id(unit_id) else None
        if unit is None:
            raise ValidationError("未找到所选的范围单位。")
        if unit.id == issuer.id or not unit.path.startswith(issuer.path):
            raise ValidationError(
                f"范围单位“{unit.name}”不在发文单位“{issuer.name}”的管辖范围内，"
                "只能选择其下属单位。"
            )
        if unit.kind == UnitKind.OFFICE:
            raise ValidationError(f"“{unit.name}”是内设处室，不能作为专项行动范围。")
        units.append(unit)
    known = {c.value for c in StatClass}
    chosen = set(classes)
    if chosen - known:
        raise ValidationError("未知的医疗机构类别。")
    return units, ",".join(c.value for c in StatClass if c.value in chosen)


def set_scope(
    session: Session,
    actor: User,
    campaign: Campaign,
    unit_ids: Iterable[int],
    classes: Iterable[str],
) -> Campaign:
    """Replace the campaign's scope; no units and no classes is the whole jurisdiction."""
    require_manage(session, actor, campaign)
    units, class_text = _scope(session, campaign.issuing_unit, unit_ids, classes)
    # Rows of units still chosen are kept: a delete and re-insert in one flush would hit
    # the unique constraint (inserts are flushed before deletes).
    kept = {s.unit_id: s for s in campaign.scope_units}
    campaign.scope_units = [kept.get(u.id) or CampaignScopeUnit(unit=u) for u in units]
    campaign.scope_classes = class_text
    session.flush()
    return campaign


def create_campaign(
    session: Session, actor: User, new: NewCampaign, *, issuing_unit: OrgUnit | None = None
) -> Campaign:
    """A campaign issued by the actor's body (or a body below it for leaders/administrators)."""
    require(actor, Capability.CAMPAIGNS_MANAGE)
    unit = body_of(session, issuing_unit or actor.unit)
    if unit.kind == UnitKind.INSTITUTION:
        raise ValidationError("专项行动须由卫生健康行政部门发起。")
    if not unit_visible(session, actor, unit):
        raise PermissionDenied("只能以本人管辖范围内的单位名义发起专项行动。")
    if not new.name.strip():
        raise ValidationError("请填写专项行动名称。")
    if new.ends_on < new.starts_on:
        raise ValidationError("结束日期不能早于开始日期。")
    if new.checklist_code not in CHECKLISTS:
        raise ValidationError("未知的检查表。")
    scope_units, scope_classes = _scope(session, unit, new.scope_unit_ids, new.scope_classes)
    campaign = Campaign(
        name=new.name.strip(),
        doc_number=new.doc_number.strip(),
        issuing_unit=unit,
        issued_on=new.issued_on,
        starts_on=new.starts_on,
        ends_on=new.ends_on,
        checklist_code=new.checklist_code,
        notice_title=new.notice_title.strip(),
        notice_text=new.notice_text.strip(),
        hotline=new.hotline.strip(),
        mailbox=new.mailbox.strip(),
        address=new.address.strip(),
        scope_classes=scope_classes,
        scope_units=[CampaignScopeUnit(unit=u) for u in scope_units],
        created_by_id=actor.id,
    )
    session.add(campaign)
    session.flush()
    return campaign


def add_phase(
    session: Session,
    actor: User,
    campaign: Campaign,
    name: str,
    starts_on: date,
    ends_on: date,
    description: str = "",
) -> CampaignPhase:
    """A phase with its dates (e.g. 全面清查、集中整治 until 2020年8月底, seed ``001_…``)."""
    require_manage(session, actor, campaign)
    if not name.strip():
        raise ValidationError("请填写阶段名称。")
    if ends_on < starts_on:
        raise ValidationError(f"阶段“{name}”的结束日期早于开始日期。")
    phase = CampaignPhase(
        campaign=campaign,
        name=name.strip(),
        starts_on=starts_on,
        ends_on=ends_on,
        description=description.strip(),
    )
    session.add(phase)
    session.flush()
    return phase


def current_phase(campaign: Campaign, today: date) -> CampaignPhase | None:
    for phase in campaign.phases:
        if phase.starts_on <= today <= phase.ends_on:
            return phase
    return None


def add_obligation(
    session: Session,
    actor: User,
    campaign: Campaign,
    *,
    form_code: str,
    unit_kinds: Iterable[str],
    period_start: date,
    period_end: date,
    due: date,
    label: str,
) -> ObligationRule:
    """A one-off deadline the campaign sets (8月底前, 12月15日前 …), fed to reporting's rules."""
    require_manage(session, actor, campaign)
    count = len(campaign_obligation_rules(session, campaign))
    return add_campaign_rule(
        session,
        code=f"campaign-{campaign.id}-{count + 1}",
        form_code=form_code,
        unit_kinds=unit_kinds,
        period_start=period_start,
        period_end=period_end,
        due=due,
        label=label,
        source=campaign.doc_number or campaign.name,
        campaign_id=campaign.id,
    )


def campaign_obligation_rules(session: Session, campaign: Campaign) -> list[ObligationRule]:
    return list(
        session.scalars(
            select(ObligationRule)
            .where(ObligationRule.campaign_id == campaign.id)
            .order_by(ObligationRule.fixed_due, ObligationRule.id)
        )
    )


def set_notice(
    session: Session,
    actor: User,
    campaign: Campaign,
    *,
    title: str,
    text: str,
    hotline: str,
    mailbox: str,
    address: str,
    published: bool,
) -> Campaign:
    """The public announcement (seed ``004_…`` 附件4): what is rectified, where to report."""
    require_manage(session, actor, campaign)
    if published and not (text.strip() and (hotline.strip() or mailbox.strip())):
        raise ValidationError("公告须写明整治内容，并至少公布一种举报方式（电话或邮箱）。")
    campaign.notice_title = title.strip()
    campaign.notice_text = text.strip()
    campaign.hotline = hotline.strip()
    campaign.mailbox = mailbox.strip()
    campaign.address = address.strip()
    campaign.notice_published = published
    session.flush()
    return campaign


def public_notices(session: Session, today: date | None = None) -> list[Campaign]:
    """Published notices of campaigns not yet ended, for the public portal (no sign-in)."""
    stmt = select(Campaign).where(Campaign.notice_published)
    if today is not None:
        stmt = stmt.where(Campaign.ends_on >= today)
    return list(session.scalars(stmt.order_by(Campaign.starts_on.desc(), Campaign.id.desc())))


def get_public_notice(session: Session, campaign_id: int) -> Campaign:
    campaign = session.get(Campaign, campaign_id)
    if campaign is None or not campaign.notice_published:
        raise NotFound("未找到该公告。")
    return campaign
