"""Tip services: intake from any channel, reading within jurisdiction, revealing the reporter.

Rules: 检举控告工作规则 (2020) 第七章 — a reporter's identity is known only to those who
must handle the matter, and every look at it is recorded; 信访工作条例 — every tip is
registered with its source, nothing that arrives is lost.
"""

from __future__ import annotations

import base64
import json
import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from config.database import is_valid_id, utcnow
from config.errors import NotFound, PermissionDenied, ValidationError
from config.files import not_stored_reason
from config.filestore import FileStore, store_for
from config.reference import POSTS
from config.settings import Settings
from config.textlimits import checked, fit
from directory.jurisdiction import body_of, unit_visible, visible_unit_ids
from directory.models import OrgUnit, UnitKind, User
from directory.permissions import Capability, can, require
from tips import attachments as files
from tips.channels import validate_metadata
from tips.custody import can_reveal, require_reveal
from tips.models import (
    MailOriginal,
    MailQuarantine,
    RevealLog,
    Tip,
    TipAccused,
    TipBand,
    TipContact,
)
from tips.protection import (
    Keyring,
    ReencryptResult,
    blind_index,
    keyring_for,
    normalize_contact,
    reencrypt_all,
)
from tips.similarity import band_keys

log = logging.getLogger(__name__)

# Limits of the texts that have no column width of their own: the content (a Text
# column) and the reporter's particulars (kept only inside one encrypted token).
CONTENT_MAX = 50_000
# Many people in one 被反映人 field (the case found on PostgreSQL): say what to do instead.
MANY_PEOPLE = "多人可填写“张某等 N 人”，名单写入反映内容。"
IDENTITY_FIELDS = {
    "name": ("举报人姓名", 100),
    "phone": ("联系电话", 50),
    "email": ("电子邮箱", 254),
    "id_number": ("身份证号", 30),
    "address": ("住址", 200),
}


@dataclass(frozen=True)
class Identity:
    """The reporter's identity and contacts; stored only as one encrypted token."""

    name: str = ""
    phone: str = ""
    email: str = ""
    id_number: str = ""
    address: str = ""

    def is_empty(self) -> bool:
        return not any(asdict(self).values())

    def contacts(self) -> list[tuple[str, str]]:
        return [(kind, getattr(self, kind)) for kind in ("phone", "email", "id_number", "name")]


@dataclass(frozen=True)
class AccusedPerson:
    name: str
    post: str = "other"


@dataclass(frozen=True)
class NewTip:
    channel: str
    content: str
    summary: str = ""
    meta: Mapping[str, Any] = field(default_factory=dict)
    accused_unit_name: str = ""
    accused_unit_id: int | None = None
    accused: Sequence[AccusedPerson] = ()
    named: bool = False
    identity: Identity | None = None
    attachments: Sequence[files.Upload] = ()
    received_at: datetime | None = None
    message_id: str | None = None
    mail_uid: int | None = None
    receipt_hash: str | None = None


@dataclass(frozen=True)
class Vault:
    """What intake needs beside the session: the reporter keys and the file store."""

    keyring: Keyring
    files: FileStore
    max_upload_bytes: int


def vault_for(settings: Settings) -> Vault:
    return Vault(keyring_for(settings), store_for(settings), settings.max_upload_bytes)


def can_read(session: Session, actor: User, tip: Tip) -> bool:
    return can(actor, Capability.TIPS_READ) and unit_visible(session, actor, tip.unit)


def get_tip(session: Session, actor: User, tip_id: int) -> Tip:
    """The tip, or ``NotFound`` — the same answer whether it exists elsewhere or not."""
    tip = session.get(Tip, tip_id) if is_valid_id(tip_id) else None
    if tip is None or not can_read(session, actor, tip):
        raise NotFound("未找到该举报，或不在您的管辖范围内。")
    return tip


def match_institution(session: Session, name: str) -> OrgUnit | None:
    """The directory institution meant by ``name``: exact name, else the only partial match."""
    name = re.sub(r"\s", "", name)
    if not name:
        return None
    base = select(OrgUnit).where(OrgUnit.kind == UnitKind.INSTITUTION, OrgUnit.active.is_(True))
    exact = session.scalars(base.where(OrgUnit.name == name)).all()
    if len(exact) == 1:
        return exact[0]
    partial = [
        u for u in session.scalars(base.where(OrgUnit.name.contains(name, autoescape=True))).all()
    ]
    return partial[0] if len(partial) == 1 else None


