"""报送 what is on screen: the editor's one form saves and sends in one unit of work.

Before this, 报送 was a separate form: what was typed and not yet saved was thrown away
and an empty form was sent and locked. Now sending saves the typed figures with every
check a save runs, then runs the sending checks (``submissions.send_checks``: figures
only in the unit's own rows, last month's 逐月累计, not empty unless 零报告), then fires.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from config.errors import PermissionDenied
from directory.models import User
from reporting.lifecycle import SUBMISSION_LIFECYCLE
from reporting.models import Submission
from reporting.submissions import (
    SUBMISSION_FLOW,
    allowed_by_relation,
    fire,
    save_draft,
    send_checks,
    send_trigger,
)
from workflow import engine


def preview_send(session: Session, actor: User, sub: Submission, *, zero_report: bool) -> None:
    """Every check ``fire`` runs before sending, without sending (the confirmation step)."""
    t = SUBMISSION_LIFECYCLE.by_trigger[send_trigger(sub)]
    if not allowed_by_relation(session, actor, sub, t):
        raise PermissionDenied(f"只有本单位填报人员可以执行“{t.label}”。")
    engine.check_allowed(session, SUBMISSION_FLOW, sub, t, actor)
    send_checks(session, sub, zero_report)


def send_typed(
    session: Session,
    actor: User,
    sub: Submission,
    raw: Mapping[str, Any] | None,
    *,
    signatures: Mapping[str, str] | None = None,
    expected_version: int | None = None,
    zero_report: bool = False,
    now: datetime | None = None,
) -> engine.Step:
    """报送 what is on screen: save ``raw`` with every check, then submit (or resubmit).

    One unit of work: if the save or the step is refused, the caller rolls back both and
    nothing was sent; ``raw=None`` sends the figures as saved."""
    trigger = send_trigger(sub)
    if raw is not None:
        save_draft(
            session,
            actor,
            sub,
            raw,
            signatures=signatures,
            expected_version=expected_version,
            now=now,
        )
        expected_version = None  # checked by the save, which moved it on
    return fire(
        session,
        actor,
        sub,
        trigger,
        expected_version=expected_version,
        now=now,
        zero_report=zero_report,
    )
