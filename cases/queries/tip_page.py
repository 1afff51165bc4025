"""A tip's page: the clue it became, the portal conversation, and the reveal trail.

It lives with the cases because it shows the clue (``tips`` sits below ``cases``). The
reveal requests and the log are only for those who may reveal; the log is for them and for
the audit readers (``tips.service.reveal_log`` checks).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from cases.models import Clue
from directory.models import User
from tips import custody
from tips.models import PortalMessage, RevealLog, RevealRequest, Tip
from tips.service import can_reveal, reveal_log


@dataclass(frozen=True)
class TipPage:
    tip: Tip
    clue: Clue | None
    messages: list[PortalMessage]
    may_reveal: bool
    two_person: bool  # a reveal needs the custodian's approval (Settings.reveal_two_person)
    approval: RevealRequest | None  # the actor's approved request, if any
    requests: list[RevealRequest]  # shown to those who may reveal
    reveals: list[RevealLog]  # shown to those who may reveal
    names: dict[int, str]  # user id → display name, of everyone in requests and log


def tip_page(session: Session, actor: User, tip: Tip, *, two_person: bool) -> TipPage:
    clue = session.get(Clue, tip.clue_id) if tip.clue_id else None
    messages = session.scalars(
        select(PortalMessage).where(PortalMessage.tip_id == tip.id).order_by(PortalMessage.id)
    ).all()
    logs = reveal_log(session, actor, tip) if tip.identity_token else []
    may_reveal = can_reveal(session, actor, tip)
    requests = custody.requests_for(session, tip) if two_person and tip.identity_token else []
    if not may_reveal:
        requests = []
    people = {r.user_id for r in logs} | {r.requested_by_id for r in requests}
    people |= {r.decided_by_id for r in requests if r.decided_by_id}
    names = select(User.id, User.display_name).where(User.id.in_(people))
    return TipPage(
        tip=tip,
        clue=clue,
        messages=list(messages),
        may_reveal=may_reveal,
        two_person=two_person,
        approval=custody.approval_for(session, actor, tip) if two_person else None,
        requests=requests,
        reveals=list(logs) if may_reveal else [],
        names={uid: name for uid, name in session.execute(names).all()},
    )
