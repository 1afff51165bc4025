"""Typical cases for a 通报: the closed clues of a period and scope, and each one's text.

"Closed" is 销号 (``written_off``); the period is the day the 销号 was approved. Filters:
问题类别, the accused institution's class (统计表 classes: 二级以上公立 …) and a sanction
kind any subject received. Jurisdiction: the actor's visible units, narrowed to a scope.

A case's text comes from the handling record only — the subjects, the written findings
and the sanctions — anonymised by ``documents.anonymise``; the tip's content and its
reporter are never read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from cases import outcomes, records
from cases.handling_models import ClueSubject, Sanction
from cases.models import Clue
from cases.reference import category_label
from cases.states import ClueState
from config.errors import ValidationError
from config.localtime import LOCAL_TZ
from directory.jurisdiction import visible_unit_ids
from directory.models import OrgUnit, User
from directory.permissions import Capability, require
from documents.anonymise import anonymise, pseudonyms
from workflow.models import TransitionLog

MAX_CANDIDATES = 200
MAX_PERIOD_DAYS = 3660


@dataclass(frozen=True)
class CaseFilter:
    period_from: date
    period_to: date
    scope_unit_id: int | None = None
    category: str = ""
    stat_class: str = ""
    sanction: str = ""

    def as_json(self) -> dict[str, object]:
        return {
            "scope_unit_id": self.scope_unit_id,
            "category": self.category,
            "stat_class": self.stat_class,
            "sanction": self.sanction,
        }


@dataclass(frozen=True)
class Candidate:
    clue: Clue
    closed_at: datetime
    heading: str


@dataclass(frozen=True)
class CaseText:
    heading: str
    text: str
    names: tuple[str, ...]  # the recorded names the text must not contain


def _start(day: date) -> datetime:
    return datetime.combine(day, time(0), LOCAL_TZ)


def check_period(f: CaseFilter) -> None:
    if f.period_to < f.period_from:
        raise ValidationError("统计期间的结束日期不能早于开始日期。")
    if (f.period_to - f.period_from).days > MAX_PERIOD_DAYS:
        raise ValidationError("统计期间不能超过十年。")


def candidates(session: Session, actor: User, f: CaseFilter) -> list[Candidate]:
    """Closed clues in the actor's jurisdiction matching ``f``, latest closed first."""
    require(actor, Capability.BULLETINS_DRAFT)
    check_period(f)
    closed = (
        select(TransitionLog.subject_id, func.max(TransitionLog.at).label("at"))
        .where(TransitionLog.lifecycle == "clue", TransitionLog.trigger == "approve_write_off")
        .group_by(TransitionLog.subject_id)
        .subquery()
    )
    stmt = (
        select(Clue, closed.c.at)
        .join(closed, closed.c.subject_id == Clue.id)
        .where(
            Clue.state == ClueState.WRITTEN_OFF,
            Clue.unit_id.in_(visible_unit_ids(session, actor)),
            closed.c.at >= _start(f.period_from),
            closed.c.at < _start(f.period_to + timedelta(days=1)),
        )
    )
    if f.scope_unit_id:
        scope = session.get(OrgUnit, f.scope_unit_id)
        path = scope.path if scope else "\x00"
        stmt = stmt.where(
            Clue.unit_id.in_(
                select(OrgUnit.id).where(OrgUnit.path.startswith(path, autoescape=True))
            )
        )
    if f.category:
        stmt = stmt.where(Clue.category == f.category)
    if f.stat_class:
        stmt = stmt.where(
            Clue.accused_unit_id.in_(select(OrgUnit.id).where(OrgUnit.stat_class == f.stat_class))
        )
    if f.sanction:
        stmt = stmt.where(
            exists().where(Sanction.clue_id == Clue.id, Sanction.kind == f.sanction)
        )
    rows = session.execute(stmt.order_by(closed.c.at.desc(), Clue.id.desc()).limit(MAX_CANDIDATES))
    return [Candidate(c, at, case_text(session, c).heading) for c, at in rows]


def _day(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def _problem(category: str | None) -> str:
    label = category_label(category)
    number, dot, rest = label.partition(". ")
    text = rest if dot and number.isdigit() else label
    return "其他违规" if text == "其他" else text


def case_text(session: Session, clue: Clue) -> CaseText:
    """The anonymised heading and paragraph of one clue, for the reviewer to edit."""
    subjects = records.subjects(session, clue)
    persons = [s for s in subjects if s.kind == "person"]
    names = pseudonyms(s.name for s in persons)
    who = persons[0] if persons else None
    institution = _institution(clue, who)
    if who is not None:
        person = names[who.name.strip()]
        heading = f"{institution}{who.post_label}{person}{_problem(clue.category)}问题"
    else:
        heading = f"{institution}{_problem(clue.category)}问题"
    parts: list[str] = []
    findings = (clue.findings_text or "").strip().rstrip("。")
    if findings:
        when = f"{_day(clue.findings_on)}，" if clue.findings_on else ""
        parts.append(f"{when}经核查，{findings}。")
    parts.extend(_sanction_lines(session, clue, names))
    text = anonymise("".join(parts) or f"{_problem(clue.category)}问题经核查已办结。", names)
    return CaseText(anonymise(heading, names), text, tuple(names))


def _institution(clue: Clue, who: ClueSubject | None) -> str:
    if who is not None and who.institution is not None:
        return who.institution.name
    if who is not None and who.institution_name:
        return who.institution_name
    return clue.accused_unit.name if clue.accused_unit else ""


def _sanction_lines(session: Session, clue: Clue, names: dict[str, str]) -> list[str]:
    per_subject: dict[str, list[str]] = {}
    for s in outcomes.sanctions(session, clue):
        who = names.get(s.subject.name.strip(), s.subject.name)
        per_subject.setdefault(who, []).append(s.kind_label)
    return [f"{who}受到{'、'.join(kinds)}处理。" for who, kinds in per_subject.items()]
