"""The clue lifecycle as one table (DESIGN.md, "The clue lifecycle").

Read by the ``transitions`` machine, by ``fire``'s permission checks, by the
clue page's buttons and by ``qingfeng workflow diagram clue``.
"""

from __future__ import annotations

from cases.guards import GUARDS, PREDICATES
from cases.lifecycle_parts import (
    APPROVAL_REQUESTED,
    ASSIGNED,
    DUTY_TRANSITIONS,
    NOTICE_METHODS,
    REFERRED,
    REGISTERED,
    RESULT_SUBMITTED,
    RETURNED,
    ROUTE_APPROVED,
)
from cases.route_deadline import due_field, start_with_due
from cases.states import (
    CLOSED_STATES,
    FINDINGS_LABELS,
    INQUIRY_OUTCOMES,
    ROUTE_LABELS,
    STATE_LABELS,
    TRANSFER_TARGETS,
    ClueState,
    Route,
)
from cases.timelimits import RULES
from directory.roles import Role
from workflow.lifecycle import (
    ClockOp,
    FieldKind,
    FieldSpec,
    Lifecycle,
    Transition,
)

S = ClueState
CLERK, HANDLER, LEADER, INSPECTOR = Role.CLERK, Role.HANDLER, Role.LEADER, Role.INSPECTOR
OPEN_STATES = tuple(s.value for s in ClueState if s not in CLOSED_STATES)
def roles(*rs: Role) -> frozenset[str]:
    return frozenset(r.value for r in rs)


def reason(label: str = "理由", required: bool = True) -> FieldSpec:
    return FieldSpec("reason", label, FieldKind.TEXTAREA, required=required)


def choice(name: str, label: str, labels: dict[str, str]) -> FieldSpec:
    return FieldSpec(name, label, FieldKind.CHOICE, choices=tuple(labels.items()))


STOP_INTAKE_CLOCKS = (
    ClockOp("stop", "forward_accept"),
    ClockOp("stop", "petition_accept"),
)


def approve(route: Route, *, clocks: tuple[ClockOp, ...] = (), fields=()) -> Transition:
    return Transition(
        f"approve_{route.value}",
        (S.PENDING_APPROVAL,),
        route.value,
        f"批准：{ROUTE_LABELS[route]}",
        roles(LEADER),
        fields=(*fields, reason("审批意见", required=False)),
        guards=(f"route_is_{route.value}",),
        approval=True,
        clocks=clocks,
        notify=ROUTE_APPROVED,
        style="primary",
    )


