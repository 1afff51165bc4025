"""通报 services: draft from picked cases, edit, issue with a 文号, publish to the portal.

Who: office staff with ``BULLETINS_DRAFT`` (handlers, leaders) pick cases and edit the
draft; a leader (``BULLETINS_ISSUE``) issues and publishes. Where: a 通报 belongs to the
body of its drafter; staff who see that body (``directory.jurisdiction``) read it, and
each picked clue must be in the drafter's jurisdiction. Issuing refuses a text that still
contains a recorded name; the issued DOCX and PDF are sealed in the file store and their
SHA-256 goes into the audit chain; an issued 通报 is never edited again.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from cases.handling_models import ClueSubject
from config.audit_log import record_event
from config.database import is_valid_id, utcnow
from config.errors import Conflict, InvalidTransition, NotFound, ValidationError
from config.filenames import client_filename
from config.filestore import FileStore
from config.localtime import local_date
from config.textlimits import checked
from directory.jurisdiction import body_of, can_see_unit, visible_unit_ids
from directory.models import User
from directory.permissions import Capability, can, require
from documents.anonymise import leftover_names
from documents.bulletin_cases import CaseFilter, candidates, case_text, check_period
from documents.bulletin_models import DRAFT, ISSUED, Bulletin, BulletinCase
from documents.bulletin_render import render_bulletin
from documents.models import DocumentType
from documents.numbers import issue_number

MAX_CASES = 20
TEXT_LIMIT = 5000
BULLETIN_TYPE = "bulletin"  # the document type code each body sets up (文种 通报)
_NOT_FOUND = "未找到该通报，或不在您的管辖范围内。"


@dataclass(frozen=True)
class CaseEdit:
    case_id: int
    heading: str
    text: str
    keep: bool = True


@dataclass(frozen=True)
class BulletinEdit:
    title: str
    recipients: str
    intro: str
    closing: str
    cases: tuple[CaseEdit, ...]


def default_title(f: CaseFilter) -> str:
    return f"关于{f.period_from.year}年医疗卫生行业作风问题典型案例的通报"


def _intro(f: CaseFilter, count: int) -> str:
    return (
        f"{f.period_from.year}年{f.period_from.month}月至{f.period_to.year}年{f.period_to.month}月，"
        f"我局坚持严的基调，严肃查处医疗卫生行业作风问题。为进一步严明纪律、强化警示，"
        f"现将{count}起典型案例通报如下："
    )


CLOSING = (
    "各单位要深刻汲取上述案例教训，用身边事教育身边人，认真开展警示教育，"
    "举一反三、查漏补缺，切实加强行业作风建设。"
)


def draft(
    session: Session, actor: User, f: CaseFilter, clue_ids: Sequence[int], title: str = ""
) -> Bulletin:
    """A draft with the picked clues as anonymised cases, in the order picked."""
    require(actor, Capability.BULLETINS_DRAFT)
    check_period(f)
    wanted = list(dict.fromkeys(i for i in clue_ids if is_valid_id(i)))
    if not wanted:
        message = "请至少选择一起典型案例。"
        raise ValidationError(message, details={"clue_ids": message})
    if len(wanted) > MAX_CASES:
        raise ValidationError(f"一期通报最多选择 {MAX_CASES} 起案例。")
    allowed = {c.clue.id: c.clue for c in candidates(session, actor, f)}
    missing = [i for i in wanted if i not in allowed]
    if missing:
        raise ValidationError(
            "所选线索不在本期筛选范围内（须为管辖范围内已销号的线索），请重新筛选。"
        )
    title = checked(title or default_title(f), Bulletin.title, "通报标题", field="title")
    bulletin = Bulletin(
        body_id=body_of(session, actor.unit).id,
        title=title,
        recipients="各医疗卫生单位，局机关各股室",
        intro=_intro(f, len(wanted)),
        closing=CLOSING,
        period_from=f.period_from,
        period_to=f.period_to,
        criteria=f.as_json(),
        created_by_id=actor.id,
    )
    session.add(bulletin)
    session.flush()
    for position, clue_id in enumerate(wanted, start=1):
        text = case_text(session, allowed[clue_id])
        session.add(
            BulletinCase(
                bulletin_id=bulletin.id, clue_id=clue_id, position=position,
                heading=text.heading[:200], text=text.text,
            )
        )
    session.flush()
    _audit(session, actor, bulletin, "bulletin.drafted", {"clues": wanted})
    return bulletin


def get(session: Session, actor: User, bulletin_id: int) -> Bulletin:
    """A 通报 of a body the actor sees (office staff only), else ``NotFound``."""
    bulletin = session.get(Bulletin, bulletin_id) if is_valid_id(bulletin_id) else None
    if (
        bulletin is None
        or not (can(actor, Capability.CLUES_READ) or can(actor, Capability.BULLETINS_DRAFT))
        or not can_see_unit(session, actor, bulletin.body_id)
    ):
        raise NotFound(_NOT_FOUND)
    return bulletin


def listing(session: Session, actor: User) -> list[Bulletin]:
    if not (can(actor, Capability.CLUES_READ) or can(actor, Capability.BULLETINS_DRAFT)):
        return []
    stmt = select(Bulletin).where(Bulletin.body_id.in_(visible_unit_ids(session, actor)))
    return list(session.scalars(stmt.order_by(Bulletin.id.desc()).limit(200)))


def _editable(session: Session, actor: User, bulletin_id: int, version: int | None) -> Bulletin:
    bulletin = get(session, actor, bulletin_id)
    require(actor, Capability.BULLETINS_DRAFT)
    if bulletin.state != DRAFT:
        raise InvalidTransition("该通报已印发，不能再修改。")
    if version is not None and version != bulletin.version:
        raise Conflict("该通报已被他人修改，请刷新页面后重新编辑。")
    return bulletin


def edit(
    session: Session, actor: User, bulletin_id: int, e: BulletinEdit, version: int | None
) -> Bulletin:
    """Save the reviewer's text: title, 主送, opening, closing, each case (or drop it)."""
    bulletin = _editable(session, actor, bulletin_id, version)
    bulletin.title = checked(e.title, Bulletin.title, "通报标题", field="title")
    bulletin.recipients = checked(e.recipients, Bulletin.recipients, "主送单位", field="recipients")
    bulletin.intro = checked(e.intro, None, "开头段落", field="intro", limit=TEXT_LIMIT)
    bulletin.closing = checked(e.closing, None, "结尾要求", field="closing", limit=TEXT_LIMIT)
    if not bulletin.title:
        raise ValidationError("请填写通报标题。", details={"title": "请填写通报标题。"})
    by_id = {c.id: c for c in bulletin.cases}
    for change in e.cases:
        case = by_id.get(change.case_id)
        if case is None:
            raise ValidationError("提交的案例与通报不符，请刷新页面后重新编辑。")
        if not change.keep:
            session.delete(case)
            continue
        label = f"案例{case.position}"
        case.heading = checked(change.heading, BulletinCase.heading, f"{label}标题",
                               field=f"heading_{case.id}")
        case.text = checked(change.text, None, f"{label}内容", field=f"text_{case.id}",
                            limit=TEXT_LIMIT)
        if not case.heading or not case.text:
            message = f"{label}的标题和内容都不能为空（不需要的案例请勾选“移除”）。"
            raise ValidationError(message, details={f"text_{case.id}": message})
    bulletin.version += 1
    bulletin.updated_at = utcnow()
    session.flush()
    session.expire(bulletin, ["cases"])
    _audit(session, actor, bulletin, "bulletin.edited", {"version": bulletin.version})
    return bulletin


