"""Tips that arrive by e-mail: poll the IMAP mailbox or import .eml/.mbox files.

Nothing is lost: a message becomes a tip (idempotent by Message-ID, unique) whose
original bytes are kept with it (``MailOriginal``), or, when it cannot be read (not an
e-mail, or text no charset decodes), goes whole into the quarantine for a clerk to
resolve. Both are encrypted; a garbled tip of U+FFFD characters is never made. Mailbox tips wait
in the mailbox queue without a clue until a clerk opens them (spam never reaches the
clue ledger); ``cases.intake.clue_for_tip`` then opens the clue.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field, replace

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from config.database import utcnow
from config.errors import DomainError, NotFound, ValidationError
from config.settings import Settings
from directory.jurisdiction import unit_visible
from directory.models import OrgUnit, User
from directory.permissions import Capability, can, require
from directory.tabular import database_refusal
from tips.attachments import Upload
from tips.imap import fetch_new
from tips.mail import MailParseError, ParsedMail, parse_message, read_eml_or_mbox
from tips.models import MailboxState, MailOriginal, MailQuarantine, QuarantineStatus, Tip
from tips.routing import intake_unit, named_in_text, supervisor_of
from tips.service import (
    CONTENT_MAX,
    Identity,
    NewTip,
    Vault,
    create_tip,
    decrypt_bytes,
    encrypt_bytes,
)


@dataclass
class IngestReport:
    tips: list[int] = field(default_factory=list)
    quarantined: list[int] = field(default_factory=list)
    skipped: int = 0  # already stored (same Message-ID or same raw bytes)
    outcomes: Counter[str] = field(default_factory=Counter)

    def summary(self) -> str:
        return (
            f"新举报 {len(self.tips)} 件，隔离 {len(self.quarantined)} 封，"
            f"已存在跳过 {self.skipped} 封"
        )


def new_tip_from_mail(mail: ParsedMail, uid: int | None) -> NewTip:
    content = mail.body.strip() or mail.subject.strip() or "（邮件无正文，见附件）"
    # A mail has no one to ask to shorten it: keep the tip, cut at the limit.
    content = content[:CONTENT_MAX]
    return NewTip(
        channel="mailbox",
        content=content,
        summary=mail.subject.strip()[:200],
        meta={"message_id": mail.message_id[:255], "subject": mail.subject.strip()[:500]},
        identity=Identity(name=mail.from_name, email=mail.from_address),
        attachments=[Upload(a.filename, a.data) for a in mail.attachments],
        received_at=mail.date or utcnow(),
        message_id=mail.message_id[:255],
        mail_uid=uid,
    )


def quarantine(
    session: Session,
    unit: OrgUnit,
    raw: bytes,
    reason: str,
    vault: Vault,
    *,
    source: str,
    uid: int | None = None,
) -> MailQuarantine | None:
    """Keep the raw message whole (encrypted); None if these very bytes are already kept."""
    digest = hashlib.sha256(raw).hexdigest()
    if session.scalar(select(MailQuarantine.id).where(MailQuarantine.raw_sha256 == digest)):
        return None
    row = MailQuarantine(
        raw_token=encrypt_bytes(vault.keyring, raw),
        raw_sha256=digest,
        size=len(raw),
        reason=reason,
        source=source[:200],
        mail_uid=uid,
        unit_id=unit.id,
        received_at=utcnow(),
        status=QuarantineStatus.OPEN,
    )
    session.add(row)
    session.flush()
    return row


def ingest(
    session: Session,
    unit: OrgUnit,
    raw: bytes,
    vault: Vault,
    report: IngestReport,
    *,
    source: str,
    uid: int | None = None,
    route: bool = False,
) -> None:
    """One raw message: a tip, a quarantine row, or nothing when it is already stored.

    With ``route``, a message that names one unit of the directory goes to the body that
    supervises it (``tips.routing``); ``unit`` receives the rest."""
    try:
        mail = parse_message(raw)
    except MailParseError as err:
        row = quarantine(session, unit, raw, err.message, vault, source=source, uid=uid)
        _count_quarantine(report, row)
        return
    if session.scalar(select(Tip.id).where(Tip.message_id == mail.message_id[:255])):
        report.skipped += 1
        return
    if unreadable := mail.unreadable:
        reason = (
            f"邮件的{'、'.join(unreadable)}无法按任何字符编码正确解码（出现乱码），"
            "请查看原始邮件后人工转录。"
        )
        row = quarantine(session, unit, raw, reason, vault, source=source, uid=uid)
        _count_quarantine(report, row)
        return
    new = new_tip_from_mail(mail, uid)
    named = named_in_text(session, f"{mail.subject}\n{new.content}") if route else None
    if named is not None:
        new = replace(new, accused_unit_id=named.id, accused_unit_name=named.name)
    savepoint = session.begin_nested()
    try:
        body = supervisor_of(session, named) if named is not None else unit
        tip = create_tip(session, None, body, new, vault)
        keep_original(session, tip, raw, vault)
    except (DomainError, SQLAlchemyError) as err:
        # Refused by a check or by the database itself: the mail is kept in quarantine
        # with the reason, never lost and never a crash of the whole batch.
        savepoint.rollback()
        reason = err.message if isinstance(err, DomainError) else database_refusal(err)[1]
        row = quarantine(session, unit, raw, reason, vault, source=source, uid=uid)
        _count_quarantine(report, row)
        return
    savepoint.commit()
    report.tips.append(tip.id)


def keep_original(session: Session, tip: Tip, raw: bytes, vault: Vault) -> MailOriginal:
    """Keep the bytes a mail tip arrived as, encrypted, beside the tip made from them."""
    original = MailOriginal(
        tip_id=tip.id,
        raw_token=encrypt_bytes(vault.keyring, raw),
        raw_sha256=hashlib.sha256(raw).hexdigest(),
        size=len(raw),
    )
    session.add(original)
    session.flush()
    return original


def original_of(session: Session, actor: User, tip: Tip, vault: Vault) -> bytes | None:
    """The original mail of a tip the actor may read (intake roles only), or None."""
    if not can(actor, Capability.INTAKE) or not unit_visible(session, actor, tip.unit):
        raise NotFound("未找到原始邮件，或不在您的管辖范围内。")
    original = session.scalar(select(MailOriginal).where(MailOriginal.tip_id == tip.id))
    return None if original is None else decrypt_bytes(vault.keyring, original.raw_token)


def _count_quarantine(report: IngestReport, row: MailQuarantine | None) -> None:
    if row is None:
        report.skipped += 1
    else:
        report.quarantined.append(row.id)


def import_file(
    session: Session,
    unit: OrgUnit,
    filename: str,
    data: bytes,
    vault: Vault,
    *,
    route: bool = False,
) -> IngestReport:
    """Every message of an .eml or .mbox file (a wrong file type is refused whole); with
    ``route`` each goes where it names, as a polled message would."""
    report = IngestReport()
    for index, raw in enumerate(read_eml_or_mbox(filename, data), start=1):
        ingest(session, unit, raw, vault, report, source=f"{filename}#{index}", route=route)
    return report


@dataclass
class PollResult:
    report: IngestReport
    uids: list[int]
    uidvalidity: int
    more: bool


def mailbox_key(settings: Settings) -> str:
    return f"{settings.imap_user}@{settings.imap_host}:{settings.imap_port}/{settings.imap_mailbox}"


def poll(session: Session, settings: Settings, vault: Vault) -> PollResult:
    """Fetch new messages since the last stored UID and ingest them; the caller commits,
    then flags the UIDs \\Seen (``tips.imap.mark_seen``) — never before the commit."""
    if not settings.imap_host:
        raise ValidationError("未配置举报邮箱：请设置 QINGFENG_IMAP_HOST 等参数。")
    unit = intake_unit(session, settings)
    key = mailbox_key(settings)
    state = session.get(MailboxState, key) or MailboxState(mailbox=key)
    session.add(state)
    fetched = fetch_new(
        settings.imap_host,
        settings.imap_port,
        settings.imap_user,
        settings.imap_password,
        mailbox=settings.imap_mailbox,
        ssl=settings.imap_ssl,
        since_uid=state.last_uid,
        uidvalidity=state.uidvalidity,
    )
    report = IngestReport()
    for uid, raw in fetched.messages:
        ingest(session, unit, raw, vault, report, source=f"IMAP UID {uid}", uid=uid, route=True)
    state.uidvalidity = fetched.uidvalidity
    if fetched.highest_uid is not None:
        state.last_uid = max(fetched.highest_uid, state.last_uid or 0)
    state.last_polled_at = utcnow()
    session.flush()
    return PollResult(report, [u for u, _ in fetched.messages], fetched.uidvalidity, fetched.more)


def get_quarantined(session: Session, actor: User, item_id: int) -> MailQuarantine:
    row = session.get(MailQuarantine, item_id)
    unit = session.get(OrgUnit, row.unit_id) if row else None
    if row is None or unit is None or not unit_visible(session, actor, unit):
        raise NotFound("未找到该隔离邮件，或不在您的管辖范围内。")
    require(actor, Capability.INTAKE)
    return row


def raw_message(session: Session, actor: User, row: MailQuarantine, vault: Vault) -> bytes:
    """The quarantined bytes, for the clerk resolving it (intake roles of its body only)."""
    if not can(actor, Capability.INTAKE):
        raise NotFound("未找到该隔离邮件，或不在您的管辖范围内。")
    return decrypt_bytes(vault.keyring, row.raw_token)


def _open(row: MailQuarantine) -> None:
    if row.status != QuarantineStatus.OPEN:
        raise ValidationError("该隔离邮件已处理。")


def dismiss(session: Session, actor: User, row: MailQuarantine, reason: str) -> None:
    """Close a quarantined message as not a tip (spam, empty); the raw bytes stay kept."""
    _open(row)
    if not reason.strip():
        raise ValidationError("请填写不作为举报处理的理由。")
    row.status = QuarantineStatus.DISMISSED
    row.resolution = reason.strip()
    row.resolved_by_id = actor.id
    row.resolved_at = utcnow()
    session.flush()


def convert(session: Session, actor: User, row: MailQuarantine, new: NewTip, vault: Vault) -> Tip:
    """Turn a quarantined message into a tip the clerk typed from it."""
    _open(row)
    unit = session.get(OrgUnit, row.unit_id)
    assert unit is not None
    tip = create_tip(session, actor, unit, new, vault)
    row.status = QuarantineStatus.CONVERTED
    row.tip_id = tip.id
    row.resolution = f"已转为举报 #{tip.id}"
    row.resolved_by_id = actor.id
    row.resolved_at = utcnow()
    session.flush()
    return tip
