"""办理记录 of a submission (every version of one obligation) as timeline entries."""

from __future__ import annotations

from sqlalchemy.orm import Session

from cases.queries.timeline import SYSTEM, TimelineEntry, actors, change_text
from directory.models import User
from reporting.lifecycle import SUBMISSION_LIFECYCLE
from reporting.models import Submission
from reporting.submissions import history

_BASE = {"create": "创建报表", "open": "上级审核人员打开"}


def submission_timeline(session: Session, actor: User, sub: Submission) -> list[TimelineEntry]:
    """Who did what to the report and when, oldest first (``history`` checks the reader)."""
    logs = history(session, actor, sub)
    names = actors(session, [log.actor_id for log in logs])
    lc = SUBMISSION_LIFECYCLE
    return [
        TimelineEntry(
            at=log.at,
            actor=names.get(log.actor_id or 0, SYSTEM),
            step=(
                lc.by_trigger[log.trigger].label
                if log.trigger in lc.by_trigger
                else _BASE.get(log.trigger, "提交更正版本")
            ),
            change=change_text(lc, log.from_state, log.to_state),
            details=(),
            text=log.reason or "",
            trigger=log.trigger,
            is_step=True,
        )
        for log in logs
    ]
