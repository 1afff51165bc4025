"""Free-text reports: 季度工作进展, 年度工作总结和下一年度工作计划, 专项行动总结.

Seed ``002_…`` (桂卫医发〔2021〕28号): quarterly progress within the first 3 working
days after each quarter, the annual summary and next year's plan within the first 5
working days of the new year. Seeds ``001_…`` and ``004_…``: a written campaign summary
(专项行动/专项整治工作总结) by a campaign's own deadline. Attachments (盖章PDF …) allowed.
"""

from __future__ import annotations

from reporting.formdef import FormDefinition, FormKind, TextSection

QUARTERLY_PROGRESS = FormDefinition(
    code="quarterly_progress",
    title="季度工作进展",
    source="桂卫医发〔2021〕28号",
    kind=FormKind.TEXT,
    sections=(
        TextSection("progress", "本季度工作进展"),
        TextSection("problems", "存在的问题", required=False),
        TextSection("next_steps", "下一步工作打算", required=False),
    ),
    attachments_allowed=True,
)

ANNUAL_SUMMARY = FormDefinition(
    code="annual_summary",
    title="年度工作总结和下一年度工作计划",
    source="桂卫医发〔2021〕28号",
    kind=FormKind.TEXT,
    sections=(
        TextSection("summary", "年度工作总结"),
        TextSection("plan", "下一年度工作计划"),
    ),
    attachments_allowed=True,
)

CAMPAIGN_SUMMARY = FormDefinition(
    code="campaign_summary",
    title="专项行动工作总结",
    source="陕卫办医发〔2020〕36号；鹿卫医〔2021〕22号",
    kind=FormKind.TEXT,
    sections=(TextSection("summary", "专项行动工作总结"),),
    attachments_allowed=True,
)
