"""The mailbox pages' read models: mailbox tips waiting for a clerk, and the quarantine of
unreadable mail, both inside the actor's jurisdiction."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from directory.jurisdiction import visible_unit_ids
from directory.models import User
from tips.models import MailQuarantine, QuarantineStatus, Tip


def mailbox_tips(session: Session, actor: User) -> Sequence[Tip]:
    """Mailbox tips no clue was made from yet, the oldest first."""
    return session.scalars(
        select(Tip)
        .where(
            Tip.unit_id.in_(visible_unit_ids(session, actor)),
            Tip.channel == "mailbox",
            Tip.clue_id.is_(None),
        )
        .order_by(Tip.received_at)
    ).all()


def quarantine_waiting(session: Session, actor: User) -> bool:
    """Whether any quarantined message is still open."""
    found = session.scalar(
        select(MailQuarantine.id)
        .where(
            MailQuarantine.unit_id.in_(visible_unit_ids(session, actor)),
            MailQuarantine.status == QuarantineStatus.OPEN,
        )
        .limit(1)
    )
    return found is not None


def quarantine_list(session: Session, actor: User, status: str) -> Sequence[MailQuarantine]:
    """The quarantined messages in ``status``, the newest first."""
    return session.scalars(
        select(MailQuarantine)
        .where(
            MailQuarantine.unit_id.in_(visible_unit_ids(session, actor)),
            MailQuarantine.status == status,
        )
        .order_by(MailQuarantine.received_at.desc())
    ).all()
