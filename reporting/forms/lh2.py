"""广西卫生健康行业作风整治专项行动工作量化统计表二.

Seed ``000_…`` (2020年广西卫生健康行业作风整治专项行动), 附件4: per 市（处室）,
violations found and handled, institutions penalised and persons dealt with, in
four columns by institution class; the unit is printed per row in the last column.
The seed repeats the first group label after a page break; it is one group.
"""

from __future__ import annotations

from config.reference import STAT_CLASS_LABELS, StatClass
from reporting.formdef import Column, FormDefinition, LabelHeader, Relation, Row, Unit

_FOUND = "发现、处理违法违规行为情况"
_INST = "行政处罚机构情况"
_PERS = "处理人员情况"
_C, _P, _N = Unit.CASES, Unit.PERSONS, Unit.ITEMS

_VIOLATIONS: tuple[tuple[str, tuple[str, ...], Unit], ...] = (
    ("hired_license", ("医师出租、出借、转让《医师执业证书》（挂证）",), _C),
    ("unlicensed", ("无证行医",), _C),
    ("license_trade", ("医疗机构买卖、转让、租借《医疗机构执业许可证》或《医师执业证书》",), _C),
    ("beyond_scope", ("超出登记范围开展诊疗活动",), _C),
    ("non_technical", ("使用非卫生技术人员从事医疗卫生技术工作",), _C),
    ("forbidden_cell", ("违规开展禁止类技术", "免疫细胞治疗"), _C),
    ("forbidden_other", ("违规开展禁止类技术", "其他"), _C),
    ("restricted", ("违规开展限制类技术",), _C),
    ("redpacket", ("索取或收受患者及其家属“红包”行为",), _C),
    ("fake_drugs", ("制售假药",), _C),
    ("false_certificates", ("出具虚假证明",), _C),
    ("kickback", ("利用执业之便收取回扣、提成等谋取不正当利益的行为",), _C),
    ("organ_transplant", ("违规开展肝、肾、心、肺等大型器官移植",), _C),
    ("prices_not_shown", ("未按要求公示药品、医用材料及医疗服务价格",), _C),
    ("overcharging", ("乱收费和不正当价格行为",), _C),
    ("induced_care", ("欺骗、强迫诊疗或消费，诱导医疗或过度医疗等违规行为",), _C),
    ("other_violations", ("其他违反医疗法律法规行为",), _C),
    ("insurance_fraud", ("骗取医疗保险基金",), _C),
    ("ads_removed", ("清理违法广告",), Unit.CLUES),
    ("media_closed", ("关闭或整改网站、微信群、QQ群、微博、微信公众号等网络媒体",), _N),
    ("cosmetic_unapproved", ("医疗机构开展医疗美容项目未经过核准和备案",), _C),
    ("cosmetic_doctor", ("负责实施医疗美容项目的主诊医师未具备规定的条件",), _P),
    ("cosmetic_nurse", ("从事医疗美容护理工作的人员未具备规定的条件",), _C),
    ("prenatal", ("违规开展产前诊断",), _C),
    ("assisted_reproduction", ("违规开展人类辅助生殖",), _C),
    ("two_nons", ("违规开展“两非”行为",), _C),
    ("family_planning", ("违规开展计划生育手术",), _C),
    ("sales_reps", ("经销人员在医疗机构内的违规营销行为",), _C),
    ("ethics", ("存在医德医风失范，影响行业良好形象的行为",), _C),
    ("no_mechanism", ("未加强机构行风建设，缺乏行风工作机制",), _C),
)

# Known to the ledger by the class of the institution the subject works in.
_PREFILL = {
    "redpacket": "ledger.redpacket.cases.{col}",
    "kickback": "ledger.kickback.cases.{col}",
}
# Adverts removed (条) and media closed (个) are not on the 检查表: entered by hand.
_NOT_INSPECTED = ("ads_removed", "media_closed")


def _found(code: str) -> str | None:
    """Counted from the campaigns' inspection records (``campaigns.stats``)."""
    if code in _NOT_INSPECTED:
        return None
    return _PREFILL.get(code, f"inspections.found.{code}.{{col}}")


