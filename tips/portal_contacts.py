"""The installation's hotlines and addresses, shown on the portal's public notice.

An administrator sets them (``Capability.SYSTEM_MANAGE``); each change is an audit event
with the lines before and after. Nothing is copied from a seed document: until they are
set the notice says so and points to the online form.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from sqlalchemy.orm import Session

from config.audit_log import record_event
from config.database import utcnow
from config.errors import ValidationError
from directory.models import User
from directory.permissions import Capability, require
from tips.models import PortalContacts

MAX_LINES = 8
MAX_LINE = 120
# A hotline names a number people can dial: 12345, 0771-1234567, (0771) 123 4567 …
PHONE = re.compile(r"\d[\d\s()（）-]{3,}\d")


@dataclass(frozen=True)
class Contacts:
    hotlines: tuple[str, ...]
    addresses: tuple[str, ...]

    @property
    def empty(self) -> bool:
        return not self.hotlines and not self.addresses


def portal_contacts(session: Session) -> Contacts:
    row = session.get(PortalContacts, 1)
    if row is None:
        return Contacts((), ())
    return Contacts(_split(row.hotlines), _split(row.addresses))


def _split(text: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in (text or "").splitlines() if line.strip())


def _lines(text: str | None, what: str) -> tuple[str, ...]:
    text = unicodedata.normalize("NFC", text or "")
    lines = _split(text)
    if len(lines) > MAX_LINES:
        raise ValidationError(f"{what}最多填写 {MAX_LINES} 行，每行一条。")
    for n, line in enumerate(lines, 1):
        if len(line) > MAX_LINE:
            raise ValidationError(f"{what}第 {n} 行超过 {MAX_LINE} 个字，请精简。")
        if any(unicodedata.category(ch)[0] == "C" for ch in line):
            raise ValidationError(f"{what}第 {n} 行含有不可见的控制字符，请重新输入。")
        if "<" in line or ">" in line:
            raise ValidationError(f"{what}第 {n} 行不能包含尖括号。")
    return lines


def set_portal_contacts(
    session: Session, actor: User, *, hotlines: str | None, addresses: str | None
) -> Contacts:
    """Replace the notice's hotlines and addresses (administrators only; audited)."""
    require(actor, Capability.SYSTEM_MANAGE)
    phones = _lines(hotlines, "举报电话")
    places = _lines(addresses, "来信来访地址")
    for n, line in enumerate(phones, 1):
        if not PHONE.search(line):
            raise ValidationError(
                f"举报电话第 {n} 行没有电话号码，请按“名称：号码”填写，例如“行风举报电话：12345”。"
            )
    before = portal_contacts(session)
    row = session.get(PortalContacts, 1)
    if row is None:
        row = PortalContacts(id=1)
        session.add(row)
    row.hotlines = "\n".join(phones)
    row.addresses = "\n".join(places)
    row.updated_at = utcnow()
    row.updated_by = actor.id
    record_event(
        session,
        actor_id=actor.id,
        kind="portal.contacts_updated",
        subject_type="installation",
        subject_id=None,
        detail={
            "before": {"hotlines": list(before.hotlines), "addresses": list(before.addresses)},
            "after": {"hotlines": list(phones), "addresses": list(places)},
        },
    )
    session.flush()
    return Contacts(phones, places)
