"""2021年深入整治医疗领域腐败和作风问题工作情况统计表（三）.

Seed ``004_…`` (鹿卫医〔2021〕22号), 附件3: filled monthly by institutions (by the
12th), figures of 2021年1月–12月 cumulated. Clues verified and the kickback and
red-packet cases (起/人/万元) are known to the ledger and prefilled from it.
"""

from __future__ import annotations

from reporting.formdef import Column, FormDefinition, LabelHeader, Relation, Unit
from reporting.forms.hospital_rows import hospital_rows

_TRAINING = "培训班"
_KICKBACK = "查处收受回扣案件"
_REDPACKET = "查处收受患者家属红包礼金或其他不正当利益等案件"
_C, _P, _Y = Unit.CASES, Unit.PERSONS, Unit.TEN_THOUSAND_YUAN

ZL3 = FormDefinition(
    code="zl3",
    title="2021年深入整治医疗领域腐败和作风问题工作情况统计表（三）",
    source="鹿卫医〔2021〕22号 附件3",
    label_headers=(LabelHeader("项目", 3),),
    columns=(
        Column("warnings", ("警示教育活动（次）",), Unit.TIMES, "1", prefill="registers.warning"),
        Column(
            "courses", (_TRAINING, "（次）"), Unit.TIMES, "2", prefill="registers.study.training"
        ),
        Column(
            "trainees", (_TRAINING, "（人）"), _P, "3", prefill="registers.study.training.persons"
        ),
        Column("cases_written", ("编制警示教育案例（个）",), Unit.ITEMS, "4"),
        Column("clues", ("核查线索（条）",), Unit.CLUES, "5", prefill="ledger.clues_verified"),
        Column("confessed", ("主动交待问题（人）",), _P, "6"),
        # The seed prints "约谈供应商(家、次）" with a half-width opening bracket.
        Column(
            "suppliers",
            ("约谈供应商（家、次）",),
            Unit.INSTITUTION_VISITS,
            "7",
            prefill="registers.talk.supplier",
        ),
        Column("kb_cases", (_KICKBACK, "（起）"), _C, "8", prefill="ledger.kickback.cases"),
        Column("kb_persons", (_KICKBACK, "（人）"), _P, "9", prefill="ledger.kickback.persons"),
        Column(
            "kb_amount", (_KICKBACK, "涉案金额（万元）"), _Y, "10", prefill="ledger.kickback.amount"
        ),
        Column("rp_cases", (_REDPACKET, "（起）"), _C, "11", prefill="ledger.redpacket.cases"),
        Column("rp_persons", (_REDPACKET, "（人）"), _P, "12", prefill="ledger.redpacket.persons"),
        Column(
            "rp_amount",
            (_REDPACKET, "涉案金额（万元）"),
            _Y,
            "13",
            prefill="ledger.redpacket.amount",
        ),
        Column("remarks", ("备注",), Unit.TEXT, "14", cumulative=False),
    ),
    rows=hospital_rows("医疗机构"),
    relations=(
        # Every case investigated has at least one person who took the kickback/red packet.
        Relation("查处收受回扣案件的人数不能少于起数", "kb_cases", "kb_persons"),
        Relation("查处收受红包礼金等案件的人数不能少于起数", "rp_cases", "rp_persons"),
    ),
    cumulative=True,
    notes=("注：本表报2021年1月-12月专项整治工作期间的累计数据。",),
    class_axis="row",
    class_scheme="hospital_grade",
    seed_year=2021,
)
