"""Attachments of the free-text reports (季度工作进展, 年度工作总结, 专项行动总结): 盖章PDF …

The checks and the disk writes are the clue attachments' own, called rather than copied:
``cases.attachments.check_upload`` (type by extension *and* first bytes, size limit, the
same Chinese messages) and ``config.files.write_whole`` (a file is on disk whole or
not at all, also on a full disk). Files live under ``uploads/reports/`` with random names.

Who and when: only the unit that owns the submission (its fillers) adds or removes
files, and only while the version is a draft or returned — once submitted the files went
up with it, and an accepted version is locked. Whoever may read the submission (the unit,
the reviewers above it, inspectors) may download.

An amendment (``submissions.amend``) starts with no attachments, on purpose: the accepted
version keeps its own files, read-only and still downloadable there, and a stamped PDF of
the old text does not vouch for the amended one — carrying it over would make the new
version look signed when nobody has signed it. The reporter uploads what still applies.

Nothing half-written: a file is written before its row and removed again if the row is
not flushed; the caller removes the files of a transaction it could not commit
(``discard``) and deletes a removed attachment's file only after committing (``unlink``).
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session

from cases.attachments import ALLOWED, ALLOWED_LABEL, Upload, check_upload
from config.audit_log import record_event
from config.database import utcnow
from config.errors import (
    DomainError,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    ValidationError,
)

# Defined in tips, where intake needed them first; cases.attachments uses the same two.
from config.files import not_stored_message, write_whole
from config.settings import Settings
from directory.models import User
from reporting.access import can_read, is_filler
from reporting.forms import FORMS
from reporting.models import (
    SUBMISSION_STATE_LABELS,
    Submission,
    SubmissionAttachment,
    SubmissionState,
    size_label,
)

log = logging.getLogger(__name__)

EDITABLE = frozenset({SubmissionState.DRAFT, SubmissionState.RETURNED})
ACCEPT = ",".join(f".{ext}" for ext in ALLOWED)  # the file picker's hint; the server decides
_NOT_FOUND = "未找到该报表，或不在您的管辖范围内。"


@dataclass(frozen=True)
class UploadResult:
    saved: list[SubmissionAttachment]
    rejected: list[str]  # one Chinese message per refused file


@dataclass(frozen=True)
class Panel:
    """What the report page shows: the files, and whether (or why not) the actor may change them."""

    files: list[SubmissionAttachment]
    can_change: bool
    refusal: str = ""  # shown to the unit's fillers when the files are locked
    accept: str = ACCEPT
    allowed_label: str = ALLOWED_LABEL
    limit_label: str = ""
    previous_id: int | None = None
    previous_number: int = 0


def storage_dir(settings: Settings) -> Path:
    return settings.upload_path / "reports"


def _refusal(session: Session, actor: User, sub: Submission) -> DomainError | None:
    """Why ``actor`` may not add or remove files of ``sub`` now, or None if they may."""
    if not can_read(session, actor, sub.unit):
        return NotFound(_NOT_FOUND)
    if not FORMS[sub.form_code].attachments_allowed:
        return ValidationError("该报表不接受附件。")
    if not is_filler(session, actor, sub.unit):
        return PermissionDenied("只有本单位的填报人员可以上传或删除本报表的附件。")
    return _locked(sub)


def _locked(sub: Submission) -> InvalidTransition | None:
    if sub.state == SubmissionState.ACCEPTED:
        return InvalidTransition(
            "该报表已审核接收并锁定，附件不能再上传或删除；"
            "如需更正，请提交更正版本并在新版本中上传附件。"
        )
    if sub.state not in EDITABLE:
        label = SUBMISSION_STATE_LABELS.get(sub.state, sub.state)
        return InvalidTransition(
            f"报表当前状态为“{label}”，附件已随报表报送，不能再上传或删除；"
            "如需修改，请联系审核单位退回。"
        )
    return None


def _hold_editable(session: Session, sub: Submission, now: datetime) -> None:
    """Touch the submission's row only if it is still editable, and keep it locked.

    A concurrent submit updates the same row: it either waits for this transaction, or it
    committed first and this UPDATE matches nothing — so no file lands on a version after
    it was submitted. The version is not bumped: files do not make typed figures stale.
    """
    result = session.execute(
        update(Submission)
        .where(Submission.id == sub.id, Submission.state.in_([s.value for s in EDITABLE]))
        .values(updated_at=now)
    )
    if cast(CursorResult, result).rowcount != 1:
        session.refresh(sub)
        raise _locked(sub) or InvalidTransition("报表状态已变化，请刷新页面后重试。")


def panel(session: Session, actor: User, sub: Submission, max_bytes: int) -> Panel:
    if not can_read(session, actor, sub.unit):
        raise NotFound(_NOT_FOUND)
    refusal = _refusal(session, actor, sub)
    locked = isinstance(refusal, InvalidTransition)
    previous = session.get(Submission, sub.previous_id) if sub.previous_id else None
    return Panel(
        files=_files_of(session, sub),
        can_change=refusal is None,
        refusal=refusal.message if locked and refusal else "",
        limit_label=size_label(max_bytes),
        previous_id=previous.id if previous else None,
        previous_number=previous.number if previous else 0,
    )


def _files_of(session: Session, sub: Submission) -> list[SubmissionAttachment]:
    """The version's files; private: ``panel`` checked that the actor may read them."""
    stmt = select(SubmissionAttachment).where(SubmissionAttachment.submission_id == sub.id)
    return list(session.scalars(stmt.order_by(SubmissionAttachment.id)))


