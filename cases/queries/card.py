"""问题线索处置卡: the clue as the office files it — every step in official Chinese with
the signer's name and role, the approved route, the verdict, the sanctions per person,
the referral, the feedback and the 销号 date and approver."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from cases import outcomes, records
from cases.models import Clue
from cases.queries.timeline import Actor, TimelineEntry, clue_timeline
from cases.reference import CHANNEL_LABELS
from cases.states import FINDINGS_LABELS, ROUTE_LABELS, Route
from config.localtime import local_date
from directory.models import User


@dataclass(frozen=True)
class Signed:
    """A decision with its date and signer: 处置方式, 核查结论, 销号."""

    text: str
    on: datetime | None
    by: Actor | None


@dataclass(frozen=True)
class CardLine:
    label: str
    text: str


@dataclass(frozen=True)
class ClueCard:
    reference: str
    unit: str
    channel: str
    received_on: date
    handler: str
    state: str
    summary: str
    content: str
    subjects: tuple[str, ...]
    route: Signed
    verdict: Signed
    sanctions: tuple[CardLine, ...]  # one line per person (or institution)
    referrals: tuple[str, ...]
    feedback: tuple[str, ...]
    written_off: Signed
    steps: tuple[TimelineEntry, ...]


def _day(d: date | None) -> str:
    return f"{d.year}年{d.month}月{d.day}日" if d else ""


def _last(steps: list[TimelineEntry], prefixes: tuple[str, ...]) -> TimelineEntry | None:
    hits = [e for e in steps if e.trigger.startswith(prefixes)]
    return hits[-1] if hits else None


def clue_card(session: Session, actor: User, clue: Clue) -> ClueCard:
    """The card's content (``clue_timeline`` checks the jurisdiction)."""
    steps = clue_timeline(session, actor, clue)
    approved = _last(steps, tuple(f"approve_{r.value}" for r in Route))
    found = _last(steps, ("record_findings",))
    closed = _last(steps, ("approve_write_off",))
    per_person: dict[str, list[str]] = {}
    for s in outcomes.sanctions(session, clue):
        done = f"，{_day(s.executed_on)}执行" if s.executed_on else "，尚未执行"
        per_person.setdefault(s.subject.name, []).append(
            f"{s.kind_label}（{_day(s.decided_on)}决定{done}）"
        )
    return ClueCard(
        reference=clue.reference,
        unit=clue.unit.name,
        channel=CHANNEL_LABELS.get(clue.channel, "其他"),
        received_on=local_date(clue.received_at),
        handler=clue.handler.display_name if clue.handler else "未指定",
        state=clue.state_label,
        summary=clue.summary,
        content=clue.content,
        # The recorded subjects; before any is recorded, the institution the tip named.
        subjects=tuple(s.label for s in records.subjects(session, clue))
        or ((clue.accused_unit.name,) if clue.accused_unit else ()),
        route=Signed(
            ROUTE_LABELS.get(clue.route or "", "尚未批准"),
            approved.at if approved else None,
            approved.actor if approved else None,
        ),
        verdict=Signed(
            FINDINGS_LABELS.get(clue.findings or "", "未作核查结论")
            + (f"：{clue.findings_text}" if clue.findings_text else ""),
            found.at if found else None,
            found.actor if found else None,
        ),
        sanctions=tuple(CardLine(n, "；".join(v)) for n, v in per_person.items()),
        referrals=tuple(
            f"{r.target_label}：{r.organ}，{_day(r.sent_on)}移送"
            + (f"，{_day(r.received_on)}回执" if r.received_on else "")
            + (f"，结果：{r.outcome}" if r.outcome else "")
            for r in outcomes.referrals(session, clue)
        ),
        feedback=tuple(
            f"{f.mode_label}"
            + (f"（{f.method_label}）" if f.method else "")
            + (f"，{_day(f.given_on)}" if f.given_on else "")
            for f in outcomes.feedback_records(session, clue)
        ),
        written_off=Signed(
            "已销号" if closed else "未销号",
            closed.at if closed else None,
            closed.actor if closed else None,
        ),
        steps=tuple(steps),
    )