def name_key(name: str) -> str:
    return re.sub(r"[\s·•.]", "", name).lower()


def encrypt_identity(keyring: Keyring, identity: Identity) -> str:
    return keyring.encrypt(json.dumps(asdict(identity), ensure_ascii=False))


def create_tip(
    session: Session, actor: User | None, unit: OrgUnit, new: NewTip, vault: Vault
) -> Tip:
    """A tip in ``unit``'s intake with its identity encrypted and attachments checked.

    ``actor`` None means the system (mailbox, portal). A refused attachment, or one the
    server cannot write (a full disk), is listed in ``rejected_files`` and the rest of the
    tip is kept (nothing that arrives is lost).
    """
    if actor is not None:
        require(actor, Capability.INTAKE)
        if not unit_visible(session, actor, unit):
            raise PermissionDenied("只能在本人管辖范围内登记举报。")
    if unit.kind == UnitKind.OFFICE:
        unit = body_of(session, unit)
    fields = check_new_tip(new)
    content = fields["content"]
    if not content:
        raise ValidationError("请填写反映内容：举报内容不能为空。", details={"content": "必填"})
    meta = validate_metadata(new.channel, new.meta)
    identity = fields["identity"]
    if new.named and identity.is_empty():
        raise ValidationError("实名举报须填写举报人姓名或联系方式。")
    contacts = []
    for kind, value in identity.contacts():
        if value.strip():
            contacts.append((kind, blind_index(vault.keyring, normalize_contact(kind, value))))
    accused_unit = session.get(OrgUnit, new.accused_unit_id) if new.accused_unit_id else None
    if accused_unit is None and fields["accused_unit_name"]:
        accused_unit = match_institution(session, fields["accused_unit_name"])
    summary = fields["summary"] or fit(content.replace("\n", " ")[:60], Tip.summary)
    tip = Tip(
        unit=unit,
        channel=new.channel,
        meta=meta,
        summary=summary,
        content=content,
        accused_unit=accused_unit,
        accused_unit_text=fields["accused_unit_name"],
        named=new.named,
        identity_token=None if identity.is_empty() else encrypt_identity(vault.keyring, identity),
        message_id=new.message_id,
        mail_uid=new.mail_uid,
        receipt_hash=new.receipt_hash,
        received_at=new.received_at or utcnow(),
        created_by_id=actor.id if actor else None,
        rejected_files=[],
    )
    for name, post in fields["accused"]:
        post = post if post in POSTS else "other"
        # The key is derived from the name: cut to its own width, never refused.
        key = fit(name_key(name), TipAccused.name_key)
        tip.accused.append(TipAccused(name=name, name_key=key, post=post))
    session.add(tip)
    session.flush()
    session.add_all(TipContact(tip_id=tip.id, kind=k, digest=d) for k, d in contacts)
    session.add_all(TipBand(tip_id=tip.id, key=key) for key in set(band_keys(content)))
    rejected = []
    for upload in new.attachments:
        reason = files.check(upload, vault.max_upload_bytes)
        if reason:
            rejected.append({"filename": upload.filename, "reason": reason})
            continue
        try:
            files.store(session, tip, upload, vault.files)
        except OSError as err:
            # The tip must not be lost with the file: keep it, name the file, alert the admins.
            log.error("tip %s: attachment not stored", tip.id, exc_info=err)
            name = upload.filename or "（未命名文件）"
            reason = f"附件“{name}”未能保存：{not_stored_reason(err)}。"
            rejected.append({"filename": upload.filename, "reason": reason})
    tip.rejected_files = rejected
    session.flush()
    return tip


def check_new_tip(new: NewTip) -> dict[str, Any]:
    """The tip's texts, each within its limit, or a ``ValidationError`` naming the field
    (the same answer on the portal, the intake desk, the JSON API and an import)."""
    accused = []
    for i, person in enumerate(new.accused):
        name = checked(
            person.name, TipAccused.name, "被反映人", field=f"accused.{i}.name", hint=MANY_PEOPLE
        )
        if name:
            accused.append((name, str(person.post)[:20]))
    given = new.identity or Identity()
    identity = Identity(
        **{
            key: checked(getattr(given, key), None, label, field=f"identity.{key}", limit=limit)
            for key, (label, limit) in IDENTITY_FIELDS.items()
        }
    )
    return {
        "content": checked(new.content, None, "反映内容", field="content", limit=CONTENT_MAX),
        "summary": checked(new.summary, Tip.summary, "摘要", field="summary"),
        "accused_unit_name": checked(
            new.accused_unit_name, Tip.accused_unit_text, "被反映机构", field="accused_unit_name"
        ),
        "accused": accused,
        "identity": identity,
    }


