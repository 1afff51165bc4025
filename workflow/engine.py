"""``fire``: one permitted, signed, timed and logged step of a lifecycle, in one transaction.

The row is moved with a single versioned UPDATE (optimistic locking: a stale
version raises ``Conflict``, never overwrites) and one INSERT into the
append-only log, plus an outbox row when someone must be told. Checks run
first, so any refusal leaves the row exactly as it was.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from config.database import utcnow
from config.errors import (
    Conflict,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    ValidationError,
)
from config.localtime import LOCAL_TZ, local_date
from workflow import fastsql, pending, timelimits
from workflow.fields import FieldSpec, clean
from workflow.lifecycle import Effect as Effect
from workflow.lifecycle import Hooks as Hooks
from workflow.lifecycle import Lifecycle, Transition
from workflow.models import OutboxEvent, TransitionLog


def hooks_of(lifecycle: Lifecycle) -> Hooks:
    """The hooks ``lifecycle`` was built with; a bare declaration cannot be fired."""
    if lifecycle.hooks is None:
        raise RuntimeError(
            f"lifecycle {lifecycle.name!r} has no hooks: fire the copy its service module "
            "binds with Lifecycle.with_hooks (e.g. cases.service.CLUE_FLOW)"
        )
    return lifecycle.hooks


@dataclass
class StepContext:
    session: Session
    lifecycle: Lifecycle
    obj: Any
    actor: Any
    transition: Transition
    data: dict[str, Any]
    today: date
    now: datetime
    calendar: timelimits.Calendar
    clocks: dict[str, Any]


@dataclass(frozen=True)
class Step:
    """What ``fire`` did: the values of the log row it appended."""

    id: int
    lifecycle: str
    subject_id: int
    actor_id: int
    at: datetime
    trigger: str
    from_state: str
    to_state: str
    version: int
    reason: str
    payload: dict[str, Any]


def local_today(now: datetime | None = None) -> date:
    return (now or utcnow()).astimezone(LOCAL_TZ).date()


def calendar_for(session: Session) -> timelimits.Calendar:
    """The working-day calendar, loaded once per session (it changes rarely)."""
    cal = session.info.get("working_calendar")
    if cal is None:
        from workflow.calendar import load_calendar

        cal = session.info["working_calendar"] = load_calendar(session)
    return cal


def clean_data(specs: tuple[FieldSpec, ...], data: Mapping[str, Any]) -> dict[str, Any]:
    """The typed values of a step's fields (``workflow.fields``), blank ones left out."""
    return {k: v for k, v in clean(specs, data).items() if v is not None and v != ""}


def check_not_past(specs: tuple[FieldSpec, ...], cleaned: Mapping[str, Any], today: date) -> None:
    """A date that sets a deadline may not lie in the past (named by its field label)."""
    errors = {
        spec.name: f"“{spec.label}”不能早于今天（{today.isoformat()}）。"
        for spec in specs
        if spec.not_past and spec.name in cleaned and cleaned[spec.name] < today
    }
    if errors:
        raise ValidationError("；".join(errors.values()), details=errors)


def check_allowed(
    session: Session,
    lifecycle: Lifecycle,
    obj: Any,
    t: Transition,
    actor: Any,
    expected_version: int | None = None,
):
    if str(actor.role) not in t.roles:
        raise PermissionDenied(f"您的角色无权执行“{t.label}”。")
    if not hooks_of(lifecycle).can_see(session, actor, obj):
        raise NotFound("未找到该记录，或不在您的管辖范围内。")
    # A stale page is told so first: its view of the state is what is out of date.
    if expected_version is not None and expected_version != obj.version:
        raise Conflict("该记录已被他人修改，请刷新页面后重试。")
    if obj.state not in t.sources:
        raise InvalidTransition(f"当前状态为“{lifecycle.label(obj.state)}”，不能执行“{t.label}”。")
    for name in t.guards:
        message = lifecycle.guards[name](obj)
        if message:
            raise InvalidTransition(message)


def available_triggers(
    session: Session, lifecycle: Lifecycle, obj: Any, actor: Any
) -> list[Transition]:
    """Exactly the steps ``fire`` would accept from this actor now (given valid fields)."""
    if not hooks_of(lifecycle).can_see(session, actor, obj):
        return []
    result = []
    for t in lifecycle.triggers_from(obj.state):
        if str(actor.role) in t.roles and not any(lifecycle.guards[g](obj) for g in t.guards):
            result.append(t)
    return result


