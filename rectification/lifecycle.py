"""The rectification lifecycle as one table: 整改中 → 待验收 → 已验收销号, or back.

The responsible unit reports the item rectified with its evidence (seed ``001_…``: report
"整改情况"); the issuing office verifies it and writes it off (验收/销号) or sends it back
with a reason, and the deadline runs again. A leader of the issuing body may move the
deadline, with a reason. Which body may fire which step (the issuer verifies, the
responsible unit reports) is checked in ``rectification.service``; the table holds roles.
"""

from __future__ import annotations

from directory.permissions import Capability, roles_with
from directory.roles import Role
from rectification.models import STATE_LABELS, RectificationItem, RectificationState
from workflow.lifecycle import (
    ClockOp,
    FieldKind,
    FieldSpec,
    Lifecycle,
    Notify,
    Transition,
)
from workflow.timelimits import TimeLimitRule, Unit

S = RectificationState
REPORTERS = frozenset(str(r) for r in roles_with(Capability.RECTIFY_REPORT))
VERIFIERS = frozenset(str(r) for r in roles_with(Capability.RECTIFY_MANAGE))

CLOCK = "rectify"
RULES = {
    CLOCK: TimeLimitRule(CLOCK, "整改期限", Unit.FIXED, 0, "整改通知规定的期限"),
}

# Who is told (notifications.router reads these): the issuing office when an item is
# reported rectified, the responsible person (or unit) when it is verified or sent back.
REPORTED = Notify("rectification.reported", "verifiers", "已报告整改完成，待验收")
VERIFIED = Notify("rectification.verified", "responsible", "已验收销号")
SENT_BACK = Notify("rectification.sent_back", "responsible", "验收未通过，已退回继续整改")
EXTENDED = Notify("rectification.extended", "responsible", "整改期限已调整")

TRANSITIONS = (
    Transition(
        "report_done",
        (S.OPEN,),
        S.REPORTED,
        "报告整改完成",
        REPORTERS,
        fields=(
            FieldSpec("evidence", "整改完成情况及佐证材料", FieldKind.TEXTAREA, max_len=4000),
            FieldSpec("completed_on", "完成日期", FieldKind.DATE),
        ),
        clocks=(ClockOp("stop", CLOCK),),
        notify=REPORTED,
        style="primary",
    ),
    Transition(
        "verify",
        (S.REPORTED,),
        S.VERIFIED,
        "验收通过并销号",
        VERIFIERS,
        fields=(FieldSpec("reason", "验收意见", FieldKind.TEXTAREA, required=False, max_len=2000),),
        notify=VERIFIED,
        confirm="验收通过后该事项销号，不能再修改。确定验收？",
        style="primary",
    ),
    Transition(
        "send_back",
        (S.REPORTED,),
        S.OPEN,
        "验收不通过，退回整改",
        VERIFIERS,
        fields=(FieldSpec("reason", "退回理由", FieldKind.TEXTAREA, max_len=2000),),
        clocks=(ClockOp("start", CLOCK),),
        notify=SENT_BACK,
        style="danger",
    ),
    Transition(
        "extend",
        (S.OPEN,),
        "=",
        "调整整改期限",
        frozenset({str(Role.LEADER)}),
        fields=(
            FieldSpec("new_deadline", "新的整改期限", FieldKind.DATE, not_past=True),
            FieldSpec("reason", "调整理由", FieldKind.TEXTAREA, max_len=2000),
        ),
        approval=True,
        notify=EXTENDED,
    ),
)

# Triggers only the issuing body fires; the others belong to the responsible unit.
ISSUER_TRIGGERS = frozenset({"verify", "send_back", "extend"})

RECTIFICATION_LIFECYCLE = Lifecycle(
    name="rectification",
    states=RectificationState,
    labels=STATE_LABELS,
    initial=S.OPEN,
    transitions=TRANSITIONS,
    time_limits=RULES,
    terminal=frozenset({S.VERIFIED}),
)


def fixed_due(item: RectificationItem, clock: str) -> object:
    """The item's own deadline is the clock's fixed due date."""
    return item.deadline if clock == CLOCK else None
