"""The clue's states (stored by value) and their zh-CN labels."""

from __future__ import annotations

from enum import StrEnum


class ClueState(StrEnum):
    RECEIVED = "received"
    REGISTERED = "registered"
    NOT_ACCEPTED = "not_accepted"
    FORWARDED = "forwarded"
    MERGED = "merged"
    TRIAGE = "triage"
    PENDING_APPROVAL = "pending_approval"
    TALK_INQUIRY = "talk_inquiry"
    VERIFYING = "verifying"
    SHELVED = "shelved"
    CONCLUDED = "concluded"
    TRANSFERRED = "transferred"
    FINDINGS = "findings"
    DISPOSING = "disposing"
    REFERRED = "referred"
    RESULT_REVIEW = "result_review"
    FEEDBACK = "feedback"
    PENDING_WRITE_OFF = "pending_write_off"
    WRITTEN_OFF = "written_off"


STATE_LABELS: dict[str, str] = {
    ClueState.RECEIVED: "待受理",
    ClueState.REGISTERED: "已受理",
    ClueState.NOT_ACCEPTED: "不予受理",
    ClueState.FORWARDED: "已转办",
    ClueState.MERGED: "重复件（已合并）",
    ClueState.TRIAGE: "拟办",
    ClueState.PENDING_APPROVAL: "处置方式待审批",
    ClueState.TALK_INQUIRY: "谈话函询",
    ClueState.VERIFYING: "初步核实",
    ClueState.SHELVED: "暂存待查",
    ClueState.CONCLUDED: "予以了结",
    ClueState.TRANSFERRED: "按规定移交",
    ClueState.FINDINGS: "已出核查结论",
    ClueState.DISPOSING: "处理处置",
    ClueState.REFERRED: "已移送司法机关",
    ClueState.RESULT_REVIEW: "办理结果待审核",
    ClueState.FEEDBACK: "待反馈",
    ClueState.PENDING_WRITE_OFF: "销号待审批",
    ClueState.WRITTEN_OFF: "已销号",
}

# States in which the clue is no longer being worked on.
CLOSED_STATES = frozenset(
    {ClueState.NOT_ACCEPTED, ClueState.FORWARDED, ClueState.MERGED, ClueState.WRITTEN_OFF}
)


class Route(StrEnum):
    """The five disposal routes (处置方式)."""

    TALK = "talk_inquiry"
    VERIFY = "verifying"
    SHELVE = "shelved"
    CONCLUDE = "concluded"
    TRANSFER = "transferred"


ROUTE_LABELS: dict[str, str] = {
    Route.TALK: "谈话函询",
    Route.VERIFY: "初步核实",
    Route.SHELVE: "暂存待查",
    Route.CONCLUDE: "予以了结",
    Route.TRANSFER: "按规定移交",
}

FINDINGS_LABELS = {"substantiated": "查实", "partly": "部分查实", "unfounded": "查否"}
INQUIRY_OUTCOMES = {"cleared": "了结澄清", "reminder": "谈话提醒", "education": "批评教育"}
TRANSFER_TARGETS = {
    "discipline": "纪检监察机关",
    "police": "公安机关",
    "market": "市场监管部门",
    "insurance": "医保部门",
    "tax": "税务部门",
}
