"""广西卫生健康行业作风整治专项行动工作量化统计表一.

Seed ``000_…`` (2020年广西卫生健康行业作风整治专项行动), 附件3: per 市（处室）,
for a period of months, how many institutions of each class are in the jurisdiction
and how many were inspected. Rows are ``config.reference.STAT_ROWS``.
"""

from __future__ import annotations

from config.reference import STAT_CLASS_LABELS, STAT_ROWS
from reporting.formdef import Column, FormDefinition, LabelHeader, Relation, Row, Unit

LH1 = FormDefinition(
    code="lh1",
    title="广西卫生健康行业作风整治专项行动工作量化统计表一",
    title_lines=("广西卫生健康行业作风整治专项行动", "工作量化统计表一"),
    source="2020年广西卫生健康行业作风整治专项行动实施方案 附件3",
    subtitle="period",
    label_headers=(LabelHeader("机构类型", 2),),
    columns=(
        # The form prints no unit; both columns count institutions.
        Column(
            "total",
            ("辖区内总数",),
            Unit.INSTITUTIONS,
            cumulative=False,
            prefill="inspections.total_in_jurisdiction.{row}",
        ),
        Column(
            "inspected",
            ("检查数量",),
            Unit.INSTITUTIONS,
            cumulative=False,
            prefill="inspections.inspected.{row}",
        ),
    ),
    rows=tuple(
        Row(code, (STAT_CLASS_LABELS[cls], label), title=f"{STAT_CLASS_LABELS[cls]}—{label}")
        for code, cls, label in STAT_ROWS
    ),
    relations=(Relation("检查数量不能大于辖区内总数", "inspected", "total"),),
    footer=(),
    class_axis="row",
    class_scheme="stat_row",
)
