"""卫生健康系统开展群众身边腐败和作风问题治理情况统计表（一）.

Seed ``004_…`` (鹿卫医〔2021〕22号), 附件1: filled monthly by institutions and
offices, 逐月累计, "上级统计数应包含下级统计数据". Rows are 合计 plus one row per
reporting unit (``with_rows``); the registered form has the reporting unit's own row.
"""

from __future__ import annotations

from reporting.formdef import Column, FormDefinition, LabelHeader, Relation, Row, Unit

_SELF = "自查自纠（个）"
_FIRST = "第一种形态运用（人）"
_ADVICE = "检查、监察建议（份）"
_CASES = "以案促改"

ZL1 = FormDefinition(
    code="zl1",
    title="卫生健康系统开展群众身边腐败和作风问题治理情况统计表（一）",
    source="鹿卫医〔2021〕22号 附件1",
    label_headers=(LabelHeader("序号"), LabelHeader("单位")),
    columns=(
        # The rectification ledger (rectification.stats) knows both.
        Column("found", (_SELF, "发现问题"), Unit.ITEMS, "（1）", prefill="rectification.found"),
        Column(
            "rectified",
            (_SELF, "完成整改问题"),
            Unit.ITEMS,
            "（2）",
            prefill="rectification.rectified",
        ),
        Column(
            "admonished",
            (_FIRST, "诫勉谈话"),
            Unit.PERSONS,
            "（3）",
            prefill="ledger.sanctions.admonishment",
        ),
        Column(
            "criticised",
            (_FIRST, "通报批评"),
            Unit.PERSONS,
            "（4）",
            prefill="ledger.sanctions.circulated_criticism",
        ),
        Column("first_other", (_FIRST, "其他"), Unit.PERSONS, "（5）"),
        Column(
            "advice_received",
            (_ADVICE, "收到检查监察建议书"),
            Unit.COPIES,
            "（6）",
            prefill="registers.advice",
        ),
        Column(
            "advice_done",
            (_ADVICE, "执行完成回复数"),
            Unit.COPIES,
            "（7）",
            prefill="registers.advice_done",
        ),
        Column("meetings", (_CASES, "召开民主（组织）生活会（次）"), Unit.TIMES, "（8）"),
        Column(
            "warnings",
            (_CASES, "开展警示教育活动（次）"),
            Unit.TIMES,
            "（9）",
            prefill="registers.warning",
        ),
        Column("rules", (_CASES, "建立完善制度（个）"), Unit.ITEMS, "（10）"),
        Column("solved", ("解决群众实际问题（个）",), Unit.ITEMS, "（11）"),
    ),
    rows=(
        Row("total", ("1", "合计"), sum_of=("self",)),
        Row("self", ("2", "本单位"), title="本单位"),
    ),
    relations=(
        # A problem can only be rectified once it has been found.
        Relation("完成整改问题数不能大于发现问题数", "rectified", "found"),
        # Replies answer advice letters received.
        Relation("执行完成回复数不能大于收到检查监察建议书数", "advice_done", "advice_received"),
    ),
    cumulative=True,
    open_rows=True,
    notes=(
        "填报说明：",
        "1.“自查自纠”包括本单位自己发现的问题和上级部门检查发现的问题。",
        "2.“第一种形态运用”指职能部门党委（党组）、机关纪委落实全面从严治党责任在干部队伍中"
        "常态化开展“咬耳扯袖、红脸出汗”式批评教育帮助活动；第一种形态包括：提醒谈话、警示谈话、"
        "批评教育、纠正或责令停止违纪行为、责成退出违纪所得、限期整改、责令作出口头或书面检查、"
        "召开民主生活会批评帮助、责令公开道歉（检讨）、通报（通报批评）、诫勉（诫勉谈话）、"
        "其他批评教育类措施。",
        "3.“通报批评”只统计本级印发的通报，不包括上级转发的通报文件。",
        "4.“警示教育活动”统计本单位和下属二次机构利用有关反面教材对干部开展具有警示教育意义的"
        "相关活动，包括警示教育大会、案例通报学习、参观廉政教育基地、组织旁听审判活动等。",
        "5.本表由相关职能部门填写，逐月累计，数据统计至县级，上级统计数应包含下级统计数据。",
    ),
)
