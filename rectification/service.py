"""Rectification services: issue an item, fire its steps, read it and its history.

Each function takes the session and the acting user, checks the capability
(``directory.permissions``) and the jurisdiction, flushes, and raises a domain error; the
caller commits. Steps go through ``workflow.engine.fire`` (versioned, logged, timed, with
the notifications the table declares).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from campaigns.models import Inspection
from cases.models import Clue
from config.database import is_valid_id, utcnow
from config.errors import NotFound, ValidationError
from directory.jurisdiction import body_of, unit_visible
from directory.models import OrgUnit, User
from directory.permissions import Capability, require
from rectification.lifecycle import (
    CLOCK,
    ISSUER_TRIGGERS,
    RECTIFICATION_LIFECYCLE,
    RULES,
    fixed_due,
)
from rectification.models import SOURCE_LABELS, RectificationItem, RectificationState, SourceKind
from rectification.responsible import check_person
from workflow import engine, timelimits
from workflow.engine import Hooks, StepContext, calendar_for, local_today
from workflow.fields import FieldKind, FieldSpec, Problems, column_width
from workflow.lifecycle import Transition
from workflow.models import TransitionLog

LC = RECTIFICATION_LIFECYCLE
R = RectificationItem

# The fields of a new item (the page's form, the service's check, one declaration).
CREATE_FIELDS = (
    FieldSpec("source_kind", "问题来源", FieldKind.CHOICE, choices=tuple(SOURCE_LABELS.items())),
    FieldSpec(
        "source_ref",
        "来源说明",
        required=False,
        max_len=column_width(R.source_ref),
        hint="如检查记录号、通知文号、自查自纠台账编号",
    ),
    FieldSpec("clue_ref", "关联线索编号", required=False, max_len=64, hint="来源为问题线索时填写"),
    FieldSpec("problem", "发现的问题", FieldKind.TEXTAREA, max_len=2000),
    FieldSpec("found_on", "发现日期", FieldKind.DATE),
    FieldSpec("responsible_unit_id", "责任单位", FieldKind.UNIT),
    FieldSpec(
        "responsible_user_id",
        "责任人",
        FieldKind.USER,
        hint="责任单位（或其处室）的在岗用户；先选责任单位",
    ),
    FieldSpec("measure", "整改措施", FieldKind.TEXTAREA, max_len=2000),
    FieldSpec("deadline", "整改期限", FieldKind.DATE, not_past=True),
)


def can_see(session: Session, actor: User, item: RectificationItem) -> bool:
    """The issuing body's jurisdiction, or the responsible unit's."""
    return unit_visible(session, actor, item.unit) or unit_visible(
        session, actor, item.responsible_unit
    )


def get_item(session: Session, actor: User, item_id: int) -> RectificationItem:
    """The item, or ``NotFound`` — the same answer whether it exists elsewhere or not."""
    require(actor, Capability.RECTIFY_READ)
    item = session.get(RectificationItem, item_id) if is_valid_id(item_id) else None
    if item is None or not can_see(session, actor, item):
        raise NotFound("未找到该整改事项，或不在您的管辖范围内。")
    return item


def create_item(
    session: Session,
    actor: User,
    data: Mapping[str, Any],
    *,
    inspection_id: int | None = None,
    now: datetime | None = None,
) -> RectificationItem:
    """Issue an item from the actor's body to a unit of its subtree (or itself)."""
    require(actor, Capability.RECTIFY_MANAGE)
    now = now or utcnow()
    today = local_today(now)
    problems = Problems()
    values = problems.clean(CREATE_FIELDS, data)
    issuer = body_of(session, actor.unit)
    responsible = _responsible_unit(session, issuer, values, problems)
    person = check_person(session, responsible, values["responsible_user_id"], problems)
    inspection_id = inspection_id or _source_inspection(session, issuer, data, problems)
    _check_dates(values, today, problems)
    problems.done()
    # The clue a clue-sourced item names: checked once the fields themselves are right.
    clue = _source_clue(session, actor, values, problems)
    problems.done()
    assert responsible is not None and person is not None
    year = values["found_on"].year
    seq = 1 + (
        session.scalar(select(func.max(R.seq)).where(R.unit_id == issuer.id, R.year == year)) or 0
    )
    item = RectificationItem(
        unit_id=issuer.id,
        year=year,
        seq=seq,
        source_kind=values["source_kind"],
        source_ref=values["source_ref"],
        clue_id=clue.id if clue else None,
        inspection_id=inspection_id,
        problem=values["problem"],
        found_on=values["found_on"],
        responsible_unit_id=responsible.id,
        # The name as text too: the ledger and its export read one column for old and new.
        responsible_person=person.display_name[: column_width(R.responsible_person)],
        responsible_user_id=person.id,
        measure=values["measure"],
        deadline=values["deadline"],
        state=RectificationState.OPEN,
        created_by_id=actor.id,
        created_at=now,
        updated_at=now,
    )
    _start_clock(session, item, today)
    session.add(item)
    session.flush()
    engine.sync_pending(session, FLOW, item, {}, item.clocks)
    _log_creation(session, actor, item, now)
    return item


