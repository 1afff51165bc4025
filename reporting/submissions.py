"""Submissions: start a draft (prefilled from the ledger), save it checked, fire its steps.

Every save runs ``reporting.checks.check`` (units, subtotals, relations, 逐月累计 against
last month's accepted figures) and refuses the whole save naming each cell and rule, so
nothing is saved half-way. An accepted submission is locked; ``amend`` opens a new,
reasoned version linked to it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from config.database import utcnow
from config.errors import Conflict, InvalidTransition, NotFound, PermissionDenied, ValidationError
from directory.jurisdiction import body_of
from directory.models import OrgUnit, UnitKind, User
from reporting import cells
from reporting.access import can_read, is_filler, is_reviewer, routed_to
from reporting.checks import CellError, check, compute
from reporting.filing import empty_errors, foreign_row_errors, refuse_empty
from reporting.formdef import FormDefinition, FormKind, Values
from reporting.forms import FORMS
from reporting.lifecycle import (
    FILL_TRIGGERS,
    REVIEW_TRIGGERS,
    SEND_TRIGGERS,
    SUBMISSION_LIFECYCLE,
)
from reporting.models import Obligation, ObligationState, Submission, SubmissionState
from reporting.seeding import prefill, seeded
from workflow import engine
from workflow.engine import Hooks, StepContext, local_today
from workflow.lifecycle import Transition
from workflow.models import TransitionLog

EDITABLE = frozenset({SubmissionState.DRAFT, SubmissionState.RETURNED})
_NOT_FOUND = "未找到该报表，或不在您的管辖范围内。"


def form_of(code: str) -> FormDefinition:
    return FORMS[code]


def get_obligation(session: Session, actor: User, obligation_id: int) -> Obligation:
    """The obligation, or ``NotFound`` — the same answer whether it exists elsewhere or not."""
    obligation = session.get(Obligation, obligation_id)
    if obligation is None or not can_read(session, actor, obligation.unit):
        raise NotFound(_NOT_FOUND)
    return obligation


def get_submission(session: Session, actor: User, submission_id: int) -> Submission:
    submission = session.get(Submission, submission_id)
    if submission is None or not can_read(session, actor, submission.unit):
        raise NotFound(_NOT_FOUND)
    return submission


def latest_submission(session: Session, obligation: Obligation) -> Submission | None:
    return session.scalar(
        select(Submission)
        .where(Submission.obligation_id == obligation.id)
        .order_by(Submission.number.desc())
        .limit(1)
    )


def previous_accepted(session: Session, obligation: Obligation) -> Values | None:
    """Last month's accepted figures of the same unit and form, within the same year (逐月累计)."""
    form = form_of(obligation.form_code)
    if not form.cumulative or obligation.period_start.month == 1:
        return None
    last_month = (obligation.period_start - timedelta(days=1)).replace(day=1)
    row = session.scalar(
        select(Submission)
        .join(Obligation, Obligation.id == Submission.obligation_id)
        .where(
            Obligation.unit_id == obligation.unit_id,
            Obligation.form_code == obligation.form_code,
            Obligation.period_start == last_month,
            Submission.state == SubmissionState.ACCEPTED,
        )
        .order_by(Submission.number.desc())
        .limit(1)
    )
    return cells.decode(form, row.values) if row is not None else None


def _refuse(errors: list[CellError]) -> ValidationError:
    # Each message ends "。": dropped here, so the list never reads "须为数字。；".
    lines = "；".join(e.message.rstrip("。；") for e in errors[:5])
    more = f"；另有 {len(errors) - 5} 处" if len(errors) > 5 else ""
    text = f"报表有 {len(errors)} 处错误，未保存：{lines}{more}。"
    return ValidationError(text, details=cells.error_details(errors))


def _checked(session: Session, obligation: Obligation, values: Values) -> Values:
    form = form_of(obligation.form_code)
    errors = check(form, values, previous_accepted(session, obligation))
    if errors:
        raise _refuse(errors)
    return compute(form, values) if form.kind is FormKind.TABLE else dict(values)


def _log(session: Session, sub: Submission, actor: User, trigger: str, now: datetime, why: str):
    session.add(
        TransitionLog(
            lifecycle="submission",
            subject_id=sub.id,
            actor_id=actor.id,
            at=now,
            trigger=trigger,
            from_state="",
            to_state=sub.state,
            version=sub.version,
            reason=why,
            payload={"number": sub.number},
        )
    )


