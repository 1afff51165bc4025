"""Clue services: create, read within jurisdiction, fire lifecycle steps, timeline, deadlines."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from cases import lifecycle as _lifecycle  # noqa: F401 - registers the lifecycle
from cases import route_deadline
from cases.assignees import is_assignable
from cases.ledger import next_number
from cases.lifecycle import CLUE_LIFECYCLE
from cases.models import Clue
from cases.outcomes import add_feedback_record, open_referral
from cases.states import CLOSED_STATES, TRANSFER_TARGETS, ClueState
from cases.timelimits import RULES
from cases.timeline import can_see as can_see
from cases.timeline import timeline as timeline
from config.database import is_valid_id, utcnow
from config.errors import NotFound, PermissionDenied, ValidationError
from directory.jurisdiction import body_of, unit_visible
from directory.models import OrgUnit, UnitKind, User
from directory.permissions import Capability, require
from tips.models import TipStatus
from workflow import engine, timelimits
from workflow.engine import Hooks, StepContext, calendar_for, local_today
from workflow.models import TransitionLog
from workflow.pending import pending_label


def get_clue(session: Session, actor: User, clue_id: int) -> Clue:
    """The clue, or ``NotFound`` — the same answer whether it exists elsewhere or not."""
    clue = session.get(Clue, clue_id) if is_valid_id(clue_id) else None
    if clue is None or not can_see(session, actor, clue):
        raise NotFound("未找到该线索，或不在您的管辖范围内。")
    return clue


@dataclass(frozen=True)
class NewClue:
    channel: str
    summary: str
    content: str = ""
    category: str = "other"
    reporter_named: bool = False
    petition: bool = False
    handed_down: bool = False
    superior_ref: str = ""
    superior_due: date | None = None
    report_requested: bool = False  # the referrer asks for the result (要求报告结果)
    report_due: date | None = None
    accused_unit_id: int | None = None
    received_at: datetime | None = None


def create_clue(
    session: Session,
    actor: User | None,
    unit: OrgUnit,
    new: NewClue,
    *,
    now: datetime | None = None,
) -> Clue:
    """A received clue in ``unit``'s ledger with its intake clocks started; logged as ``create``."""
    if actor is not None:
        require(actor, Capability.INTAKE)
        if not unit_visible(session, actor, unit):
            raise PermissionDenied("只能在本人管辖范围内登记线索。")
    if unit.kind == UnitKind.OFFICE:
        unit = body_of(session, unit)
    if not new.summary.strip():
        raise ValidationError("请填写线索摘要。")
    now = now or utcnow()
    received = new.received_at or now
    clue = Clue(
        unit=unit,
        state=ClueState.RECEIVED,
        version=1,
        channel=new.channel,
        category=new.category,
        summary=new.summary.strip()[:200],
        content=new.content,
        accused_unit_id=new.accused_unit_id,
        received_at=received,
        reporter_named=new.reporter_named,
        petition=new.petition,
        handed_down=new.handed_down,
        superior_ref=new.superior_ref,
        superior_due=new.superior_due,
        report_requested=new.report_requested,
        report_due=new.report_due,
        created_by_id=actor.id if actor else None,
        created_at=now,
        updated_at=now,
    )
    clocks = _intake_clocks(new, local_today(received), calendar_for(session))
    clue.clocks = clocks
    clue.next_due_on, clue.next_due_kind = timelimits.next_due(clocks)
    session.add(clue)
    session.flush()
    engine.sync_pending(session, CLUE_LIFECYCLE, clue, {}, clocks)
    session.add(
        TransitionLog(
            lifecycle="clue",
            subject_id=clue.id,
            actor_id=actor.id if actor else None,
            at=now,
            trigger="create",
            from_state="",
            to_state=ClueState.RECEIVED,
            version=1,
            reason="",
            payload={"channel": new.channel},
        )
    )
    session.flush()
    return clue


def _intake_clocks(new: NewClue, day: date, calendar: timelimits.Calendar) -> dict[str, Any]:
    clocks: dict[str, Any] = {}
    if new.reporter_named:
        timelimits.start(clocks, RULES["accept_notice"], day, calendar)
    if new.handed_down:
        timelimits.start(clocks, RULES["forward_accept"], day, calendar)
        if new.superior_due:
            timelimits.start(clocks, RULES["superior"], day, calendar, new.superior_due)
    if new.report_requested and new.report_due:
        timelimits.start(clocks, RULES["report_back"], day, calendar, new.report_due)
    if new.petition:
        timelimits.start(clocks, RULES["petition_accept"], day, calendar)
    return clocks


