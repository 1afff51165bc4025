"""Reference data for handling: violation categories, posts, sanction kinds, referral targets.

Violation categories 1–28 are the items of 广西卫生健康行业作风整治专项行动检查表
(seed ``000_…``, 附件2), word for word; the named kinds after them (红包, 回扣 …) are the
headings the statistical forms count. Sanction codes marked ``prefill`` are the keys the
statistical forms read (``reporting/forms/zl1.py``, ``zl2.py``: ``ledger.sanctions.*``).
"""

from __future__ import annotations

from tips.channels import CHANNELS as TIP_CHANNELS

CHECKLIST_ITEMS: tuple[str, ...] = (
    "医师出租、出借、转让《医师执业证书》（挂证）",
    "无证行医",
    "医疗机构买卖、转让、租借《医疗机构执业许可证》或《医师执业证书》",
    "超出登记范围开展诊疗活动",
    "使用非卫生技术人员从事医疗卫生技术工作",
    "违规开展禁止类技术",
    "违规开展限制类技术",
    "索取或收受患者及其家属“红包”行为",
    "制售假药",
    "出具虚假证明",
    "利用执业之便收取回扣、提成等谋取不正当利益的行为",
    "违规开展肝、肾、心、肺等大型器官移植",
    "未按要求公示药品、医用材料及医疗服务价格",
    "乱收费和不正当价格行为",
    "欺骗、强迫诊疗或消费，诱导医疗或过度医疗等违规行为",
    "其他违反医疗法律法规行为",
    "骗取医疗保险基金",
    "在网站、微信群、QQ群、微博、微信公众号等网络媒体发布违法医疗广告或虚假信息",
    "医疗机构开展医疗美容项目未经过核准和备案",
    "负责实施医疗美容项目的主诊医师未具备规定的条件",
    "从事医疗美容护理工作的人员未具备规定的条件",
    "违规开展产前诊断",
    "违规开展人类辅助生殖",
    "违规开展“两非”行为",
    "违规开展计划生育手术",
    "经销人员在医疗机构内的违规营销行为",
    "存在医德医风失范，影响行业良好形象的行为",
    "未加强机构行风建设，缺乏行风工作机制",
)

NAMED_CATEGORIES: dict[str, str] = {
    "redpacket": "收受“红包”",
    "kickback": "收受回扣",
    "insurance_fraud": "欺诈骗保",
    "unreasonable_care": "不合理诊疗",
    "illegal_marketing": "违规营销",
    "work_style": "作风问题",
    "other": "其他",
}

VIOLATION_CATEGORIES: dict[str, str] = {
    **{f"check_{n:02d}": f"{n}. {label}" for n, label in enumerate(CHECKLIST_ITEMS, start=1)},
    **NAMED_CATEGORIES,
}

# Categories the statistical forms count as red-packet / kickback cases (checklist 8 and 11).
REDPACKET_CATEGORIES = ("redpacket", "check_08")
KICKBACK_CATEGORIES = ("kickback", "check_11")

POSTS: dict[str, str] = {
    "doctor": "医师",
    "nurse": "护士",
    "technician": "医技",
    "admin": "行政",
    "other": "其他",
}

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
