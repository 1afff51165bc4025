"""广西卫生健康行业作风整治专项行动工作量化统计表二.

Seed ``000_…`` (2020年广西卫生健康行业作风整治专项行动), 附件4: per 市（处室）,
violations found and handled, institutions penalised and persons dealt with, in
four columns by institution class; the unit is printed per row in the last column.
The seed repeats the first group label after a page break; it is one group.
"""

from __future__ import annotations

from collections.abc import Iterator

from config.checklist import VIOLATION_LINES
from config.reference import STAT_CLASS_LABELS, StatClass
from reporting.formdef import Column, FormDefinition, LabelHeader, Relation, Row, Unit

_FOUND = "发现、处理违法违规行为情况"
_INST = "行政处罚机构情况"
_PERS = "处理人员情况"
_C, _P, _N = Unit.CASES, Unit.PERSONS, Unit.ITEMS

# Not on the 检查表 (item 18's place): adverts removed (条) and media closed (个), by hand.
_INSTEAD_OF_18: tuple[tuple[str, tuple[str, ...], Unit], ...] = (
    ("ads_removed", ("清理违法广告",), Unit.CLUES),
    ("media_closed", ("关闭或整改网站、微信群、QQ群、微博、微信公众号等网络媒体",), _N),
)
# Counted in cases (起) except where the form prints 人.
_UNITS = {"cosmetic_doctor": _P}


def _violation_rows() -> Iterator[tuple[str, tuple[str, ...], Unit]]:
    """The first group: the 检查表's items 1–28, declared once in ``config.checklist``."""
    for line in VIOLATION_LINES:
        if line.form_row is None:  # item 18
            yield from _INSTEAD_OF_18
        else:
            labels = (line.label, line.sub) if line.sub else (line.label,)
            yield line.form_row, labels, _UNITS.get(line.form_row, _C)


_VIOLATIONS = tuple(_violation_rows())

# Known to the ledger by the class of the institution the subject works in.
_PREFILL = {
    "redpacket": "ledger.redpacket.cases.{col}",
    "kickback": "ledger.kickback.cases.{col}",
}
# Adverts removed (条) and media closed (个) are not on the 检查表: entered by hand.
_NOT_INSPECTED = tuple(code for code, _, _ in _INSTEAD_OF_18)


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