def issue(
    session: Session,
    actor: User,
    bulletin_id: int,
    files: FileStore,
    version: int | None,
) -> Bulletin:
    """Number the draft (文号 of the body's 通报 type), render and seal DOCX and PDF."""
    get(session, actor, bulletin_id)
    require(actor, Capability.BULLETINS_ISSUE)
    bulletin = _editable(session, actor, bulletin_id, version)
    if not bulletin.cases:
        raise ValidationError("通报中没有案例，不能印发。")
    _refuse_names(session, bulletin)
    doc_type = session.scalar(
        select(DocumentType).where(
            DocumentType.body_id == bulletin.body_id, DocumentType.code == BULLETIN_TYPE
        )
    )
    if doc_type is None:
        raise ValidationError("本单位尚未设置“通报”文种及文号前缀，请联系管理员在文种设置中添加。")
    number = issue_number(
        session, actor, doc_type, title=bulletin.title, subject_type="bulletin",
        subject_id=bulletin.id,
    )
    now = utcnow()
    bulletin.number_id, bulletin.number_text = number.id, number.text
    bulletin.state, bulletin.issued_by_id, bulletin.issued_at = ISSUED, actor.id, now
    docx, pdf = render_bulletin(bulletin, local_date(now))
    bulletin.docx_name, bulletin.docx_sha256 = _seal(session, files, docx, "docx")
    bulletin.pdf_name, bulletin.pdf_sha256 = _seal(session, files, pdf, "pdf")
    bulletin.version += 1
    session.flush()
    _audit(session, actor, bulletin, "bulletin.issued", {
        "number": number.text, "docx_sha256": bulletin.docx_sha256,
        "pdf_sha256": bulletin.pdf_sha256,
    })
    return bulletin