def fire(
    session: Session,
    actor: User,
    clue: Clue,
    trigger: str,
    data: Mapping[str, Any] | None = None,
    *,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> engine.Step:
    """Fire a lifecycle step on a clue (see ``workflow.engine.fire``); its tip follows."""
    step = engine.fire(
        session,
        CLUE_FLOW,
        clue,
        trigger,
        actor,
        data,
        expected_version=expected_version,
        now=now,
    )
    _sync_tip(clue)
    return step


# The tip's intake status by the clue's state: any state past ``registered`` is registered.
_TIP_STATUS = {
    ClueState.RECEIVED: TipStatus.RECEIVED,
    ClueState.MERGED: TipStatus.MERGED,
    ClueState.NOT_ACCEPTED: TipStatus.NOT_ACCEPTED,
    ClueState.FORWARDED: TipStatus.FORWARDED,
}


def _sync_tip(clue: Clue) -> None:
    if clue.tip is not None and clue.tip.status != TipStatus.IMPORTED:
        clue.tip.status = _TIP_STATUS.get(ClueState(clue.state), TipStatus.REGISTERED)
        clue.tip.clue_id = clue.id


def available(session: Session, actor: User, clue: Clue):
    return engine.available_triggers(session, CLUE_FLOW, clue, actor)


@dataclass(frozen=True)
class DeadlineView:
    name: str
    label: str
    source: str
    start: date
    due: date | None  # None: pending until ``pending_year``'s calendar is confirmed
    met_on: date | None
    paused: bool
    status: timelimits.ClockStatus | None
    extended: int
    pending_year: int | None = None

    @property
    def due_label(self) -> str:
        return self.due.isoformat() if self.due else pending_label(self.pending_year)


def deadlines(session: Session, clue: Clue, today: date | None = None) -> list[DeadlineView]:
    """Each clock with its state: normal, due soon (≤ 3 working days) or overdue."""
    calendar = calendar_for(session)
    today = today or local_today()
    views = []
    for name, clock in (clue.clocks or {}).items():
        rule = RULES[name]
        due = date.fromisoformat(clock["due"]) if clock.get("due") else None
        met = date.fromisoformat(clock["met_on"]) if clock.get("met_on") else None
        paused = bool(clock.get("paused_on"))
        state = None if met or paused or due is None else timelimits.status(due, today, calendar)
        views.append(
            DeadlineView(
                name,
                rule.label,
                rule.source,
                date.fromisoformat(clock["start"]),
                due,
                met,
                paused,
                state,
                clock.get("extended", 0),
                clock.get("pending_year"),
            )
        )
    return sorted(views, key=lambda v: (v.due is None, v.due or v.start))


# -- effects of individual steps --------------------------------------------------------------


def _register(ctx: StepContext) -> dict[str, Any]:
    year = ctx.today.year
    seq, number = next_number(ctx.session, ctx.obj.unit, year)
    return {"ledger_year": year, "ledger_seq": seq, "ledger_no": number}


def _merge(ctx: StepContext) -> dict[str, Any]:
    target = ctx.session.get(Clue, ctx.data["target_clue_id"])
    if target is None or target.id == ctx.obj.id or not can_see(ctx.session, ctx.actor, target):
        raise ValidationError("合并目标线索不存在或不在您的管辖范围内。")
    if target.state in (ClueState.MERGED, ClueState.NOT_ACCEPTED, ClueState.FORWARDED):
        raise ValidationError("不能合并到已合并、不予受理或已转办的线索。")
    target.repeat_count += 1
    return {"merged_into_id": target.id}


def _forward(ctx: StepContext) -> dict[str, Any]:
    target = ctx.session.get(OrgUnit, ctx.data["target_unit_id"])
    if target is None or target.kind == UnitKind.OFFICE or target.id == ctx.obj.unit_id:
        raise ValidationError("请选择其他机关或医疗机构作为转办单位。")
    clue = ctx.obj
    create_clue(
        ctx.session,
        None,
        target,
        NewClue(
            channel=clue.channel,
            summary=clue.summary,
            content=clue.content,
            category=clue.category,
            reporter_named=clue.reporter_named,
            petition=clue.petition,
            handed_down=True,
            superior_ref=clue.reference,
            accused_unit_id=clue.accused_unit_id,
            received_at=ctx.now,
        ),
        now=ctx.now,
    )
    return {}


def _assign(ctx: StepContext) -> dict[str, Any]:
    handler_id = ctx.data["handler_id"]
    if not is_assignable(ctx.session, ctx.obj, handler_id):
        raise ValidationError("承办人须为本单位在岗的承办人员。")
    return {"handler_id": handler_id}


def _propose(ctx: StepContext) -> dict[str, Any]:
    return {"proposed_route": ctx.data["route"]}


def _approved(ctx: StepContext) -> dict[str, Any]:
    route_deadline.check_due(ctx.data, ctx.today)
    return {"route": ctx.obj.proposed_route}


def _findings(ctx: StepContext) -> dict[str, Any]:
    # The written conclusion is the step's reason; 销号 checks it is there.
    return {
        "findings": ctx.data["findings"],
        "findings_text": ctx.data["reason"],
        "findings_on": ctx.today,
    }


def _refer(ctx: StepContext) -> dict[str, Any]:
    """The referral to judicial organs is tracked to its receipt like any other referral."""
    open_referral(ctx.session, ctx.actor, ctx.obj, "judicial", ctx.data["organ"], ctx.today)
    return {}


def _transfer(ctx: StepContext) -> dict[str, Any]:
    """An approved 按规定移交 (market, insurance, tax …) is tracked to its receipt and
    outcome like the referral to judicial organs."""
    result = _approved(ctx)
    target = ctx.data["target"]
    open_referral(ctx.session, ctx.actor, ctx.obj, target, TRANSFER_TARGETS[target], ctx.today)
    return result


def _give_feedback(ctx: StepContext) -> dict[str, Any]:
    add_feedback_record(
        ctx.session,
        ctx.obj,
        mode="named",
        method=ctx.data["method"],
        given_on=ctx.today,
        public_wording=ctx.data["public_reply"],
    )
    return {}


def _reopen(ctx: StepContext) -> dict[str, Any]:
    return {"proposed_route": None, "route": None}


def _extend(ctx: StepContext) -> dict[str, Any]:
    rule = RULES[ctx.data["clock"]]
    clock = ctx.clocks.get(rule.name)
    days = ctx.data["days"]
    if clock is None or clock.get("met_on"):
        raise ValidationError(f"“{rule.label}”未在计时，不能延期。")
    if clock.get("extensions", 0) >= rule.max_extensions:
        raise ValidationError(f"“{rule.label}”已延期过，不能再次延期。")
    if not 0 < days <= rule.max_extension:
        raise ValidationError(f"延长天数须在 1 至 {rule.max_extension} 日之间。")
    timelimits.extend(ctx.clocks, rule, days, ctx.calendar)
    return {}


def _mark_major(ctx: StepContext) -> dict[str, Any]:
    return {"major": True, "major_at": ctx.now, "major_reason": ctx.data["reason"]}


def _report_back(ctx: StepContext) -> dict[str, Any]:
    return {"reported_back_on": ctx.today}


def _fixed_due(clue: Clue, clock: str) -> date | None:
    """A deadline given from outside: the superior's, or the referrer's for its report."""
    return {"superior": clue.superior_due, "report_back": clue.report_due}.get(clock)


EFFECTS = {
    "register": _register,
    "merge": _merge,
    "forward": _forward,
    "assign": _assign,
    "propose": _propose,
    **{f"approve_{r}": _approved for r in ("talk_inquiry", "verifying", "shelved", "concluded")},
    "approve_transferred": _transfer,
    "record_findings": _findings,
    "refer": _refer,
    "give_feedback": _give_feedback,
    "reopen": _reopen,
    "extend": _extend,
    "mark_major": _mark_major,
    "report_back": _report_back,
}

HOOKS = Hooks(
    can_see=can_see,
    effects=EFFECTS,
    fixed_due=_fixed_due,
)
# The clue lifecycle bound to its hooks: what ``fire`` and ``available`` hand the engine.
CLUE_FLOW = CLUE_LIFECYCLE.with_hooks(HOOKS)


def is_open(clue: Clue) -> bool:
    return clue.state not in CLOSED_STATES
