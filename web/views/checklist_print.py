"""A printable 检查表 for on-site use, with the seed's header (seed ``000_…`` 附件2):
被检查单位（医疗机构名称）、地址、联系人、联系电话、类别、等级、性质; the items with
有□ 无□; 陪同检查人、检查人、检查时间 at the foot. Blank, or headed with one institution."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user

from campaigns.inspections import checklist_of
from campaigns.service import get_campaign
from config.reference import CATEGORY_LABELS, GRADE_LABELS, OWNERSHIP_LABELS
from directory.jurisdiction import get_visible_unit
from directory.permissions import Capability, require
from web.db import db_session

bp = Blueprint("checklist_print", __name__)


@bp.get("/campaigns/<int:campaign_id>/checklist/print")
def printable(campaign_id: int):
    sess = db_session()
    require(current_user, Capability.CAMPAIGNS_READ)
    campaign = get_campaign(sess, current_user, campaign_id)
    raw = request.args.get("institution_id", "")
    institution = get_visible_unit(sess, current_user, int(raw)) if raw.isdigit() else None
    return render_template(
        "campaigns/checklist_print.html",
        campaign=campaign,
        checklist=checklist_of(campaign),
        institution=institution,
        categories=CATEGORY_LABELS,
        grades=GRADE_LABELS,
        ownerships=OWNERSHIP_LABELS,
    )