def _refuse_names(session: Session, bulletin: Bulletin) -> None:
    """No recorded 当事人 name may be left in the text, whatever the reviewer typed."""
    clue_ids = [c.clue_id for c in bulletin.cases]
    names = session.scalars(
        select(ClueSubject.name).where(
            ClueSubject.clue_id.in_(clue_ids), ClueSubject.kind == "person"
        )
    ).all()
    text = "\n".join([bulletin.title, bulletin.intro, bulletin.closing]
                     + [f"{c.heading}\n{c.text}" for c in bulletin.cases])
    left = leftover_names(text, names)
    if left:
        raise ValidationError(
            f"通报中仍有当事人姓名（{'、'.join(sorted(set(left)))}），请改为“某”后再印发。"
        )


def _seal(session: Session, files: FileStore, data: bytes, ext: str) -> tuple[str, str]:
    name = f"{secrets.token_hex(16)}.{ext}"
    files.put(session, name, data)
    return name, hashlib.sha256(data).hexdigest()


def publish(session: Session, actor: User, bulletin_id: int) -> Bulletin:
    """Put an issued 通报 on the portal's notices (its text is already anonymised)."""
    bulletin = get(session, actor, bulletin_id)
    require(actor, Capability.BULLETINS_ISSUE)
    if bulletin.state != ISSUED:
        raise InvalidTransition("通报印发后才能在门户网站公开。")
    if bulletin.published_at is None:
        bulletin.published_at = utcnow()
        session.flush()
        _audit(session, actor, bulletin, "bulletin.published", {})
    return bulletin


def issued_file(
    session: Session, actor: User, bulletin_id: int, kind: str, files: FileStore
) -> tuple[str, bytes]:
    """The issued DOCX or PDF and its download name (文号 and title)."""
    bulletin = get(session, actor, bulletin_id)
    stored = bulletin.docx_name if kind == "docx" else bulletin.pdf_name
    if kind not in ("docx", "pdf") or bulletin.state != ISSUED or not stored:
        raise NotFound("该通报尚未印发，没有可下载的文件。")
    name = client_filename(f"{bulletin.number_text}{bulletin.title}.{kind}", f"通报.{kind}")
    return name, files.get(session, stored)


def public(session: Session, limit: int = 10) -> list[Bulletin]:
    """Published 通报, newest first, for the portal."""
    stmt = select(Bulletin).where(Bulletin.published_at.is_not(None))
    return list(session.scalars(stmt.order_by(Bulletin.published_at.desc()).limit(limit)))


def public_one(session: Session, bulletin_id: int) -> Bulletin:
    bulletin = session.get(Bulletin, bulletin_id) if is_valid_id(bulletin_id) else None
    if bulletin is None or bulletin.published_at is None:
        raise NotFound("未找到该通报。")
    return bulletin


def _audit(session: Session, actor: User, b: Bulletin, kind: str, detail: dict) -> None:
    record_event(session, actor_id=actor.id, kind=kind, subject_type="bulletin",
                 subject_id=b.id, detail=detail)