def _check_dates(values: dict[str, Any], today: date, problems: Problems) -> None:
    if values["found_on"] and values["found_on"] > today:
        problems.error("found_on", "“发现日期”不能晚于今天。")
    if values["deadline"]:
        if values["deadline"] < today:
            problems.error("deadline", f"“整改期限”不能早于今天（{today.isoformat()}）。")
        elif values["found_on"] and values["deadline"] < values["found_on"]:
            problems.error("deadline", "“整改期限”不能早于发现日期。")


def _log_creation(session: Session, actor: User, item: RectificationItem, now: datetime) -> None:
    session.add(
        TransitionLog(
            lifecycle=LC.name,
            subject_id=item.id,
            actor_id=actor.id,
            at=now,
            trigger="create",
            from_state="",
            to_state=item.state,
            version=item.version,
            reason="",
            payload={"deadline": item.deadline.isoformat()},
        )
    )
    session.flush()


def _responsible_unit(
    session: Session, issuer: OrgUnit, values: dict[str, Any], problems: Problems
) -> OrgUnit | None:
    unit_id = values["responsible_unit_id"]
    if unit_id is None:
        return None
    unit = session.get(OrgUnit, unit_id)
    if unit is None or not unit.path.startswith(issuer.path):
        problems.error("responsible_unit_id", "责任单位须为本单位、本单位的处室或下级单位。")
        return None
    return unit


def _source_inspection(
    session: Session, issuer: OrgUnit, data: Mapping[str, Any], problems: Problems
) -> int | None:
    """The inspection visit a 发起整改 from the inspection page names (a hidden field)."""
    raw = str(data.get("inspection_id") or "")
    if not raw:
        return None
    found = session.get(Inspection, int(raw)) if raw.isdigit() and len(raw) < 10 else None
    if found is None or not found.institution.path.startswith(issuer.path):
        problems.error("source_ref", "来源检查记录不存在，或不在本单位管辖范围内。")
        return None
    return found.id


def _source_clue(
    session: Session, actor: User, values: dict[str, Any], problems: Problems
) -> Clue | None:
    ref = values["clue_ref"]
    if values["source_kind"] == SourceKind.CLUE and not ref:
        problems.error("clue_ref", "来源为问题线索时，请填写关联线索编号。")
        return None
    if not ref:
        return None
    clue = session.scalar(select(Clue).where(Clue.ledger_no == ref))
    if clue is None or not unit_visible(session, actor, clue.unit):
        problems.error("clue_ref", f"未找到线索“{ref}”，或不在您的管辖范围内。")
        return None
    return clue


