"""卫生健康系统开展群众身边腐败和作风问题治理情况统计表（二）.

Seed ``004_…`` (鹿卫医〔2021〕22号), 附件2: filled by the county health bureau with
the figures of 2021年1月–12月 cumulated (注3); offices forward it by the 14th.
"""

from __future__ import annotations

from reporting.formdef import Column, FormDefinition, LabelHeader, Relation, Row, Unit
from reporting.forms.hospital_rows import hospital_rows

_HANDLED = "处理违法违规机构数量（家）"
_FUNDS = "清退违规医保基金"
_PERSONS = "处理人员情况"
_I, _Y, _P = Unit.INSTITUTIONS, Unit.TEN_THOUSAND_YUAN, Unit.PERSONS

ZL2 = FormDefinition(
    code="zl2",
    title="卫生健康系统开展群众身边腐败和作风问题治理情况统计表（二）",
    source="鹿卫医〔2021〕22号 附件2",
    label_headers=(LabelHeader("项目", 3),),
    columns=(
        # A count of designated institutions, not a flow: it may go down.
        Column(
            "designated",
            ("统筹区内定点医疗机构数（家）",),
            _I,
            "1",
            cumulative=False,
            prefill="registers.designated.{row}",
        ),
        Column("inspected", ("检查定点医疗机构数（家）",), _I, "2"),
        # The form prints 小计 over its seven items, 移交线索（条） included.
        Column(
            "handled",
            (_HANDLED, "小计"),
            _I,
            "3",
            sum_of=("talk", "criticised", "deadline", "clues", "recovered", "fined", "other"),
        ),
        Column("talk", (_HANDLED, "约谈"), _I, "4", prefill="registers.measure.talk.{row}"),
        Column(
            "criticised",
            (_HANDLED, "通报批评"),
            _I,
            "5",
            prefill="registers.measure.criticised.{row}",
        ),
        Column(
            "deadline", (_HANDLED, "限期整改"), _I, "6", prefill="registers.measure.deadline.{row}"
        ),
        Column("clues", (_HANDLED, "移交线索（条）"), Unit.CLUES, "7"),
        Column("recovered", (_HANDLED, "追回资金"), _I, "8"),
        Column("fined", (_HANDLED, "行政罚款"), _I, "9"),
        Column("other", (_HANDLED, "其他"), _I, "10"),
        Column(
            "funds", (_FUNDS, "小计"), _Y, "11", sum_of=("refunded", "recovered_funds", "fines")
        ),
        Column("refunded", (_FUNDS, "主动清退基金（万元）"), _Y, "12"),
        Column("recovered_funds", (_FUNDS, "追回基金（万元）"), _Y, "13"),
        Column("fines", (_FUNDS, "行政罚款（万元）"), _Y, "14"),
        Column(
            "suspended",
            (_PERSONS, "暂停执业（人）"),
            _P,
            "15",
            prefill="ledger.sanctions.license_suspended",
        ),
        Column(
            "revoked",
            (_PERSONS, "吊销执业证书（人）"),
            _P,
            "16",
            prefill="ledger.sanctions.license_revoked",
        ),
        Column(
            "judicial",
            (_PERSONS, "移送司法机关（人）"),
            _P,
            "17",
            prefill="ledger.sanctions.judicial_referral",
        ),
        Column("remarks", ("备注",), Unit.TEXT, "18", cumulative=False),
    ),
    rows=(
        # Only 医保定点医疗机构 is listed under 总计, so the two are equal.
        Row("total", ("总计",), sum_of=("all",)),
        *hospital_rows("医保定点医疗机构"),
    ),
    relations=(
        Relation("检查定点医疗机构数不能大于统筹区内定点医疗机构数", "inspected", "designated"),
    ),
    cumulative=True,
    notes=(
        "注：1.“填报单位”为县级卫生健康行政部门。",
        "2.统筹区内定点医药机构家数指与医保经办机构签订医保服务协议的医药机构家数。",
        "3.本表报2021年1月-12月专项整治工作期间的累计数据。",
    ),
    class_axis="row",
    class_scheme="hospital_grade",
    seed_year=2021,
)
