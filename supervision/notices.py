"""督查情况通报 (seed 001: "督查情况要予以公开通报"): a superior body publishes what its
supervision found — the clues under 挂牌督办 and a quarter's 回头看 results — as a notice to
the bodies below (``supervision.models.SupervisionNotice`` says why not the portal).

The office drafts it from the figures (``draft``), edits the wording, and publishes it; the
leaders of the bodies below are told (``notifications.notice_messages``: the message names
the notice and links to it, never a tip's content); everyone in the publishing body's tree
reads it on the 督查通报 list.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from config.database import is_valid_id, utcnow
from config.errors import NotFound, ValidationError
from directory.jurisdiction import body_of
from directory.models import User
from directory.permissions import Capability, require
from supervision.lookback import parse_period, previous_quarter
from supervision.models import LookBackDraw, Outcome, SupervisionNotice
from supervision.service import supervised_list
from workflow.fields import FieldKind, FieldSpec, Problems, column_width

FIELDS = (
    FieldSpec("period", "通报期间（季度）", max_len=8, hint="如 2026Q3：通报该季度的回头看结果"),
    FieldSpec("title", "标题", max_len=column_width(SupervisionNotice.title)),
    FieldSpec("body", "通报内容", FieldKind.TEXTAREA, max_len=20_000),
)
_NOT_FOUND = "未找到该督查通报，或不在您的查阅范围内。"


@dataclass(frozen=True)
class Draft:
    period: str
    title: str
    body: str


def draft(session: Session, actor: User, period: str, today: date) -> Draft:
    """The notice's wording from the figures: 督办 list and the quarter's 回头看 (the last
    quarter when ``period`` is not one)."""
    require(actor, Capability.SUPERVISE)
    try:
        label, _, _ = parse_period(period)
    except ValidationError:  # a draft asked for with a mistyped quarter: the last one
        label = previous_quarter(today)[0]
    words = f"{label[:4]}年第{'一二三四'[int(label[5]) - 1]}季度"
    body = body_of(session, actor.unit)
    rows = supervised_list(session, actor, today)
    overdue = [r for r in rows if r.overdue]
    found = session.scalar(
        select(LookBackDraw).where(LookBackDraw.unit_id == body.id, LookBackDraw.period == label)
    )
    lines = [f"{body.name}对下级单位{words}问题线索办理情况开展督查，现将有关情况通报如下：", ""]
    lines.append(f"一、挂牌督办。共挂牌督办线索 {len(rows)} 件，其中逾期未办结 {len(overdue)} 件：")
    lines += [f"    {r.reference}（{r.unit_name}，{r.state_label}）" for r in overdue] or [
        "    无。"
    ]
    lines.append("")
    if found is None:
        lines.append(f"二、回头看。{words}尚未抽取回头看样本。")
    else:
        samples = found.samples
        count = {o: sum(1 for s in samples if s.outcome == o) for o in vars(Outcome).values()}
        lines.append(
            f"二、回头看。从{found.population}件已销号线索中按 {found.rate_percent}% 抽取 "
            f"{len(samples)} 件，办理到位 {count.get(Outcome.CONFIRMED, 0)} 件，发现问题需重新办理 "
            f"{count.get(Outcome.PROBLEM, 0)} 件，尚未完成 {count.get(Outcome.PENDING, 0)} 件。"
        )
        lines += [
            f"    {s.clue.reference}（{s.clue.unit.name}）：{s.note or '发现问题'}"
            for s in samples
            if s.outcome == Outcome.PROBLEM
        ]
    lines += ["", "对工作落实不到位的单位，请于收到通报后认真整改，并将整改情况及时报送。"]
    return Draft(label, f"关于{words}问题线索督查情况的通报", "\n".join(lines))


def publish(
    session: Session, actor: User, data: dict[str, str], *, now: datetime | None = None
) -> SupervisionNotice:
    """Publish the notice to the bodies below (the caller then has their leaders told,
    ``notifications.notice_messages.tell_below``, in the same transaction)."""
    require(actor, Capability.SUPERVISE)
    problems = Problems()
    values = problems.clean(FIELDS, data)
    problems.done()
    values["period"], _, _ = parse_period(values["period"])
    now = now or utcnow()
    body = body_of(session, actor.unit)
    notice = SupervisionNotice(
        unit_id=body.id,
        period=values["period"],
        title=values["title"],
        body=values["body"],
        published_by_id=actor.id,
        published_at=now,
    )
    session.add(notice)
    session.flush()
    return notice


def _readable(session: Session, actor: User):
    """Notices of the actor's body and of every body above it (the path's prefixes)."""
    path = body_of(session, actor.unit).path
    ids = [int(p) for p in path.strip("/").split("/") if p]
    return SupervisionNotice.unit_id.in_(ids)


def notices_for(session: Session, actor: User) -> list[SupervisionNotice]:
    require(actor, Capability.WORKBENCH)
    stmt = select(SupervisionNotice).where(_readable(session, actor))
    return list(session.scalars(stmt.order_by(SupervisionNotice.published_at.desc()).limit(200)))


def get_notice(session: Session, actor: User, notice_id: int) -> SupervisionNotice:
    require(actor, Capability.WORKBENCH)
    found = (
        session.scalar(
            select(SupervisionNotice).where(
                SupervisionNotice.id == notice_id, _readable(session, actor)
            )
        )
        if is_valid_id(notice_id)
        else None
    )
    if found is None:
        raise NotFound(_NOT_FOUND)
    return found