def start_draft(
    session: Session, actor: User, obligation: Obligation, *, now: datetime | None = None
) -> Submission:
    """The obligation's draft, created on first use with the ledger's figures filled in."""
    if not can_read(session, actor, obligation.unit):
        raise NotFound(_NOT_FOUND)
    if not is_filler(session, actor, obligation.unit):
        raise PermissionDenied("只有本单位的填报人员可以填报本单位的报表。")
    existing = latest_submission(session, obligation)
    if existing is not None:
        return existing
    now = now or utcnow()
    form = form_of(obligation.form_code)
    ledger = prefill(session, form, obligation.unit, obligation.period_start, obligation.period_end)
    sub = Submission(
        obligation=obligation,
        unit_id=obligation.unit_id,
        form_code=obligation.form_code,
        number=1,
        state=SubmissionState.DRAFT,
        version=1,
        values=cells.encode(seeded(session, form, obligation, ledger.values)),
        filler_name=actor.display_name,
        contact=actor.phone or actor.email,
        created_by_id=actor.id,
        created_at=now,
        updated_at=now,
    )
    session.add(sub)
    obligation.state = ObligationState.DRAFT
    session.flush()
    _log(session, sub, actor, "create", now, "")
    session.flush()
    return sub


def save_draft(
    session: Session,
    actor: User,
    sub: Submission,
    raw: Mapping[str, Any],
    *,
    signatures: Mapping[str, str] | None = None,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Submission:
    """Replace the draft's figures with ``raw`` ({"row|col": typed}) if every check passes."""
    if not can_read(session, actor, sub.unit):
        raise NotFound(_NOT_FOUND)
    if not is_filler(session, actor, sub.unit):
        raise PermissionDenied("只有本单位的填报人员可以修改本单位的报表。")
    if sub.state == SubmissionState.ACCEPTED:
        raise InvalidTransition(
            "该报表已审核接收并锁定，不能修改；如需更正，请提交更正版本并说明理由。"
        )
    if sub.state not in EDITABLE:
        raise InvalidTransition(f"报表当前状态为“{sub.state_label}”，不能修改。")
    if expected_version is not None and expected_version != sub.version:
        raise Conflict("该报表已被他人修改，请刷新页面后重试。")
    form = form_of(sub.form_code)
    values, errors = cells.parse_input(form, raw)
    errors += foreign_row_errors(form, sub.unit, values)
    if errors:
        raise _refuse(errors)
    stored = _checked(session, sub.obligation, values)
    sub.values = cells.encode(stored)
    for name in ("leader_name", "filler_name", "contact"):
        if signatures and name in signatures:
            setattr(sub, name, signatures[name].strip()[:100])
    sub.version += 1
    sub.updated_at = now or utcnow()
    session.flush()
    return sub


def allowed_by_relation(session: Session, actor: User, sub: Submission, t: Transition) -> bool:
    if t.trigger in FILL_TRIGGERS:
        return is_filler(session, actor, sub.unit)
    if t.trigger in REVIEW_TRIGGERS:
        return is_reviewer(session, actor, sub.unit, sub.obligation.rule)
    return False


def available(session: Session, actor: User, sub: Submission) -> list[Transition]:
    """Exactly the steps ``fire`` would accept from this actor now."""
    return engine.available_by_relation(session, SUBMISSION_FLOW, sub, actor, allowed_by_relation)


def _refusal(t: Transition) -> str:
    who = "本单位填报人员" if t.trigger in FILL_TRIGGERS else "上级单位的审核人员"
    return f"只有{who}可以执行“{t.label}”。"


def fire(
    session: Session,
    actor: User,
    sub: Submission,
    trigger: str,
    data: Mapping[str, Any] | None = None,
    *,
    expected_version: int | None = None,
    now: datetime | None = None,
    zero_report: bool = False,
) -> engine.Step:
    """Submit, return (with a reason), resubmit, withdraw or accept; the obligation follows.

    Sending runs every check a save runs on the stored figures, and refuses a form with
    no figure at all unless the unit declares a zero report (零报告)."""
    if not can_read(session, actor, sub.unit):
        raise NotFound(_NOT_FOUND)
    rel = allowed_by_relation
    engine.check_relation(session, SUBMISSION_LIFECYCLE, sub, trigger, actor, rel, _refusal)
    if trigger in SEND_TRIGGERS:
        send_checks(session, sub, zero_report)
    step = engine.fire(
        session,
        SUBMISSION_FLOW,
        sub,
        trigger,
        actor,
        data,
        expected_version=expected_version,
        now=now,
    )
    obligation = sub.obligation
    obligation.state = sub.state
    obligation.late = sub.late
    session.flush()
    return step


def send_checks(session: Session, sub: Submission, zero_report: bool) -> None:
    form = form_of(sub.form_code)
    stored = cells.decode(form, sub.values)
    errors = foreign_row_errors(form, sub.unit, stored)
    if errors:
        raise _refuse(errors)
    # Last month's figures may have been accepted since the draft was saved.
    _checked(session, sub.obligation, stored)
    empty = [] if zero_report else empty_errors(form, sub.unit, stored)
    if empty:
        raise refuse_empty(empty)


def send_trigger(sub: Submission) -> str:
    return "resubmit" if sub.state == SubmissionState.RETURNED else "submit"


def amend(
    session: Session, actor: User, sub: Submission, reason: str, *, now: datetime | None = None
) -> Submission:
    """A new draft version of an accepted submission; the accepted one stays as it was."""
    if not can_read(session, actor, sub.unit):
        raise NotFound(_NOT_FOUND)
    if not is_filler(session, actor, sub.unit):
        raise PermissionDenied("只有本单位的填报人员可以更正本单位的报表。")
    if sub.state != SubmissionState.ACCEPTED:
        raise InvalidTransition("只有已审核接收的报表需要通过更正版本修改。")
    latest = latest_submission(session, sub.obligation)
    if latest is not None and latest.id != sub.id:
        raise InvalidTransition(f"该报表已有更新的版本（第 {latest.number} 版）。")
    if not reason.strip():
        raise ValidationError("请填写更正理由。", details={"reason": "请填写更正理由。"})
    now = now or utcnow()
    new = Submission(
        obligation_id=sub.obligation_id,
        unit_id=sub.unit_id,
        form_code=sub.form_code,
        number=sub.number + 1,
        previous_id=sub.id,
        amend_reason=reason.strip(),
        state=SubmissionState.DRAFT,
        version=1,
        values=dict(sub.values),
        leader_name=sub.leader_name,
        filler_name=sub.filler_name,
        contact=sub.contact,
        created_by_id=actor.id,
        created_at=now,
        updated_at=now,
    )
    session.add(new)
    sub.obligation.state = ObligationState.DRAFT
    session.flush()
    _log(session, new, actor, "amend", now, reason.strip())
    session.flush()
    return new


def review_queue(session: Session, actor: User) -> list[Submission]:
    """Submissions waiting for the actor's body: units directly below it, (re)submitted."""
    body = body_of(session, actor.unit)
    below = select(OrgUnit.id).where(OrgUnit.parent_id == body.id, OrgUnit.kind != UnitKind.OFFICE)
    stmt = (
        select(Submission)
        .join(Obligation, Obligation.id == Submission.obligation_id)
        .where(
            Submission.unit_id.in_(below),
            Submission.state.in_([SubmissionState.SUBMITTED, SubmissionState.RESUBMITTED]),
        )
        .order_by(Obligation.due_on, Submission.submitted_at)
    )
    return [s for s in session.scalars(stmt) if routed_to(actor, s.obligation.rule, s.unit)]


def history(session: Session, actor: User, sub: Submission) -> list[TransitionLog]:
    if not can_read(session, actor, sub.unit):
        raise NotFound(_NOT_FOUND)
    ids = select(Submission.id).where(Submission.obligation_id == sub.obligation_id)
    return list(
        session.scalars(
            select(TransitionLog)
            .where(TransitionLog.lifecycle == "submission", TransitionLog.subject_id.in_(ids))
            .order_by(TransitionLog.id)
        )
    )


def count_versions(session: Session, obligation: Obligation) -> int:
    return int(
        session.scalar(select(func.count()).where(Submission.obligation_id == obligation.id)) or 0
    )


# -- effects of the steps ------------------------------------------------------------------------


def _is_late(ctx: StepContext) -> bool:
    due: date | None = ctx.obj.obligation.due_on
    return due is not None and local_today(ctx.now) > due


def _submitted(ctx: StepContext) -> dict[str, Any]:
    return {"submitted_at": ctx.now, "late": _is_late(ctx), "return_reason": "", **_unopened()}


def _resubmitted(ctx: StepContext) -> dict[str, Any]:
    # Late or not was decided by the first submission; a return does not make it late.
    return {"return_reason": "", **_unopened()}


def _unopened() -> dict[str, Any]:
    # Each round of sending may be withdrawn until a reviewer opens that round.
    return {"opened_at": None, "opened_by_id": None}


def _withdrawn(ctx: StepContext) -> dict[str, Any]:
    # Not sent after all: lateness is decided again when it is sent.
    return {"submitted_at": None, "late": False}


def _resubmission_withdrawn(ctx: StepContext) -> dict[str, Any]:
    # Back to returned: the reviewer's reason is shown again, as before the resubmission.
    reason = ctx.session.scalar(
        select(TransitionLog.reason)
        .where(
            TransitionLog.lifecycle == "submission",
            TransitionLog.subject_id == ctx.obj.id,
            TransitionLog.trigger == "send_back",
        )
        .order_by(TransitionLog.id.desc())
        .limit(1)
    )
    return {"return_reason": reason or ""}


def _returned(ctx: StepContext) -> dict[str, Any]:
    return {"return_reason": ctx.data["reason"]}


def _accepted(ctx: StepContext) -> dict[str, Any]:
    return {"accepted_at": ctx.now}


HOOKS = Hooks(
    can_see=lambda session, actor, sub: can_read(session, actor, sub.unit),
    effects={
        "submit": _submitted,
        "resubmit": _resubmitted,
        "withdraw": _withdrawn,
        "withdraw_resubmission": _resubmission_withdrawn,
        "send_back": _returned,
        "accept": _accepted,
    },
)
# The submission lifecycle bound to its hooks: what the engine is handed.
SUBMISSION_FLOW = SUBMISSION_LIFECYCLE.with_hooks(HOOKS)
