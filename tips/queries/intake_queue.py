"""The clerk's home panel: tips waiting for a decision, by channel (no identities)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from directory.jurisdiction import visible_unit_ids
from directory.models import User
from tips.models import MailQuarantine, QuarantineStatus, Tip, TipStatus

# Tips that other bodies send in: a superior's referral (上级交办), another department's
# transfer, an inspection tour's hand-over, a lower unit's report. Each waits for the clerk.
REFERRAL_CHANNELS = ("superior", "department", "inspection_tour", "lower_unit")


@dataclass(frozen=True)
class IntakeQueue:
    mailbox: int
    portal: int
    quarantine: int
    portal_tips: list[Tip]
    referrals: dict[str, int]  # waiting tips by referral channel, only those with any


def intake_queue(session: Session, actor: User) -> IntakeQueue:
    """Tips waiting for a decision in the actor's jurisdiction, by channel (no identities)."""
    units = visible_unit_ids(session, actor)
    mailbox = session.scalar(
        select(func.count())
        .select_from(Tip)
        .where(Tip.unit_id.in_(units), Tip.channel == "mailbox", Tip.clue_id.is_(None))
    )
    waiting_portal = (
        select(Tip)
        .where(Tip.unit_id.in_(units), Tip.channel == "portal", Tip.status == TipStatus.RECEIVED)
        .order_by(Tip.received_at)
    )
    portal = session.scalar(select(func.count()).select_from(waiting_portal.subquery()))
    quarantine = session.scalar(
        select(func.count())
        .select_from(MailQuarantine)
        .where(MailQuarantine.unit_id.in_(units), MailQuarantine.status == QuarantineStatus.OPEN)
    )
    referrals = session.execute(
        select(Tip.channel, func.count())
        .where(
            Tip.unit_id.in_(units),
            Tip.channel.in_(REFERRAL_CHANNELS),
            Tip.status == TipStatus.RECEIVED,
        )
        .group_by(Tip.channel)
    ).all()
    return IntakeQueue(
        mailbox or 0,
        portal or 0,
        quarantine or 0,
        list(session.scalars(waiting_portal.limit(10))),
        {
            channel: n
            for channel, n in sorted(referrals, key=lambda r: REFERRAL_CHANNELS.index(r[0]))
        },
    )