TRANSITIONS: tuple[Transition, ...] = (
    # Intake decision (受理).
    Transition(
        "register",
        (S.RECEIVED,),
        S.REGISTERED,
        "受理登记",
        roles(CLERK, LEADER),
        fields=(reason("受理意见", required=False),),
        clocks=(*STOP_INTAKE_CLOCKS, ClockOp("start", "petition_conclusion", when="is_petition")),
        notify=REGISTERED,
        style="primary",
    ),
    Transition(
        "not_accept",
        (S.RECEIVED,),
        S.NOT_ACCEPTED,
        "不予受理",
        roles(CLERK, LEADER),
        fields=(reason("不予受理理由"),),
        clocks=STOP_INTAKE_CLOCKS,
        confirm="确定不予受理？实名举报人须另行告知。",
        style="danger",
    ),
    Transition(
        "forward",
        (S.RECEIVED,),
        S.FORWARDED,
        "转办",
        roles(CLERK, LEADER),
        fields=(FieldSpec("target_unit_id", "转往单位", FieldKind.UNIT), reason("转办说明")),
        clocks=STOP_INTAKE_CLOCKS,
    ),
    Transition(
        "merge",
        (S.RECEIVED,),
        S.MERGED,
        "作为重复件合并",
        roles(CLERK, HANDLER),
        fields=(
            FieldSpec("target_clue_id", "合并到线索", FieldKind.SUBJECT),
            reason("说明", required=False),
        ),
        clocks=STOP_INTAKE_CLOCKS,
    ),
    Transition(
        "notify_acceptance",
        OPEN_STATES,
        "=",
        "登记已告知受理情况",
        roles(CLERK, HANDLER),
        fields=(
            choice("method", "告知方式", dict(NOTICE_METHODS)),
            FieldSpec("notified_at", "告知时间", FieldKind.DATETIME, required=False,
                      hint="电话告知的填写通话时间；不填即为登记时间。"),
            reason("告知内容摘要", required=False),
        ),
        guards=("acceptance_notice_open",),
        clocks=(ClockOp("stop", "accept_notice", at_field="notified_at"),),
    ),
    # Triage and approval of the disposal route (拟办意见).
    Transition(
        "assign",
        (S.REGISTERED,),
        S.TRIAGE,
        "指定承办人",
        roles(CLERK, LEADER),
        fields=(FieldSpec("handler_id", "承办人", FieldKind.USER),),
        notify=ASSIGNED,
        style="primary",
    ),
    Transition(
        "propose",
        (S.TRIAGE,),
        S.PENDING_APPROVAL,
        "提出拟办意见",
        roles(HANDLER, LEADER),
        fields=(choice("route", "处置方式", ROUTE_LABELS), reason("拟办意见")),
        notify=APPROVAL_REQUESTED,
        style="primary",
    ),
    # Each route that takes time starts its own deadline (办理期限), dated by the leader.
    approve(
        Route.TALK,
        clocks=(ClockOp("start", "inquiry_reply"), start_with_due("route_talk")),
        fields=(due_field(),),
    ),
    approve(Route.VERIFY, clocks=(start_with_due("route_verify"),), fields=(due_field(),)),
    approve(
        Route.SHELVE,
        clocks=(ClockOp("pause", "petition_conclusion"), start_with_due("shelved_review")),
        fields=(due_field(),),
    ),
    approve(Route.CONCLUDE),
    approve(
        Route.TRANSFER,
        clocks=(start_with_due("route_transfer"),),
        fields=(choice("target", "移交机关", TRANSFER_TARGETS), due_field()),
    ),
    Transition(
        "return_route",
        (S.PENDING_APPROVAL,),
        S.TRIAGE,
        "退回拟办",
        roles(LEADER),
        fields=(reason("退回理由"),),
        approval=True,
        notify=RETURNED,
    ),
    # 谈话函询.
    Transition(
        "inquiry_conclude",
        (S.TALK_INQUIRY,),
        S.CONCLUDED,
        "函询了结",
        roles(HANDLER),
        fields=(choice("outcome", "处理结果", INQUIRY_OUTCOMES), reason("说明")),
        clocks=(ClockOp("stop", "inquiry_reply"), ClockOp("stop", "route_talk")),
    ),
    Transition(
        "inquiry_repeat",
        (S.TALK_INQUIRY,),
        "=",
        "再次函询",
        roles(HANDLER),
        fields=(reason("再次函询理由"),),
        clocks=(ClockOp("start", "inquiry_reply"),),
    ),
    Transition(
        "inquiry_to_verify",
        (S.TALK_INQUIRY,),
        S.VERIFYING,
        "转初步核实",
        roles(HANDLER, LEADER),
        fields=(reason("理由"),),
        clocks=(
            ClockOp("stop", "inquiry_reply"),
            ClockOp("stop", "route_talk"),
            ClockOp("start", "route_verify"),
        ),
    ),
    # 初步核实 and its findings.
    Transition(
        "record_findings",
        (S.VERIFYING,),
        S.FINDINGS,
        "形成核查结论",
        roles(HANDLER),
        fields=(choice("findings", "核查结论", FINDINGS_LABELS), reason("核查情况及结论")),
        clocks=(ClockOp("stop", "route_verify"),),
        style="primary",
    ),
    Transition(
        "dispose",
        (S.FINDINGS,),
        S.DISPOSING,
        "进入处理处置",
        roles(HANDLER),
        fields=(reason("处理意见"),),
        guards=("findings_not_unfounded",),
    ),
    Transition(
        "refer",
        (S.FINDINGS,),
        S.REFERRED,
        "移送司法机关",
        roles(HANDLER, LEADER),
        fields=(FieldSpec("organ", "接收机关"), reason("移送理由")),
        guards=("findings_not_unfounded",),
        notify=REFERRED,
    ),
    Transition(
        "conclude_findings",
        (S.FINDINGS,),
        S.CONCLUDED,
        "予以了结",
        roles(HANDLER),
        fields=(reason("了结理由"),),
    ),
    # Shelved clues come back to triage on review.
    Transition(
        "review_shelved",
        (S.SHELVED,),
        S.TRIAGE,
        "排查后重新拟办",
        roles(HANDLER, LEADER),
        fields=(reason("排查情况"),),
        clocks=(ClockOp("stop", "shelved_review"), ClockOp("resume", "petition_conclusion")),
    ),
    Transition(
        "keep_shelved",
        (S.SHELVED,),
        "=",
        "排查后继续暂存",
        roles(HANDLER, LEADER),
        fields=(reason("排查情况"),),
        clocks=(ClockOp("start", "shelved_review"),),
    ),
    # Result, review, feedback and close-out (销号).
    Transition(
        "submit_result",
        (S.CONCLUDED, S.TRANSFERRED, S.DISPOSING, S.REFERRED),
        S.RESULT_REVIEW,
        "报送办理结果",
        roles(HANDLER),
        fields=(reason("办理结果"),),
        clocks=(
            ClockOp("stop", "petition_conclusion"),
            ClockOp("stop", "superior"),
            ClockOp("stop", "route_transfer"),
        ),
        notify=RESULT_SUBMITTED,
        style="primary",
    ),
    Transition(
        "approve_result",
        (S.RESULT_REVIEW,),
        S.FEEDBACK,
        "审核通过办理结果",
        roles(LEADER),
        fields=(reason("审核意见", required=False),),
        approval=True,
        clocks=(ClockOp("start", "result_feedback", when="reporter_named"),),
        style="primary",
    ),
    Transition(
        "return_result",
        (S.RESULT_REVIEW,),
        S.VERIFYING,
        "退回补充核实",
        roles(LEADER),
        fields=(due_field(), reason("退回理由")),
        approval=True,
        clocks=(start_with_due("route_verify"),),  # the supplementary check has its own
        notify=RETURNED,
    ),
    Transition(
        "give_feedback",
        (S.FEEDBACK,),
        "=",
        "登记已反馈举报人",
        roles(HANDLER, CLERK),
        fields=(
            choice("method", "反馈方式", dict(NOTICE_METHODS)),
            FieldSpec("public_reply", "对外反馈内容", FieldKind.TEXTAREA),
        ),
        guards=("feedback_open",),
        clocks=(ClockOp("stop", "result_feedback"),),
    ),
    Transition(
        "request_write_off",
        (S.FEEDBACK,),
        S.PENDING_WRITE_OFF,
        "申请销号",
        roles(HANDLER),
        fields=(reason("说明", required=False),),
        guards=("feedback_done", "report_back_done", "file_complete"),
        notify=APPROVAL_REQUESTED,
        style="primary",
    ),
    Transition(
        "approve_write_off",
        (S.PENDING_WRITE_OFF,),
        S.WRITTEN_OFF,
        "批准销号",
        roles(LEADER),
        fields=(reason("审批意见", required=False),),
        guards=("file_complete",),
        approval=True,
        confirm="销号后线索办结归档，确定批准？",
        style="primary",
    ),
    Transition(
        "reject_write_off",
        (S.PENDING_WRITE_OFF,),
        S.FEEDBACK,
        "退回销号申请",
        roles(LEADER),
        fields=(reason("退回理由"),),
        approval=True,
    ),
    Transition(
        "look_back",
        (S.WRITTEN_OFF,),
        "=",
        "回头看",
        roles(LEADER, INSPECTOR),
        fields=(reason("回头看情况"),),
    ),
    Transition(
        "reopen",
        (S.WRITTEN_OFF,),
        S.TRIAGE,
        "重新启动办理",
        roles(LEADER),
        fields=(reason("重新启动理由"),),
        approval=True,
        confirm="重新启动后线索回到拟办环节，确定？",
        style="danger",
    ),
    # An approved extension of a time limit that allows one (logged as a step).
    Transition(
        "extend",
        OPEN_STATES,
        "=",
        "批准延期",
        roles(LEADER),
        fields=(
            FieldSpec(
                "clock",
                "延期事项",
                FieldKind.CHOICE,
                choices=tuple((r.name, r.label) for r in RULES.values() if r.max_extension),
            ),
            FieldSpec("days", "延长天数", FieldKind.INTEGER),
            reason("延期理由"),
        ),
        guards=("extension_possible",),
        approval=True,
    ),
    *DUTY_TRANSITIONS,
)


CLUE_LIFECYCLE = Lifecycle(
    name="clue",
    states=ClueState,
    labels=STATE_LABELS,
    initial=S.RECEIVED,
    transitions=TRANSITIONS,
    guards=GUARDS,
    predicates=PREDICATES,
    time_limits=RULES,
    terminal=frozenset({S.NOT_ACCEPTED, S.FORWARDED, S.MERGED}),
)
