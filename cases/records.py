"""Services for the facts of a clue: subjects, violation facts, talks, inquiry letters,
the verification plan, and handing a clue down to a lower unit for verification.

Each takes the session and the acting user, checks jurisdiction, the editor and the
state (``cases.audit``), flushes, logs a ``ClueEvent`` and never commits.
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
from cases.reference import POSTS, SUBJECT_KINDS, VIOLATION_CATEGORIES
from cases.service import NewClue, create_clue
from cases.values import Reader
from config.errors import NotFound, ValidationError
from directory.models import OrgUnit, UnitKind, User
from workflow.engine import local_today


def add_subject(session: Session, actor: User, clue: Clue, data: Mapping[str, Any]):
    """Record a person (name, post, institution) or an institution the clue is about."""
    require_section(session, actor, clue, "subjects")
    r = Reader(data)
    kind = r.choice("kind", "类型", SUBJECT_KINDS)
    name = r.text("name", "姓名/名称", max_len=100)
    post = r.choice("post", "岗位", POSTS, required=kind == "person")
    institution_id = r.integer("institution_id", "所在机构", required=False)
    institution_name = r.text("institution_name", "所在机构名称", required=False, max_len=200)
    note = r.text("note", "备注", required=False)
    institution = None
    if institution_id:
        institution = session.get(OrgUnit, institution_id)
        if institution is None or not institution.path.startswith(clue.unit.path):
            r.error("institution_id", "所在机构须为本单位管辖范围内的机构。")
    r.done()
    subject = ClueSubject(
        clue_id=clue.id,
        kind=kind,
        name=name,
        post=post if kind == "person" else None,
        institution_id=institution.id if institution else None,
        institution_name=institution_name,
        note=note,
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


def update_facts(session: Session, actor: User, clue: Clue, data: Mapping[str, Any]) -> None:
    """Violation category, amounts involved and recovered (万元), as the forms count them."""
    require_section(session, actor, clue, "facts")
    r = Reader(data)
    category = r.choice("category", "问题类别", VIOLATION_CATEGORIES)
    amount = r.decimal("amount_involved", "涉案金额（万元）")
    recovered = r.decimal("funds_recovered", "追回资金（万元）")
    r.done()
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
        {k: str(v) if v is not None else None for k, v in changes.items()},
    )


def update_verification_plan(session: Session, actor: User, clue: Clue, plan: str) -> None:
    """The verification plan (核查方案) written before evidence is gathered."""
    require_section(session, actor, clue, "verification")
    if not plan.strip():
        raise ValidationError("请填写“核查方案”。", details={"plan": "请填写“核查方案”。"})
    clue.verification_plan = plan.strip()
    session.flush()
    record_event(session, actor, clue, "verification.plan", "更新核查方案", {})


def add_talk(session: Session, actor: User, clue: Clue, data: Mapping[str, Any]) -> TalkRecord:
    """A record of a talk (谈话记录) during 谈话函询."""
    require_section(session, actor, clue, "talks")
    r = Reader(data)
    talk = TalkRecord(
        clue_id=clue.id,
        talked_on=r.date("talked_on", "谈话日期"),
        person=r.text("person", "谈话对象", max_len=100),
        talkers=r.text("talkers", "谈话人", required=False, max_len=200),
        content=r.text("content", "谈话内容"),
    )
    r.done()
    session.add(talk)
    session.flush()
    record_event(session, actor, clue, "talk.add", f"谈话：{talk.person}（{talk.talked_on}）")
    return talk


def add_inquiry(
    session: Session, actor: User, clue: Clue, data: Mapping[str, Any]
) -> InquiryLetter:
    """An inquiry letter (函询函); the reply is due 15 working days after it is sent."""
    require_section(session, actor, clue, "talks")
    r = Reader(data)
    recipient = r.text("recipient", "被函询人", max_len=100)
    sent_on = r.date("sent_on", "发函日期")
    r.done()
    assert sent_on is not None
    letter = InquiryLetter(clue_id=clue.id, recipient=recipient, sent_on=sent_on)
    session.add(letter)
    session.flush()
    letter.reply_due = side_clock_due(session, INQUIRY, "inquiry_reply", letter.id, clue, sent_on)
    session.flush()
    due = due_text(session, INQUIRY, letter.id, letter.reply_due)
    record_event(session, actor, clue, "inquiry.add", f"函询：{recipient}，回复期限 {due}")
    return letter


def record_inquiry_reply(
    session: Session, actor: User, clue: Clue, letter_id: int, data: Mapping[str, Any]
) -> InquiryLetter:
    """The written reply to an inquiry letter (date received and summary)."""
    require_section(session, actor, clue, "talks")
    letter = _own(session, InquiryLetter, clue, letter_id)
    r = Reader(data)
    received = r.date("reply_received_on", "收到回复日期")
    summary = r.text("reply_summary", "回复内容摘要")
    if received and received < letter.sent_on:
        r.error("reply_received_on", "收到回复日期不能早于发函日期。")
    r.done()
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


def hand_down(session: Session, actor: User, clue: Clue, data: Mapping[str, Any]) -> Clue:
    """Hand the clue down to a lower unit or institution for verification by a deadline;
    the child clue links back and its result shows on this clue (``children``)."""
    require_section(session, actor, clue, "hand_down")
    r = Reader(data)
    target_id = r.integer("target_unit_id", "交办单位")
    due = r.date("due", "办理期限")
    note = r.text("note", "交办要求")
    target = session.get(OrgUnit, target_id) if target_id else None
    if target_id and (
        target is None
        or target.kind == UnitKind.OFFICE
        or target.id == clue.unit_id
        or not target.path.startswith(clue.unit.path)
    ):
        r.error("target_unit_id", "只能交办给本单位管辖的下级单位或医疗机构。")
    if due and due <= local_today():
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
