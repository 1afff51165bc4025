"""Services for the facts of a clue: subjects, violation facts, talks, inquiry letters,
the verification plan, and handing a clue down to a lower unit for verification.

Each is the ``apply`` of one action in ``cases.record_actions``: ``perform`` has checked
jurisdiction, the editor and the state (``cases.audit``) and cleaned every field by its
declaration, so a service takes typed values and keeps only the rules that span fields
or rows. It flushes, logs a ``ClueEvent`` and never commits.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cases.audit import record_event, require_section
from cases.handling_models import ClueSubject, InquiryLetter, TalkRecord
from cases.models import Clue
from cases.pending_deadlines import INQUIRY, due_text, side_clock_due
from cases.reference import VIOLATION_CATEGORIES
from cases.service import NewClue, create_clue
from config.errors import NotFound, ValidationError
from directory.models import OrgUnit, UnitKind, User
from workflow.engine import local_today
from workflow.fields import Problems


def add_subject(session: Session, actor: User, clue: Clue, v: Mapping[str, Any]):
    """Record a person (name, post, institution) or an institution the clue is about."""
    r = Problems()
    if v["kind"] == "person" and not v["post"]:
        r.error("post", "请选择“岗位”。")
    institution = None
    if v["institution_id"]:
        institution = session.get(OrgUnit, v["institution_id"])
        if institution is None or not institution.path.startswith(clue.unit.path):
            r.error("institution_id", "所在机构须为本单位管辖范围内的机构。")
    r.done()
    subject = ClueSubject(
        clue_id=clue.id,
        kind=v["kind"],
        name=v["name"],
        post=v["post"] if v["kind"] == "person" else None,
        institution_id=institution.id if institution else None,
        institution_name=v["institution_name"],
        note=v["note"],
    )
    session.add(subject)
    session.flush()
    record_event(session, actor, clue, "subject.add", f"登记当事人：{subject.label}")
    return subject


def remove_subject(session: Session, actor: User, clue: Clue, subject_id: int) -> None:
    """Remove a subject recorded by mistake; one with sanctions stays (they refer to it)."""
    require_section(session, actor, clue, "subjects")
    subject = _own(session, ClueSubject, clue, subject_id)
    if subject.sanctions:
        raise ValidationError("该当事人已有处理记录，不能删除。")
    label = subject.label
    session.delete(subject)
    session.flush()
    record_event(session, actor, clue, "subject.remove", f"删除当事人：{label}")


def subjects(session: Session, clue: Clue) -> list[ClueSubject]:
    return list(
        session.scalars(
            select(ClueSubject).where(ClueSubject.clue_id == clue.id).order_by(ClueSubject.id)
        )
    )


def update_facts(session: Session, actor: User, clue: Clue, v: Mapping[str, Any]) -> Clue:
    """Violation category, amounts involved and recovered (万元), as the forms count them."""
    category, amount = v["category"], v["amount_involved"]
    recovered = v["funds_recovered"]
    changes = {
        "category": category,
        "amount_involved": amount,
        "funds_recovered": recovered,
    }
    for key, value in changes.items():
        setattr(clue, key, value)
    session.flush()
    record_event(
        session,
        actor,
        clue,
        "facts.update",
        f"问题类别：{VIOLATION_CATEGORIES[category or 'other']}；涉案金额：{amount or 0} 万元；"
        f"追回资金：{recovered or 0} 万元",
        {k: str(x) if x is not None else None for k, x in changes.items()},
    )
    return clue


def update_verification_plan(session: Session, actor: User, clue: Clue, v: Mapping[str, Any]):
    """The verification plan (核查方案) written before evidence is gathered."""
    clue.verification_plan = v["plan"]
    session.flush()
    record_event(session, actor, clue, "verification.plan", "更新核查方案", {})
    return clue


def add_talk(session: Session, actor: User, clue: Clue, v: Mapping[str, Any]) -> TalkRecord:
    """A record of a talk (谈话记录) during 谈话函询."""
    talk = TalkRecord(clue_id=clue.id, **v)
    session.add(talk)
    session.flush()
    record_event(session, actor, clue, "talk.add", f"谈话：{talk.person}（{talk.talked_on}）")
    return talk


def add_inquiry(session: Session, actor: User, clue: Clue, v: Mapping[str, Any]) -> InquiryLetter:
    """An inquiry letter (函询函); the reply is due 15 working days after it is sent."""
    recipient, sent_on = v["recipient"], v["sent_on"]
    letter = InquiryLetter(clue_id=clue.id, recipient=recipient, sent_on=sent_on)
    session.add(letter)
    session.flush()
    letter.reply_due = side_clock_due(session, INQUIRY, "inquiry_reply", letter.id, clue, sent_on)
    session.flush()
    due = due_text(session, INQUIRY, letter.id, letter.reply_due)
    record_event(session, actor, clue, "inquiry.add", f"函询：{recipient}，回复期限 {due}")
    return letter


def record_inquiry_reply(
    session: Session, actor: User, clue: Clue, v: Mapping[str, Any]
) -> InquiryLetter:
    """The written reply to an inquiry letter (date received and summary)."""
    letter = _own(session, InquiryLetter, clue, v["letter_id"])
    received, summary = v["reply_received_on"], v["reply_summary"]
    if received < letter.sent_on:
        Problems.refuse("reply_received_on", "收到回复日期不能早于发函日期。")
    letter.reply_received_on, letter.reply_summary = received, summary
    session.flush()
    record_event(session, actor, clue, "inquiry.reply", f"收到{letter.recipient}的函询回复")
    return letter


def inquiries(session: Session, clue: Clue) -> list[InquiryLetter]:
    stmt = select(InquiryLetter).where(InquiryLetter.clue_id == clue.id)
    return list(session.scalars(stmt.order_by(InquiryLetter.id)))


def talks(session: Session, clue: Clue) -> list[TalkRecord]:
    stmt = select(TalkRecord).where(TalkRecord.clue_id == clue.id).order_by(TalkRecord.id)
    return list(session.scalars(stmt))


def hand_down(session: Session, actor: User, clue: Clue, v: Mapping[str, Any]) -> Clue:
    """Hand the clue down to a lower unit or institution for verification by a deadline;
    the child clue links back and its result shows on this clue (``children``)."""
    r = Problems()
    due, note = v["due"], v["note"]
    target = session.get(OrgUnit, v["target_unit_id"])
    if (
        target is None
        or target.kind == UnitKind.OFFICE
        or target.id == clue.unit_id
        or not target.path.startswith(clue.unit.path)
    ):
        r.error("target_unit_id", "只能交办给本单位管辖的下级单位或医疗机构。")
    if due <= local_today():
        r.error("due", "办理期限须晚于今天。")
    if target is None and "target_unit_id" not in r.errors:
        r.error("target_unit_id", "请选择交办单位。")
    r.done()
    assert target is not None
    child = create_clue(
        session,
        None,
        target,
        NewClue(
            channel="superior",
            summary=clue.summary,
            content=f"{clue.content}\n\n【交办要求】{note}".strip(),
            category=clue.category,
            handed_down=True,
            superior_ref=clue.reference,
            superior_due=due,
            accused_unit_id=clue.accused_unit_id,
        ),
    )
    child.parent_id = clue.id
    session.flush()
    record_event(
        session,
        actor,
        clue,
        "hand_down",
        f"交办{target.name}核查，期限 {due}：{note}",
        {"child_id": child.id},
    )
    return child


def children(session: Session, clue: Clue) -> list[Clue]:
    """Clues handed down from this one, with their state and findings (reported back up)."""
    return list(session.scalars(select(Clue).where(Clue.parent_id == clue.id).order_by(Clue.id)))


def _own(session: Session, model: Any, clue: Clue, record_id: int) -> Any:
    row = session.get(model, record_id)
    if row is None or row.clue_id != clue.id:
        raise NotFound("未找到该记录。")
    return row
