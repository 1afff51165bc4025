"""A job for the scheduler process that computes a deadline: it registers a named tip, as
a mailbox tip converted by a job would, so ``accept_notice`` is started in that process."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from cases.models import Clue
from cases.service import NewClue, create_clue
from config.database import session_scope
from config.jobs import JobSpec
from directory.models import OrgUnit


def register_named_tip(session_factory: sessionmaker, settings, now: datetime) -> str:
    with session_scope(session_factory) as session:
        if session.scalar(select(Clue.id).limit(1)) is not None:
            return "已登记"
        unit = session.scalar(select(OrgUnit).where(OrgUnit.parent_id.is_(None)))
        assert unit is not None
        new = NewClue(channel="mailbox", summary="实名举报：收受红包", reporter_named=True)
        create_clue(session, None, unit, new, now=now)
        return "登记 1 条"


JOBS = [
    JobSpec("test.register_named_tip", {"trigger": "interval", "seconds": 1}, register_named_tip)
]
