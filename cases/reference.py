"""Reference data for handling: violation categories, posts, sanction kinds, referral targets.

Violation categories 1–28 are the items of 广西卫生健康行业作风整治专项行动检查表
(seed ``000_…``, 附件2), declared once in ``config.checklist``, followed by 其他: the one
category table, asked at intake and read by the statistics. Sanction codes marked
``prefill`` are the keys the statistical forms read (``reporting/forms/zl1.py``,
``zl2.py``: ``ledger.sanctions.*``).
"""

from __future__ import annotations

from config.checklist import CHECKLIST_ITEMS as CHECKLIST_ITEMS
from config.checklist import VIOLATION_LINES, line_for_row
from config.reference import POSTS as POSTS
from tips.channels import CHANNELS as TIP_CHANNELS

# One vocabulary of 问题类别 (issue 18): the 28 checklist items, then 其他. The short labels
# used before (红包, 回扣 …) were merged into the item they name; migration 0022b moved
# the stored codes, and ``LEGACY_CATEGORIES`` still reads a code found in older records.
VIOLATION_CATEGORIES: dict[str, str] = {
    **{line.category: f"{line.number}. {line.label}" for line in VIOLATION_LINES},
    "other": "其他",
}

LEGACY_CATEGORIES: dict[str, str] = {
    "redpacket": "check_08",
    "kickback": "check_11",
    "insurance_fraud": "check_17",
    "unreasonable_care": "check_15",
    "illegal_marketing": "check_26",
    "work_style": "check_27",
}


def category_label(code: str | None) -> str:
    """The label of a stored category code, old short codes included."""
    code = LEGACY_CATEGORIES.get(code or "other", code or "other")
    return VIOLATION_CATEGORIES.get(code, code)


# Categories the statistical forms count as red-packet / kickback cases (checklist 8 and 11;
# the old short code too, should a restored older database still hold it).
REDPACKET_CATEGORIES = ("redpacket", line_for_row("redpacket").category)
KICKBACK_CATEGORIES = ("kickback", line_for_row("kickback").category)

SUBJECT_KINDS = {"person": "人员", "institution": "机构"}

# Sanction kinds by group; persons receive the first two groups, institutions the third.
FIRST_FORM: dict[str, str] = {
    "reminder_talk": "提醒谈话",
    "criticism_education": "批评教育",
    "admonishment": "诫勉谈话",
    "circulated_criticism": "通报批评",
    "ordered_review": "责令检查",
    "first_form_other": "其他第一种形态",
}
ORGANISATIONAL: dict[str, str] = {
    "withhold_bonus": "扣发绩效",
    "no_awards": "取消评先评优",
    "no_promotion": "取消职称评聘",
    "reassignment": "调岗",
    "license_suspended": "暂停执业",
    "license_revoked": "吊销执业证书",
    "dismissal": "清除出队伍",
}
ADMINISTRATIVE: dict[str, str] = {
    "warning": "警告",
    "fine": "罚款",
    "confiscation": "没收违法所得",
    "business_suspended": "停业整顿",
    "permit_revoked": "吊销执业许可证",
}
SANCTION_GROUPS: dict[str, tuple[str, dict[str, str]]] = {
    "first_form": ("第一种形态", FIRST_FORM),
    "organisational": ("组织处理", ORGANISATIONAL),
    "administrative": ("行政处罚（机构）", ADMINISTRATIVE),
}
SANCTION_KINDS: dict[str, str] = {**FIRST_FORM, **ORGANISATIONAL, **ADMINISTRATIVE}
PERSON_SANCTIONS = frozenset({*FIRST_FORM, *ORGANISATIONAL})
INSTITUTION_SANCTIONS = frozenset(ADMINISTRATIVE)

# The prefill keys of the statistical forms (``ledger.sanctions.<code>``).
PREFILL_SANCTIONS = (
    "admonishment",
    "circulated_criticism",
    "license_suspended",
    "license_revoked",
    "judicial_referral",
)

REFERRAL_TARGETS: dict[str, str] = {
    "judicial": "司法机关",
    "market": "市场监管部门",
    "insurance": "医保部门",
    "tax": "税务部门",
    "discipline": "纪检监察机关",
    "police": "公安机关",
}

FEEDBACK_MODES: dict[str, str] = {
    "named": "向实名举报人反馈",
    "anonymous": "匿名举报（网上平台公开答复）",
    "not_applicable": "无需反馈",
}
FEEDBACK_METHODS: dict[str, str] = {
    "phone": "电话",
    "sms": "短信",
    "letter": "书面",
    "in_person": "当面",
    "portal": "网上平台",
}

# Where clues come from (来源), as the intake pages and the ledger name them.
# The channels of intake, one list for tips and clues (tips/channels.py).
CHANNEL_LABELS: dict[str, str] = TIP_CHANNELS