# Who stands in which relation to a row (the issuing body, the responsible unit, the unit
# filling a form…) beyond the role: ``(session, actor, obj, transition) -> bool``.
Relation = Callable[[Session, Any, Any, Transition], bool]


def available_by_relation(
    session: Session, lifecycle: Lifecycle, obj: Any, actor: Any, relation: Relation
) -> list[Transition]:
    """``available_triggers`` narrowed to the steps the actor's relation to ``obj`` allows."""
    return [
        t
        for t in available_triggers(session, lifecycle, obj, actor)
        if relation(session, actor, obj, t)
    ]


def check_relation(
    session: Session,
    lifecycle: Lifecycle,
    obj: Any,
    trigger: str,
    actor: Any,
    relation: Relation,
    refusal: Callable[[Transition], str],
) -> Transition:
    """The step, once the actor's relation to ``obj`` allows it (``PermissionDenied`` with
    ``refusal(t)`` otherwise); the services then hand it to ``fire``."""
    t = lifecycle.by_trigger.get(trigger)
    if t is None:
        raise InvalidTransition(f"未知的操作“{trigger}”。")
    if not relation(session, actor, obj, t):
        raise PermissionDenied(refusal(t))
    return t


def fire(
    session: Session,
    lifecycle: Lifecycle,
    obj: Any,
    trigger: str,
    actor: Any,
    data: Mapping[str, Any] | None = None,
    *,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Step:
    """Fire ``trigger`` on ``obj`` as ``actor``; flushes, the caller commits."""
    t = lifecycle.by_trigger.get(trigger)
    if t is None:
        raise InvalidTransition(f"未知的操作“{trigger}”。")
    check_allowed(session, lifecycle, obj, t, actor, expected_version)
    cleaned = clean_data(t.fields, data or {})
    now = now or utcnow()
    check_not_past(t.fields, cleaned, local_today(now))
    ctx = StepContext(
        session=session,
        lifecycle=lifecycle,
        obj=obj,
        actor=actor,
        transition=t,
        data=cleaned,
        today=local_today(now),
        now=now,
        calendar=calendar_for(session),
        # Each clock is a flat dict of dates and counts: copying one level is a deep copy.
        clocks={name: dict(clock) for name, clock in (obj.clocks or {}).items()},
    )
    session.flush()  # pending ORM changes first: the versioned UPDATE below is Core
    source = str(obj.state)
    dest = _machine_step(lifecycle, t, source)
    updates: dict[str, Any] = dict(hooks_of(lifecycle).effects.get(trigger, _none)(ctx))
    _apply_clocks(ctx)
    sync_pending(session, lifecycle, obj, obj.clocks or {}, ctx.clocks)
    due_on, due_kind = timelimits.next_due(ctx.clocks)
    version = obj.version + 1
    updates.update(
        state=dest,
        version=version,
        clocks=ctx.clocks,
        next_due_on=due_on,
        next_due_kind=due_kind,
        updated_at=now,
    )
    conn = session.connection()  # the session's transaction (workflow.fastsql)
    _versioned_write(conn, obj, updates)
    payload = {k: (v.isoformat() if isinstance(v, date) else v) for k, v in cleaned.items()}
    log_values = dict(
        lifecycle=lifecycle.name,
        subject_id=obj.id,
        actor_id=actor.id,
        at=now,
        trigger=trigger,
        from_state=source,
        to_state=dest,
        version=version,
        reason=str(cleaned.get("reason", "")),
        payload=payload,
    )
    log_id = _append_log(conn, log_values)
    if t.notify:
        outbox = {"trigger": trigger, "from": source, "to": dest, "actor_id": actor.id}
        _queue(conn, t.notify.kind, lifecycle.name, obj.id, now, outbox)
    return Step(id=log_id, **log_values)


def _versioned_write(conn: Any, obj: Any, updates: dict[str, Any]) -> None:
    """The versioned UPDATE on the DB-API connection of the session's transaction; a stale
    version raises ``Conflict``. ``obj`` takes the written values as committed state, so
    later reads in the session see the new state and version without a query."""
    table = type(obj).__table__
    columns = frozenset(updates)
    prepared = fastsql.prepare(
        ("versioned_update", table.name, columns),
        conn.dialect,
        lambda _d: _versioned_update(table, columns),
    )
    cursor = fastsql.execute(conn, prepared, {**updates, "_id": obj.id, "_version": obj.version})
    updated = cursor.rowcount
    cursor.close()
    if updated != 1:
        raise Conflict("该记录已被他人修改，请刷新页面后重试。")
    for key, value in updates.items():
        set_committed_value(obj, key, value)


def _queue(
    conn: Any, kind: str, lifecycle: str, subject_id: int, now: datetime, payload: dict[str, Any]
) -> None:
    """The outbox row, in the step's transaction."""
    prepared = fastsql.prepare("outbox_insert", conn.dialect, _outbox_insert)
    values = dict(
        kind=kind,
        lifecycle=lifecycle,
        subject_id=subject_id,
        created_at=now,
        processed_at=None,
        payload=payload,
    )
    fastsql.execute(conn, prepared, values).close()


def _append_log(conn: Any, values: dict[str, Any]) -> int:
    """The log row's INSERT; its id from ``lastrowid`` on SQLite, ``RETURNING`` elsewhere."""
    prepared = fastsql.prepare("log_insert", conn.dialect, _log_insert)
    cursor = fastsql.execute(conn, prepared, values)
    try:
        if conn.dialect.name == "sqlite":
            return int(cursor.lastrowid)
        return int(cursor.fetchone()[0])
    finally:
        cursor.close()


# Statements are built once per dialect and executed with parameters (``workflow.fastsql``).
_LOG = cast(Table, TransitionLog.__table__)
_OUTBOX = cast(Table, OutboxEvent.__table__)


def _log_insert(dialect: Any) -> Any:
    stmt = _LOG.insert().values({c.key: bindparam(c.key) for c in _LOG.c if c.key != "id"})
    return stmt if dialect.name == "sqlite" else stmt.returning(_LOG.c.id)


def _outbox_insert(_dialect: Any) -> Any:
    return _OUTBOX.insert().values({c.key: bindparam(c.key) for c in _OUTBOX.c if c.key != "id"})


def _versioned_update(table: Any, columns: frozenset[str]) -> Any:
    return (
        table.update()
        .where(table.c.id == bindparam("_id"), table.c.version == bindparam("_version"))
        .values({name: bindparam(name) for name in columns})
    )


def _none(_ctx: StepContext) -> Mapping[str, Any]:
    return {}


def _machine_step(lifecycle: Lifecycle, t: Transition, source: str) -> str:
    """Where the machine's table leads (``check_allowed`` has ruled out a wrong source)."""
    return lifecycle.steps[(t.trigger, source)]


def sync_pending(
    session: Session,
    lifecycle: Lifecycle,
    obj: Any,
    before: Mapping[str, Any],
    after: dict[str, Any],
) -> None:
    """List the clocks waiting for an unconfirmed year (``workflow.pending``), by lifecycle.

    Touches the table only when a clock is or was pending: most steps cost nothing here.
    """
    waiting = timelimits.pending_years(after)
    if not waiting and not timelimits.pending_years(dict(before)):
        return
    rules = lifecycle.time_limits
    pending.sync(
        session,
        lifecycle.name,
        obj.id,
        {
            name: pending.Pending(year, rules[name].label if name in rules else name)
            for name, year in waiting.items()
        },
        unit_id=getattr(obj, "unit_id", None),
        clue_id=obj.id if lifecycle.name == "clue" else None,
    )


def _apply_clocks(ctx: StepContext) -> None:
    lc, obj = ctx.lifecycle, ctx.obj
    for op in ctx.transition.clocks:
        if op.when is not None and not lc.predicates[op.when](obj):
            continue
        rule = lc.time_limits[op.clock]
        if op.op == "start":
            fixed = hooks_of(lc).fixed_due(obj, op.clock)
            event_day = ctx.data.get("event_date", ctx.today)
            chosen = ctx.data.get(op.due_field) if op.due_field else None
            timelimits.start(ctx.clocks, rule, event_day, ctx.calendar, fixed, chosen)
        elif op.op == "stop":
            met = ctx.data.get(op.at_field) if op.at_field else None
            if isinstance(met, datetime):
                met = local_date(met)
            timelimits.stop(ctx.clocks, rule, met or ctx.today)
        elif op.op == "pause":
            timelimits.pause(ctx.clocks, rule, ctx.today)
        elif op.op == "resume":
            timelimits.resume(ctx.clocks, rule, ctx.today, ctx.calendar)
        else:  # pragma: no cover - the table is validated at import
            raise ValueError(op.op)
