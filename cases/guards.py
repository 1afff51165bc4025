"""Named guards and predicates of the clue lifecycle (referenced by name in the table).

A guard returns None when a step may go ahead, or the reason (zh-CN) why not.
"""

from __future__ import annotations

from typing import Any

from cases.closeout import file_complete
from cases.route_deadline import extensible
from cases.states import ROUTE_LABELS, Route


def _route_guard(route: Route):
    def guard(clue: Any) -> str | None:
        if clue.proposed_route != route.value:
            return f"拟办意见不是“{ROUTE_LABELS[route]}”。"
        return None

    return guard


def _open_clock(name: str, message: str):
    def guard(clue: Any) -> str | None:
        clock = (clue.clocks or {}).get(name)
        return None if clock and not clock.get("met_on") else message

    return guard


def _feedback_done(clue: Any) -> str | None:
    if not clue.reporter_named:
        return None
    clock = (clue.clocks or {}).get("result_feedback")
    if clock and clock.get("met_on"):
        return None
    return "尚未向实名举报人反馈办理结果，不能申请销号。"


def _extension_possible(clue: Any) -> str | None:
    if extensible(clue.clocks or {}):
        return None
    return "没有可以延期的期限（或已延期过）。"


def _report_back_open(clue: Any) -> str | None:
    if not clue.report_requested:
        return "移交单位未要求报告办理结果。"
    return "已向移交单位报告办理结果。" if clue.reported_back_on else None


def _report_back_done(clue: Any) -> str | None:
    if clue.report_requested and not clue.reported_back_on:
        return "移交单位要求报告办理结果，尚未报告，不能申请销号。"
    return None


GUARDS = {
    **{f"route_is_{r.value}": _route_guard(r) for r in Route},
    "acceptance_notice_open": _open_clock("accept_notice", "无需告知受理情况，或已告知。"),
    "feedback_open": _open_clock("result_feedback", "无需反馈，或已反馈。"),
    "feedback_done": _feedback_done,
    "findings_not_unfounded": lambda clue: (
        "核查结论为查否，不能进入处理或移送。" if clue.findings == "unfounded" else None
    ),
    "extension_possible": _extension_possible,
    "file_complete": file_complete,
    "not_major": lambda clue: "该线索已标记为重大线索。" if clue.major else None,
    "report_back_open": _report_back_open,
    "report_back_done": _report_back_done,
}

PREDICATES = {
    "is_petition": lambda clue: bool(clue.petition),
    "reporter_named": lambda clue: bool(clue.reporter_named),
}