_PENALISED = ("revoked_doctor", "revoked_nurse", "suspended_doctor", "suspended_nurse")
_JUDICIAL = ("judicial_doctor", "judicial_nurse", "judicial_other")

LH2 = FormDefinition(
    code="lh2",
    title="广西卫生健康行业作风整治专项行动工作量化统计表二",
    source="2020年广西卫生健康行业作风整治专项行动实施方案 附件4",
    subtitle="period",
    label_headers=(LabelHeader("项目"), LabelHeader("检查内容", 2)),
    columns=tuple(
        Column(cls.value, ("数量", STAT_CLASS_LABELS[cls]), cumulative=False) for cls in StatClass
    ),
    unit_column="单位",
    rows=(
        *(
            Row(code, (_FOUND, *labels), unit=unit, prefill=_found(code))
            for code, labels, unit in _VIOLATIONS
        ),
        Row(
            "licence_revoked",
            (_INST, "吊销医疗机构执业许可证"),
            unit=_N,
            prefill=_found("licence_revoked"),
        ),
        Row(
            "business_suspended", (_INST, "停业整顿"), unit=_N, prefill=_found("business_suspended")
        ),
        Row("fined", (_INST, "罚款"), unit=_N, prefill=_found("fined")),
        Row(
            "penalised_total",
            (_INST, "予以行政处罚的机构总数"),
            unit=_N,
            prefill=_found("penalised_total"),
        ),
        Row(
            "fine_amount",
            (_INST, "罚款总额度"),
            unit=Unit.TEN_THOUSAND_YUAN,
            prefill=_found("fine_amount"),
        ),
        Row(
            "revoked_doctor",
            (_PERS, "吊销执业证书", "医师"),
            unit=_P,
            prefill=_found("revoked_doctor"),
        ),
        Row(
            "revoked_nurse",
            (_PERS, "吊销执业证书", "护士"),
            unit=_P,
            prefill=_found("revoked_nurse"),
        ),
        Row(
            "suspended_doctor",
            (_PERS, "暂停执业", "医师"),
            unit=_P,
            prefill=_found("suspended_doctor"),
        ),
        Row(
            "suspended_nurse",
            (_PERS, "暂停执业", "护士"),
            unit=_P,
            prefill=_found("suspended_nurse"),
        ),
        Row(
            "judicial_doctor",
            (_PERS, "移送司法机关", "医师"),
            unit=_P,
            prefill=_found("judicial_doctor"),
        ),
        Row(
            "judicial_nurse",
            (_PERS, "移送司法机关", "护士"),
            unit=_P,
            prefill=_found("judicial_nurse"),
        ),
        Row(
            "judicial_other",
            (_PERS, "移送司法机关", "其他人员"),
            unit=_P,
            prefill=_found("judicial_other"),
        ),
        # 合计: persons given an administrative penalty (吊销 + 暂停) and persons referred.
        Row("total_penalised", (_PERS, "合计", "行政处罚"), sum_of=_PENALISED, unit=_P),
        Row("total_judicial", (_PERS, "合计", "移送司法机关"), sum_of=_JUDICIAL, unit=_P),
    ),
    relations=(
        # An institution may get several penalties, so the total bounds each kind.
        Relation(
            "吊销执业许可证的机构数不能大于予以行政处罚的机构总数",
            "licence_revoked",
            "penalised_total",
            axis="row",
        ),
        Relation(
            "停业整顿的机构数不能大于予以行政处罚的机构总数",
            "business_suspended",
            "penalised_total",
            axis="row",
        ),
        Relation(
            "罚款的机构数不能大于予以行政处罚的机构总数", "fined", "penalised_total", axis="row"
        ),
    ),
    footer=(
        ("填表人", "filler"),
        ("联系电话", "contact"),
        ("填表日期", "filled_at"),
        ("审核人", "reviewer"),
    ),
    class_axis="column",
    class_scheme="stat_class",
)
