"""The clue's time limits, each with the rule it comes from. Amounts are the defaults.

Overrides: ``QINGFENG_TIME_LIMITS="accept_notice=15,shelved_review=90"`` (see ``configure``).
"""

from __future__ import annotations

from dataclasses import replace

from workflow.timelimits import TimeLimitRule, Unit

DEFAULT_RULES: tuple[TimeLimitRule, ...] = (
    TimeLimitRule(
        "accept_notice",
        "告知实名举报人受理情况",
        Unit.WORKING_DAYS,
        15,
        "《纪检监察机关处理检举控告工作规则》（2020）：收到实名检举控告之日起15个工作日内告知受理情况",
    ),
    TimeLimitRule(
        "forward_accept",
        "下转线索受理或转办",
        Unit.WORKING_DAYS,
        5,
        "上级转办的检举控告应在5个工作日内受理或按规定转交",
    ),
    TimeLimitRule(
        "petition_accept",
        "信访事项受理告知",
        Unit.DAYS,
        15,
        "《信访工作条例》（2022）：收到信访事项之日起15日内告知是否受理",
    ),
    TimeLimitRule(
        "petition_conclusion",
        "信访事项办结",
        Unit.DAYS,
        60,
        "《信访工作条例》（2022）：自受理之日起60日内办结；经批准可延长不超过30日",
        max_extension=30,
        max_extensions=1,
    ),
    # The approved disposal route's own deadline (办理期限): the leader sets the date on
    # approval; these amounts give the default the form offers. No central rule fixes
    # them, so they are this office's own (本办规定) and meant to be overridden.
    TimeLimitRule(
        "route_verify",
        "初步核实办理期限",
        Unit.DAYS,
        30,
        "本办规定：初步核实自批准之日起30日内完成，审批时可另定期限；经批准可延长一次，不超过30日",
        max_extension=30,
        max_extensions=1,
    ),
    TimeLimitRule(
        "route_talk",
        "谈话函询办理期限",
        Unit.DAYS,
        30,
        "本办规定：谈话函询自批准之日起30日内办结（其中被函询人书面说明时限为15个工作日，"
        "见《中国共产党纪律检查机关监督执纪工作规则》）；经批准可延长一次，不超过15日",
        max_extension=15,
        max_extensions=1,
    ),
    TimeLimitRule(
        "route_transfer",
        "移交办理期限",
        Unit.DAYS,
        15,
        "本办规定：批准按规定移交之日起15日内办结移交手续；经批准可延长一次，不超过15日",
        max_extension=15,
        max_extensions=1,
    ),
    TimeLimitRule(
        "inquiry_reply",
        "函询回复",
        Unit.WORKING_DAYS,
        15,
        "《中国共产党纪律检查机关监督执纪工作规则》：被函询人应在收到函件后15个工作日内书面说明",
    ),
    TimeLimitRule("superior", "上级交办期限", Unit.FIXED, 0, "以上级交办文件规定的期限为准"),
    TimeLimitRule(
        "report_back",
        "向移交单位报告结果",
        Unit.FIXED,
        0,
        "以部门移交、巡视巡察移交（或上级交办）文件要求报告结果的期限为准（见 004 号通知）",
    ),
    TimeLimitRule(
        "shelved_review",
        "暂存待查线索定期排查",
        Unit.DAYS,
        90,
        "《中国共产党纪律检查机关监督执纪工作规则》：暂存待查线索定期集中排查（本单位按季度）",
    ),
    TimeLimitRule(
        "result_feedback",
        "向实名举报人反馈办理结果",
        Unit.WORKING_DAYS,
        15,
        "《纪检监察机关处理检举控告工作规则》（2020）：办理结束之日起15个工作日内反馈结果",
    ),
    # Kept on each referral row (not in the clue's clocks): a clue may have several.
    TimeLimitRule(
        "referral_receipt",
        "移送回执",
        Unit.WORKING_DAYS,
        10,
        "本办催办规定：移送后10个工作日内取得接收机关回执（参照《行政执法机关移送涉嫌犯罪"
        "案件的规定》第八条：公安机关应当在移送书回执上签字，并自接受之日起3日内决定是否立案）",
    ),
)


# A referral's outcome, once the organ has receipted it: kept on the referral row too.
DEFAULT_RULES += (
    TimeLimitRule(
        "referral_outcome",
        "移送处理结果",
        Unit.DAYS,
        30,
        "本办催办规定：接收机关签收后30日内了解并登记处理结果（可按本地规定调整）",
    ),
)


def configure(overrides: str = "") -> dict[str, TimeLimitRule]:
    """The rules by name, with amounts overridden from ``name=amount`` pairs."""
    rules = {r.name: r for r in DEFAULT_RULES}
    for pair in filter(None, (p.strip() for p in overrides.split(","))):
        name, _, amount = pair.partition("=")
        if name not in rules or not amount.isdigit():
            raise ValueError(f"QINGFENG_TIME_LIMITS: cannot read {pair!r}")
        rules[name] = replace(rules[name], amount=int(amount))
    return rules


# The rules in force, by name; the lifecycle reads this same dict.
RULES = configure()


def apply_overrides(overrides: str) -> None:
    """Apply ``QINGFENG_TIME_LIMITS`` at start-up (the app factory and the scheduler)."""
    RULES.update(configure(overrides))
