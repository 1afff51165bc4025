"""Parts of the clue lifecycle table (``cases.lifecycle``): who is told of which step, and
the logged acts that answer a duty beside the main line.

- 重大 (seed 001: "重大违法违纪问题及线索应同时向驻委纪检组报告"): the body's leader or
  handler flags a clue; its 驻委纪检组 is told (audience ``discipline_group``,
  ``notifications.clue_routes``) and may read it (``cases.major``).
- 报告办理结果 (seed 004: 部门协作、巡视巡察移交 … "要求报告结果"): a clue referred by a
  department or an inspection tour that asks for the result reports it back before the
  referrer's deadline (clock ``report_back``); close-out waits for it.
"""

from __future__ import annotations

from cases.states import ClueState
from directory.permissions import Capability, roles_with
from workflow.lifecycle import ClockOp, FieldKind, FieldSpec, Notify, Transition

NOTICE_METHODS = (
    ("phone", "电话"),
    ("sms", "短信"),
    ("letter", "书面"),
    ("in_person", "当面"),
    ("portal", "网上平台"),
)

# Who is told of which step (notifications.router reads these): the handler or the body's
# leaders, in their own words; the clue's followers (关注) in theirs.
REGISTERED = Notify("clue.registered", followers="已受理登记")
ASSIGNED = Notify("clue.assigned", "handler", template="clue_assigned", followers="已交办承办人")
APPROVAL_REQUESTED = Notify(
    "clue.approval_requested", "leaders", "待您审批", followers="已提请审批"
)
ROUTE_APPROVED = Notify(
    "clue.route_approved", "handler", "处置方式已获批准", followers="处置方式已获批准"
)
RETURNED = Notify("clue.returned", "handler", "已被退回", followers="已被退回")
RESULT_SUBMITTED = Notify(
    "clue.result_submitted", "leaders", "办理结果待审核", followers="办理结果已提交审核"
)
REFERRED = Notify("clue.referred", "leaders", "已移送司法机关", followers="已移送司法机关")
MAJOR = Notify(
    "clue.major",
    "discipline_group",
    "被标记为重大违法违纪问题线索，按规定同时报告驻委纪检组",
    followers="已标记为重大线索并报告驻委纪检组",
)

S = ClueState
_FLAGGED_FROM = tuple(
    s.value for s in ClueState if s not in (S.NOT_ACCEPTED, S.FORWARDED, S.MERGED, S.WRITTEN_OFF)
)

DUTY_TRANSITIONS = (
    Transition(
        "mark_major",
        _FLAGGED_FROM,
        "=",
        "标记为重大线索",
        frozenset(str(r) for r in roles_with(Capability.MAJOR_FLAG)),
        fields=(FieldSpec("reason", "重大情况说明", FieldKind.TEXTAREA, max_len=500),),
        guards=("not_major",),
        notify=MAJOR,
        confirm="标记为重大后将同时报告驻委纪检组，且不能撤销，确定？",
        style="danger",
    ),
    Transition(
        "report_back",
        (S.FEEDBACK, S.PENDING_WRITE_OFF),
        "=",
        "向移交单位报告办理结果",
        frozenset(str(r) for r in roles_with(Capability.CLUES_HANDLE)),
        fields=(
            FieldSpec("method", "报告方式", FieldKind.CHOICE, choices=NOTICE_METHODS),
            FieldSpec("reason", "报告内容摘要", FieldKind.TEXTAREA),
        ),
        guards=("report_back_open",),
        clocks=(ClockOp("stop", "report_back"),),
        style="primary",
    ),
)
