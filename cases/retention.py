"""How long the evidence of a closed clue is kept (``Settings.evidence_retention_days``).

A clue written off (销号) more than that many days ago, and still written off (a clue
reopened for 回头看 is not closed), has its evidence removed: the clue's attachments and
those of the tips registered as it, the photo originals included. The rows stay, marked
``purged_at``, with the file's name, size and SHA-256, so the ledger still says what there
was; the clue's record, its handling and its audit trail are not touched. 0 days (the
default) keeps everything.

``report`` is the administrator's preview (``qingfeng storage retention``); ``purge`` is
the job (``cases.jobs``, nightly) and ``qingfeng storage purge``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cases.handling_models import Attachment
from cases.models import Clue
from cases.states import ClueState
from config.audit_log import record_event
from config.filestore import FileBlob, FileStore
from directory.models import User
from directory.permissions import Capability, require
from tips.models import Tip, TipAttachment
from workflow.models import TransitionLog


@dataclass(frozen=True)
class DueFile:
    kind: str  # "clue" or "tip"
    id: int
    filename: str
    size: int
    sha256: str


@dataclass
class DueClue:
    clue_id: int
    reference: str
    written_off_at: datetime
    files: list[DueFile] = field(default_factory=list)

    @property
    def size(self) -> int:
        return sum(f.size for f in self.files)


def _cutoff(days: int, now: datetime) -> datetime:
    return now - timedelta(days=days)


def report_for_admin(session: Session, actor: User, days: int, now: datetime) -> list[DueClue]:
    """The administrator's preview (the admin page): what the nightly job removes next."""
    require(actor, Capability.SYSTEM_MANAGE)
    return report(session, days, now)


def stored_totals(session: Session) -> tuple[int, int]:
    """Files in the database store and their size before sealing."""
    count, size = session.execute(
        select(func.count(FileBlob.name), func.coalesce(func.sum(FileBlob.size), 0))
    ).one()
    return int(count), int(size)


def report(session: Session, days: int, now: datetime) -> list[DueClue]:
    """Clues whose evidence the retention rule removes now, with their files (still there)."""
    if days <= 0:
        return []
    closed_at = (
        select(TransitionLog.subject_id, func.max(TransitionLog.at).label("at"))
        .where(
            TransitionLog.lifecycle == "clue",
            TransitionLog.to_state == ClueState.WRITTEN_OFF.value,
        )
        .group_by(TransitionLog.subject_id)
        .subquery()
    )
    rows = session.execute(
        select(Clue, closed_at.c.at)
        .join(closed_at, closed_at.c.subject_id == Clue.id)
        .where(Clue.state == ClueState.WRITTEN_OFF.value, closed_at.c.at <= _cutoff(days, now))
        .order_by(closed_at.c.at, Clue.id)
    ).all()
    due: list[DueClue] = []
    for clue, at in rows:
        entry = DueClue(clue.id, clue.reference or f"#{clue.id}", at)
        for a in session.scalars(
            select(Attachment)
            .where(Attachment.clue_id == clue.id, Attachment.purged_at.is_(None))
            .order_by(Attachment.id)
        ):
            entry.files.append(DueFile("clue", a.id, a.filename, a.size, a.sha256))
        for t in session.scalars(
            select(TipAttachment)
            .join(Tip, Tip.id == TipAttachment.tip_id)
            .where(Tip.clue_id == clue.id, TipAttachment.purged_at.is_(None))
            .order_by(TipAttachment.id)
        ):
            entry.files.append(DueFile("tip", t.id, t.filename, t.size, t.sha256))
        if entry.files:
            due.append(entry)
    return due


@dataclass(frozen=True)
class PurgeResult:
    clues: int
    files: int
    bytes: int

    def summary(self) -> str:
        if not self.files:
            return "没有到期的证据附件"
        return f"已删除 {self.clues} 条线索的 {self.files} 个到期证据附件（{self.bytes} 字节）"


def purge(
    session: Session, files: FileStore, days: int, now: datetime, actor_id: int | None = None
) -> PurgeResult:
    """Remove the evidence that ``report`` lists; rows stay, marked, and each clue is audited."""
    due = report(session, days, now)
    count = size = 0
    for entry in due:
        for item in entry.files:
            if item.kind == "clue":
                clue_row = session.get(Attachment, item.id)
                assert clue_row is not None
                files.delete(session, clue_row.stored_name)
                clue_row.purged_at = now
            else:
                tip_row = session.get(TipAttachment, item.id)
                assert tip_row is not None
                files.delete(session, tip_row.stored_name)
                if tip_row.original_name:
                    files.delete(session, tip_row.original_name)
                tip_row.purged_at = now
            count += 1
            size += item.size
        record_event(
            session,
            actor_id=actor_id,
            kind="evidence.purge",
            subject_type="clue",
            subject_id=entry.clue_id,
            detail={
                "retention_days": days,
                "written_off_at": entry.written_off_at.isoformat(),
                "files": [
                    {"kind": f.kind, "id": f.id, "name": f.filename, "sha256": f.sha256}
                    for f in entry.files
                ],
            },
        )
    session.flush()
    return PurgeResult(len(due), count, size)