def reveal_identity(
    session: Session,
    actor: User,
    tip: Tip,
    keyring: Keyring,
    purpose: str = "",
    *,
    two_person: bool = False,
) -> Identity:
    """Decrypt the reporter's identity for an entitled user; log who saw it, when (规则第七章).

    With ``two_person`` (``Settings.reveal_two_person``) a second person must have approved
    (``tips.custody``)."""
    purpose = require_reveal(session, actor, tip, two_person, purpose)
    if tip.identity_token is None:
        return Identity()
    data = json.loads(keyring.decrypt(tip.identity_token))
    session.add(RevealLog(tip_id=tip.id, user_id=actor.id, at=utcnow(), purpose=purpose[:200]))
    session.flush()
    return Identity(**{k: v for k, v in data.items() if k in Identity.__dataclass_fields__})


def reveal_log(session: Session, actor: User, tip: Tip) -> list[RevealLog]:
    if not can_reveal(session, actor, tip) and not can(actor, Capability.AUDIT_READ):
        raise PermissionDenied("您无权查看举报人信息的查阅记录。")
    stmt = select(RevealLog).where(RevealLog.tip_id == tip.id).order_by(RevealLog.id)
    return list(session.scalars(stmt))


def tips_query(
    session: Session,
    actor: User,
    *,
    channel: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    registered: bool | None = None,
    statuses: Sequence[str] | None = None,
) -> Select[Tip]:
    """Tips visible to ``actor`` filtered by channel, receipt time and registration."""
    require(actor, Capability.TIPS_READ)
    stmt = select(Tip).where(Tip.unit_id.in_(visible_unit_ids(session, actor)))
    if channel:
        stmt = stmt.where(Tip.channel == channel)
    if since:
        stmt = stmt.where(Tip.received_at >= since)
    if until:
        stmt = stmt.where(Tip.received_at < until)
    if registered is True:
        stmt = stmt.where(Tip.status != "received")
    elif registered is False:
        stmt = stmt.where(Tip.status == "received")
    if statuses:
        stmt = stmt.where(Tip.status.in_(list(statuses)))
    return stmt.order_by(Tip.received_at.desc(), Tip.id.desc())


def encrypt_bytes(keyring: Keyring, raw: bytes) -> bytes:
    # Fernet takes text here; base64 first keeps arbitrary mail bytes intact.
    return keyring.encrypt(base64.b64encode(raw).decode("ascii")).encode("ascii")


def decrypt_bytes(keyring: Keyring, token: bytes) -> bytes:
    return base64.b64decode(keyring.decrypt(token))


def reencrypt_everything(session: Session, keyring: Keyring) -> ReencryptResult:
    """Re-encrypt every stored identity, kept original and quarantined mail under the newest
    key (rotation)."""
    tips = session.execute(
        select(Tip.id, Tip.identity_token).where(Tip.identity_token.is_not(None))
    )

    def store_tip(tip_id: int, token: str) -> None:
        tip = session.get(Tip, tip_id)
        assert tip is not None
        tip.identity_token = token

    result = reencrypt_all(((row[0], row[1]) for row in tips.all()), keyring, store_tip)
    mails = session.execute(select(MailQuarantine.id, MailQuarantine.raw_token)).all()

    def store_mail(mail_id: int, token: str) -> None:
        mail = session.get(MailQuarantine, mail_id)
        assert mail is not None
        mail.raw_token = token.encode("ascii")

    more = reencrypt_all(((mid, tok) for mid, tok in mails), keyring, store_mail)
    originals = session.execute(select(MailOriginal.id, MailOriginal.raw_token)).all()

    def store_original(original_id: int, token: str) -> None:
        original = session.get(MailOriginal, original_id)
        assert original is not None
        original.raw_token = token.encode("ascii")

    kept = reencrypt_all(((oid, tok) for oid, tok in originals), keyring, store_original)
    session.flush()
    failed: list[object] = [("tip", k) for k in result.failed]
    failed += [("mail", k) for k in more.failed]
    failed += [("original", k) for k in kept.failed]
    return ReencryptResult(result.rotated + more.rotated + kept.rotated, failed)