def files_by_submission(
    session: Session, actor: User, subs: Sequence[Submission]
) -> dict[int, list[SubmissionAttachment]]:
    """Files of several versions in one query (the review queue), readable ones only."""
    ids = [s.id for s in subs if can_read(session, actor, s.unit)]
    found: dict[int, list[SubmissionAttachment]] = {i: [] for i in ids}
    if ids:
        stmt = select(SubmissionAttachment).where(SubmissionAttachment.submission_id.in_(ids))
        for row in session.scalars(stmt.order_by(SubmissionAttachment.id)):
            found[row.submission_id].append(row)
    return found


def add_attachments(
    session: Session,
    actor: User,
    sub: Submission,
    uploads: list[Upload],
    upload_dir: Path,
    max_bytes: int,
    *,
    now: datetime | None = None,
) -> UploadResult:
    """Store each acceptable file; refused ones are named with the reason, the rest kept.

    Raises when nothing may be attached at all (not the owner, locked, no file chosen); a
    bad file only adds its message to ``rejected`` and the draft stays as it was.
    """
    refusal = _refusal(session, actor, sub)
    if refusal is not None:
        raise refusal
    if not uploads:
        raise ValidationError("请选择要上传的文件。")
    accepted, rejected = [], []
    for upload in uploads:
        problem = check_upload(upload, max_bytes)
        if problem:
            rejected.append(problem)
        else:
            accepted.append(upload)
    if not accepted:
        return UploadResult([], rejected)
    now = now or utcnow()
    _hold_editable(session, sub, now)
    saved: list[SubmissionAttachment] = []
    try:
        for upload in accepted:
            try:
                saved.append(_store(session, actor, sub, upload, upload_dir, now))
            except OSError as err:
                # A full disk refuses this file only; the files stored before it are kept.
                log.error("submission %s: attachment not stored", sub.id, exc_info=err)
                rejected.append(not_stored_message(upload.filename, err))
        if saved:
            record_event(
                session,
                actor_id=actor.id,
                kind="submission.attachment_add",
                subject_type="submission",
                subject_id=sub.id,
                detail={"files": [_described(a) for a in saved]},
            )
    except BaseException:
        discard(saved, upload_dir)
        raise
    return UploadResult(saved, rejected)


def _store(
    session: Session,
    actor: User,
    sub: Submission,
    upload: Upload,
    upload_dir: Path,
    now: datetime,
) -> SubmissionAttachment:
    name = Path(upload.filename).name[:255]
    ext = name.rsplit(".", 1)[-1].lower()  # check_upload accepted it: it has a known one
    path = upload_dir / f"{secrets.token_hex(16)}.{ext}"
    upload_dir.mkdir(parents=True, exist_ok=True)
    write_whole(path, upload.content)
    row = SubmissionAttachment(
        submission_id=sub.id,
        filename=name,
        stored_name=path.name,
        content_type=ALLOWED[ext][0],
        size=len(upload.content),
        sha256=hashlib.sha256(upload.content).hexdigest(),
        uploaded_by_id=actor.id,
        uploaded_at=now,
    )
    session.add(row)
    try:
        session.flush()
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return row


def remove_attachment(
    session: Session, actor: User, sub: Submission, attachment_id: int, upload_dir: Path
) -> tuple[str, Path]:
    """Delete the row (audited); returns its name and the file the caller unlinks after commit."""
    refusal = _refusal(session, actor, sub)
    if refusal is not None:
        raise refusal
    row = _own(session, sub, attachment_id)
    _hold_editable(session, sub, utcnow())
    name, path = row.filename, upload_dir / row.stored_name
    record_event(
        session,
        actor_id=actor.id,
        kind="submission.attachment_remove",
        subject_type="submission",
        subject_id=sub.id,
        detail=_described(row),
    )
    session.delete(row)
    session.flush()
    return name, path


def attachment_file(
    session: Session, actor: User, sub: Submission, attachment_id: int, upload_dir: Path
) -> tuple[SubmissionAttachment, Path]:
    """One of the version's files, for anyone who may read the submission."""
    if not can_read(session, actor, sub.unit):
        raise NotFound(_NOT_FOUND)
    row = _own(session, sub, attachment_id)
    path = upload_dir / row.stored_name
    if not path.is_file():
        log.error("submission %s: attachment %s has no file %s", sub.id, row.id, path)
        raise NotFound("附件文件缺失，请联系系统管理员。")
    return row, path


def _described(row: SubmissionAttachment) -> dict[str, object]:
    # The audit row outlives the attachment: it names the file and its digest, not the path.
    return {"id": row.id, "name": row.filename, "size": row.size, "sha256": row.sha256}


def _own(session: Session, sub: Submission, attachment_id: int) -> SubmissionAttachment:
    row = session.get(SubmissionAttachment, attachment_id)
    if row is None or row.submission_id != sub.id:
        raise NotFound("未找到该附件。")
    return row


def discard(rows: Iterable[SubmissionAttachment], upload_dir: Path) -> None:
    """Remove the files of rows that will not be committed (the transaction failed)."""
    for row in rows:
        unlink(upload_dir / row.stored_name)


def unlink(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError as err:  # the row is gone either way; an orphan file is only disk space
        log.error("attachment file %s not removed", path, exc_info=err)
