"""办理记录: a clue's lifecycle steps and record changes as one vertical list of entries,
each naming who (and in what role), when, the step in the office's words, and the reason.

The clue page, the printed 处置卡 and the submission page all read these entries, so the
same step never reads as ``approve_verifying`` on one page and 批准：初步核实 on another.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cases.handling_models import ClueEvent
from cases.lifecycle import CLUE_LIFECYCLE, NOTICE_METHODS
from cases.models import Clue
from cases.states import FINDINGS_LABELS, INQUIRY_OUTCOMES, ROUTE_LABELS, TRANSFER_TARGETS
from directory.models import User
from workflow.fields import FieldKind, FieldSpec
from workflow.lifecycle import Lifecycle

# Steps that are not lifecycle transitions: the first log row, and imports.
BASE_STEPS = {"create": "登记接收", "import": "历史台账导入"}

# Record changes (cases.audit.record_event kinds) in the office's words.
EVENT_LABELS = {
    "subject.add": "登记当事人",
    "subject.remove": "删除当事人",
    "facts.update": "认定违规事实",
    "verification.plan": "制定核查方案",
    "talk.add": "谈话",
    "inquiry.add": "发出函询",
    "inquiry.reply": "收到函询回复",
    "hand_down": "交办下级核查",
    "sanction.add": "作出处理处置",
    "sanction.executed": "处理处置执行完毕",
    "referral.add": "移送",
    "referral.receipt": "收到移送回执",
    "referral.outcome": "登记移送处理结果",
    "document.issued": "印发文书",
    "document.downloaded": "下载文书",
    "clue.dossier_exported": "导出案卷",
    "feedback.add": "向举报人反馈",
    "negative_list.add": "列入负面名单",
    "deadline.computed": "确定办理期限",
    "attachment.add": "上传附件",
    "evidence.purge": "清理到期材料",
}

_CHOICES: dict[str, tuple[str, Mapping[str, str]]] = {
    "route": ("处置方式", ROUTE_LABELS),
    "findings": ("核查结论", FINDINGS_LABELS),
    "outcome": ("处理结果", INQUIRY_OUTCOMES),
    "target": ("移交机关", TRANSFER_TARGETS),
    "method": ("告知方式", dict(NOTICE_METHODS)),
}
_DATES = {"due": "办理期限", "new_due": "延长至"}
# Moments typed at a step (告知时间) are shown by their own field declaration.
_MOMENTS: dict[str, FieldSpec] = {
    f.name: f
    for t in CLUE_LIFECYCLE.by_trigger.values()
    for f in t.fields
    if f.kind is FieldKind.DATETIME
}


@dataclass(frozen=True)
class Actor:
    name: str
    role: str


SYSTEM = Actor("系统", "自动")


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    actor: Actor
    step: str  # the step in official Chinese
    change: str  # "待审批 → 初步核实", or "" for a record change
    details: tuple[str, ...]  # the decision's fields: 处置方式：初步核实, 办理期限：…
    text: str  # the reason, opinion or content as written
    trigger: str  # the stored code, for tests and data attributes only
    is_step: bool


def actors(session: Session, ids: Iterable[int | None]) -> dict[int, Actor]:
    """Names and role labels of the given users, in one query."""
    wanted = {i for i in ids if i}
    if not wanted:
        return {}
    users = session.scalars(select(User).where(User.id.in_(wanted)))
    return {u.id: Actor(u.display_name, u.role_label) for u in users}


def step_label(lifecycle: Lifecycle, trigger: str) -> str:
    if trigger in lifecycle.by_trigger:
        return lifecycle.by_trigger[trigger].label
    return BASE_STEPS.get(trigger) or EVENT_LABELS.get(trigger) or "办理记录"


def details(payload: Mapping[str, Any] | None, names: Mapping[int, Actor]) -> tuple[str, ...]:
    """The decision's fields in words (never a code): route, findings, handler, dates."""
    out: list[str] = []
    for key, value in (payload or {}).items():
        if key in _CHOICES and value:
            label, choices = _CHOICES[key]
            out.append(f"{label}：{choices.get(str(value), str(value))}")
        elif key in _DATES and value:
            out.append(f"{_DATES[key]}：{_date_text(value)}")
        elif key in _MOMENTS and value:
            out.append(f"{_MOMENTS[key].label}：{_MOMENTS[key].shown(value)}")
        elif key == "handler_id" and value in names:
            out.append(f"承办人：{names[value].name}")
    return tuple(out)


def _date_text(value: Any) -> str:
    try:
        day = value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
    except ValueError:
        return str(value)
    return f"{day.year}年{day.month}月{day.day}日"


def clue_timeline(session: Session, actor: User, clue: Clue) -> list[TimelineEntry]:
    """The clue's 办理记录, oldest first (``timeline`` checks the jurisdiction)."""
    from cases.service import timeline

    logs = timeline(session, actor, clue)
    events = list(
        session.scalars(
            select(ClueEvent).where(ClueEvent.clue_id == clue.id).order_by(ClueEvent.id)
        )
    )
    handlers = [(log.payload or {}).get("handler_id") for log in logs]
    names = actors(session, [*(x.actor_id for x in logs), *(e.actor_id for e in events), *handlers])
    lc = CLUE_LIFECYCLE
    out = [
        TimelineEntry(
            at=log.at,
            actor=names.get(log.actor_id or 0, SYSTEM),
            step=step_label(lc, log.trigger),
            change=change_text(lc, log.from_state, log.to_state),
            details=details(log.payload, names),
            text=_text_beyond_details(log.reason, log.payload),
            trigger=log.trigger,
            is_step=True,
        )
        for log in logs
    ]
    out += [
        TimelineEntry(
            at=e.at,
            actor=names.get(e.actor_id or 0, SYSTEM),
            step=EVENT_LABELS.get(e.kind, "办理记录"),
            change="",
            details=(),
            text=e.summary,
            trigger=e.kind,
            is_step=False,
        )
        for e in events
    ]
    return sorted(out, key=lambda e: e.at)


def change_text(lc: Lifecycle, source: str, dest: str) -> str:
    if source == dest or not source:  # the first step has nothing to come from
        return ""
    return f"{lc.label(source)} → {lc.label(dest)}"


def _text_beyond_details(text: str, payload: Mapping[str, Any] | None) -> str:
    """The written reason; a findings step stores its verdict as the reason too."""
    if payload and payload.get("findings") and text == FINDINGS_LABELS.get(payload["findings"]):
        return ""
    return text or ""