def _start_clock(session: Session, item: RectificationItem, today: date) -> None:
    clocks: dict[str, Any] = {}
    timelimits.start(clocks, RULES[CLOCK], today, calendar_for(session), item.deadline)
    item.clocks = clocks
    item.next_due_on, item.next_due_kind = timelimits.next_due(clocks)


def allowed_by_relation(session: Session, actor: User, item: RectificationItem, t: Transition):
    """The issuing body verifies, sends back and extends; the responsible unit's own body
    reports (an office through its body), never a superior on its behalf."""
    mine = body_of(session, actor.unit).id
    if t.trigger in ISSUER_TRIGGERS:
        return mine == item.unit_id
    return mine == body_of(session, item.responsible_unit).id


def available(session: Session, actor: User, item: RectificationItem) -> list[Transition]:
    """Exactly the steps ``fire`` would accept from this actor now."""
    return engine.available_by_relation(session, FLOW, item, actor, allowed_by_relation)


def _refusal(t: Transition) -> str:
    if t.trigger in ISSUER_TRIGGERS:
        return f"只有下达整改的单位才能“{t.label}”。"
    return f"只有责任单位才能“{t.label}”。"


def fire(
    session: Session,
    actor: User,
    item: RectificationItem,
    trigger: str,
    data: Mapping[str, Any] | None = None,
    *,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> engine.Step:
    """One step of the item's lifecycle; flushes, the caller commits."""
    require(actor, Capability.RECTIFY_READ)
    engine.check_relation(session, LC, item, trigger, actor, allowed_by_relation, _refusal)
    return engine.fire(
        session, FLOW, item, trigger, actor, data, expected_version=expected_version, now=now
    )


def history(session: Session, actor: User, item: RectificationItem) -> list[TransitionLog]:
    if not can_see(session, actor, item):
        raise NotFound("未找到该整改事项，或不在您的管辖范围内。")
    stmt = (
        select(TransitionLog)
        .where(TransitionLog.lifecycle == LC.name, TransitionLog.subject_id == item.id)
        .order_by(TransitionLog.id)
    )
    return list(session.scalars(stmt))


def _reported(ctx: StepContext) -> dict[str, Any]:
    if ctx.data["completed_on"] > ctx.today:
        raise ValidationError(
            "“完成日期”不能晚于今天。", details={"completed_on": "“完成日期”不能晚于今天。"}
        )
    return {"evidence": ctx.data["evidence"], "completed_on": ctx.data["completed_on"]}


def _verified(ctx: StepContext) -> dict[str, Any]:
    return {
        "verified_on": ctx.today,
        "verified_by_id": ctx.actor.id,
        "verify_note": ctx.data.get("reason", ""),
    }


def _sent_back(ctx: StepContext) -> dict[str, Any]:
    return {"verify_note": ctx.data["reason"], "completed_on": None}


def _extended(ctx: StepContext) -> dict[str, Any]:
    new = ctx.data["new_deadline"]
    timelimits.start(ctx.clocks, RULES[CLOCK], ctx.today, ctx.calendar, new)
    return {"deadline": new}


HOOKS = Hooks(
    can_see=can_see,
    effects={
        "report_done": _reported,
        "verify": _verified,
        "send_back": _sent_back,
        "extend": _extended,
    },
    fixed_due=fixed_due,  # type: ignore[arg-type]
)

# The lifecycle bound to its hooks when it is built: the one the engine fires.
FLOW = LC.with_hooks(HOOKS)


def responsible_choices(session: Session, actor: User) -> list[tuple[int, str]]:
    """The units an item of the actor's body may be issued to: itself, its offices, the
    units below it (bodies first, then by name)."""
    issuer = body_of(session, actor.unit)
    units = session.scalars(
        select(OrgUnit)
        .where(OrgUnit.path.startswith(issuer.path, autoescape=True), OrgUnit.active.is_(True))
        .order_by(OrgUnit.depth, OrgUnit.path)
    )
    return [(u.id, u.name if u.id == issuer.id else f"{u.kind_label} · {u.name}") for u in units]
