"""What a reporter following a tip on the public portal sees of the clue made from it."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from cases.handling_models import FeedbackRecord
from cases.models import Clue
from cases.states import ClueState
from tips.models import Tip
from tips.portal import PublicPhase, PublicProgress, PublicReply

# The portal's progress is read off the clue, not ``Tip.status``: that stays the intake
# status the internal tip lists filter on. A tip is 已办结 once its result is approved;
# every other open state is simply "in progress" (routes and findings are internal).
_PUBLIC_PHASE = {
    ClueState.RECEIVED: PublicPhase.RECEIVED,
    ClueState.NOT_ACCEPTED: PublicPhase.NOT_ACCEPTED,
    ClueState.FORWARDED: PublicPhase.FORWARDED,
    ClueState.FEEDBACK: PublicPhase.CONCLUDED,
    ClueState.PENDING_WRITE_OFF: PublicPhase.CONCLUDED,
    ClueState.WRITTEN_OFF: PublicPhase.CONCLUDED,
}
_MERGE_HOPS = 5  # a merge target may itself be merged later; bound the walk


def portal_progress(session: Session, tip: Tip) -> PublicProgress | None:
    """What the holder of ``tip``'s receipt code may see; None for a tip without a clue.

    A duplicate (重复件) is handled in the clue it was merged into: its reporter sees that
    clue's phase and public replies (worded for the public, on the same matter; nothing
    else of the other tip). Only portal replies appear: wording meant for a letter or a
    call to a named reporter was not chosen for publication."""
    clue = session.get(Clue, tip.clue_id) if tip.clue_id else None
    if clue is None:
        return None
    chain = [clue]
    while clue.state == ClueState.MERGED and clue.merged_into_id and len(chain) <= _MERGE_HOPS:
        target = session.get(Clue, clue.merged_into_id)
        if target is None or target in chain:
            break
        chain.append(target)
        clue = target
    rows = session.execute(
        select(FeedbackRecord.public_wording, FeedbackRecord.given_on)
        .where(
            FeedbackRecord.clue_id.in_([c.id for c in chain]),
            FeedbackRecord.method == "portal",
            FeedbackRecord.public_wording != "",
        )
        .order_by(FeedbackRecord.id)
    )
    return PublicProgress(
        phase=_PUBLIC_PHASE.get(ClueState(clue.state), PublicPhase.IN_PROGRESS),
        merged=chain[0].state == ClueState.MERGED,
        replies=tuple(PublicReply(text, given_on) for text, given_on in rows),
    )
