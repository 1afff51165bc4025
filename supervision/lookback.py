"""回头看 by sampling (seed ``001_…``: "'回头看'"): each quarter a body draws a random sample
of the clues written off (销号) by the bodies below it in that quarter, and records a
look-back outcome for each.

The draw is reproducible: the seed is logged with the draw, the population is the sorted
ids of the clues written off in the quarter, and ``sample_ids(seed, ids, rate)`` gives the
same sample again for anyone who checks it. The share drawn is configurable per draw (the
default ``DEFAULT_RATE_PERCENT``); the quarterly job draws the quarter just ended for every
city and county body with bodies below it.
"""

from __future__ import annotations

import math
import random
import secrets
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cases.models import Clue
from config.database import is_valid_id, utcnow
from config.errors import Conflict, NotFound, ValidationError
from config.localtime import LOCAL_TZ
from directory.jurisdiction import body_of
from directory.models import OrgUnit, User
from directory.permissions import Capability, require
from supervision.models import OUTCOME_LABELS, LookBackDraw, LookBackSample, Outcome
from workflow.engine import local_today
from workflow.models import TransitionLog

DEFAULT_RATE_PERCENT = 10


def quarter(day: date) -> tuple[str, date, date]:
    """The quarter holding ``day``: its label (2026Q3) and first and last days."""
    q = (day.month - 1) // 3
    start = date(day.year, 3 * q + 1, 1)
    end = (date(day.year + (q == 3), (3 * q + 3) % 12 + 1, 1)) - timedelta(days=1)
    return f"{day.year}Q{q + 1}", start, end


def previous_quarter(day: date) -> tuple[str, date, date]:
    return quarter(quarter(day)[1] - timedelta(days=1))


def parse_period(text: str) -> tuple[str, date, date]:
    """``2026Q3`` → its label and days; a ``ValidationError`` for anything else."""
    text = (text or "").strip().upper()
    if len(text) == 6 and text[:4].isdigit() and text[4] == "Q" and text[5] in "1234":
        return quarter(date(int(text[:4]), 3 * int(text[5]) - 2, 1))
    message = "“季度”格式应为 2026Q3。"
    raise ValidationError(message, details={"period": message})


def written_off_below(session: Session, body: OrgUnit, start: date, end: date) -> list[int]:
    """Ids of the clues of the bodies below ``body`` written off between the dates, sorted."""
    lo = datetime.combine(start, time.min, LOCAL_TZ)
    hi = datetime.combine(end + timedelta(days=1), time.min, LOCAL_TZ)
    below = select(OrgUnit.id).where(
        OrgUnit.path.startswith(body.path, autoescape=True), OrgUnit.id != body.id
    )
    stmt = (
        select(func.distinct(TransitionLog.subject_id))
        .join(Clue, Clue.id == TransitionLog.subject_id)
        .where(
            TransitionLog.lifecycle == "clue",
            TransitionLog.trigger == "approve_write_off",
            TransitionLog.at >= lo,
            TransitionLog.at < hi,
            Clue.unit_id.in_(below),
        )
    )
    return sorted(int(i) for i in session.scalars(stmt))


def sample_ids(seed: str, ids: Sequence[int], rate_percent: int) -> list[int]:
    """The sample a seed gives: ceil(rate% of the population), at least one if any."""
    if not ids:
        return []
    k = min(len(ids), max(1, math.ceil(len(ids) * rate_percent / 100)))
    return sorted(random.Random(seed).sample(sorted(ids), k))  # noqa: S311 — a sample, not a secret


def draw(
    session: Session,
    actor: User | None,
    body: OrgUnit,
    period: str,
    rate_percent: int = DEFAULT_RATE_PERCENT,
    *,
    now: datetime | None = None,
) -> LookBackDraw:
    """Draw and record the sample of ``period`` for ``body`` (once per body and quarter)."""
    if actor is not None:
        require(actor, Capability.SUPERVISE)
        body = body_of(session, actor.unit)
    label, start, end = parse_period(period)
    if not isinstance(rate_percent, int) or not 1 <= rate_percent <= 100:
        message = "“抽查比例”应为 1 至 100 之间的整数。"
        raise ValidationError(message, details={"rate_percent": message})
    if end >= local_today(now):
        message = f"{label} 尚未结束，不能抽取。"
        raise ValidationError(message, details={"period": message})
    if session.scalar(
        select(LookBackDraw.id).where(LookBackDraw.unit_id == body.id, LookBackDraw.period == label)
    ):
        raise Conflict(f"{label} 已抽取过回头看样本。")
    ids = written_off_below(session, body, start, end)
    seed = secrets.token_hex(8)
    row = LookBackDraw(
        unit_id=body.id, period=label, closed_from=start, closed_to=end, seed=seed,
        rate_percent=rate_percent, population=len(ids),
        drawn_by_id=actor.id if actor else None, drawn_at=now or utcnow(),
    )  # fmt: skip
    session.add(row)
    session.flush()
    for clue_id in sample_ids(seed, ids, rate_percent):
        session.add(LookBackSample(draw_id=row.id, clue_id=clue_id))
    session.flush()
    return row


def draws_of(session: Session, actor: User) -> list[LookBackDraw]:
    require(actor, Capability.BOARD)
    body = body_of(session, actor.unit)
    stmt = select(LookBackDraw).where(LookBackDraw.unit_id == body.id)
    return list(session.scalars(stmt.order_by(LookBackDraw.period.desc())))


def record_outcome(
    session: Session, actor: User, sample_id: int, outcome: str, note: str, *, today=None
) -> LookBackSample:
    """The look-back's own record: 办理到位, or 发现问题 (with what was found)."""
    require(actor, Capability.SUPERVISE)
    sample = session.get(LookBackSample, sample_id) if is_valid_id(sample_id) else None
    if sample is None or sample.draw.unit_id != body_of(session, actor.unit).id:
        raise NotFound("未找到该回头看样本。")
    if outcome not in OUTCOME_LABELS or outcome == Outcome.PENDING:
        raise ValidationError("请选择回头看结论。", details={"outcome": "请选择回头看结论。"})
    note = (note or "").strip()
    if outcome == Outcome.PROBLEM and not note:
        message = "发现问题时，请填写发现的问题。"
        raise ValidationError(message, details={"note": message})
    if len(note) > 2000 or "\x00" in note:
        message = "“回头看情况”不能超过 2000 个字，且不能含空字符。"
        raise ValidationError(message, details={"note": message})
    sample.outcome, sample.note = outcome, note
    sample.reviewed_by_id, sample.reviewed_on = actor.id, today or local_today()
    session.flush()
    return sample


def quarterly_draws(session: Session, now: datetime) -> int:
    """The scheduled draw of the quarter just ended for every city and county body that
    has bodies below it and no draw yet; returns how many were drawn."""
    label, _, _ = previous_quarter(local_today(now))
    parents = select(OrgUnit.parent_id).where(OrgUnit.kind.in_(["city", "county"]))
    bodies = session.scalars(select(OrgUnit).where(OrgUnit.id.in_(parents)))
    done = set(session.scalars(select(LookBackDraw.unit_id).where(LookBackDraw.period == label)))
    count = 0
    for body in bodies:
        if body.id not in done:
            draw(session, None, body, label, now=now)
            count += 1
    return count
