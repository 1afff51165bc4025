"""Attachments of the free-text reports (季度工作进展, 年度工作总结, 专项行动总结): 盖章PDF …

The checks and the storage are the clue attachments' own, called rather than copied:
``cases.attachments.check_upload`` (type by extension *and* first bytes, size limit, the
same Chinese messages) and ``config.filestore`` (each file sealed under a random name, in
the database by default, whole or not at all, also when the store is full).

Who and when: only the unit that owns the submission (its fillers) adds or removes
files, and only while the version is a draft or returned — once submitted the files went
up with it, and an accepted version is locked. Whoever may read the submission (the unit,
the reviewers above it, inspectors) may download.

An amendment (``submissions.amend``) starts with no attachments, on purpose: the accepted
version keeps its own files, read-only and still downloadable there, and a stamped PDF of
the old text does not vouch for the amended one — carrying it over would make the new
version look signed when nobody has signed it. The reporter uploads what still applies.

Nothing half-written: a file is stored in the same transaction as its row (the database
store) or removed again when that transaction rolls back and deleted only after the
removal is committed (the directory store).
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session

from cases.attachments import ALLOWED, ALLOWED_LABEL, Upload, check_upload, purged_message
from config.audit_log import record_event
from config.database import utcnow
from config.errors import (
    DomainError,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    ValidationError,
)
from config.files import not_stored_message
from config.filestore import FileStore
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
from reporting.stamped import TABLE_ACCEPT, TABLE_LABEL, only_pdf, pdf_problem, wrong_type

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


def _refusal(session: Session, actor: User, sub: Submission) -> DomainError | None:
    """Why ``actor`` may not add or remove files of ``sub`` now, or None if they may."""
    if not can_read(session, actor, sub.unit):
        return NotFound(_NOT_FOUND)
    form = FORMS[sub.form_code]
    if not (form.attachments_allowed or only_pdf(form)):
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
    table = only_pdf(FORMS[sub.form_code])
    return Panel(
        files=_files_of(session, sub),
        can_change=refusal is None,
        refusal=refusal.message if locked and refusal else "",
        accept=TABLE_ACCEPT if table else ACCEPT,
        allowed_label=TABLE_LABEL if table else ALLOWED_LABEL,
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
    files: FileStore,
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
    table = only_pdf(FORMS[sub.form_code])
    for upload in uploads:
        problem = _problem(upload, max_bytes, table)
        if problem:
            rejected.append(problem)
        else:
            accepted.append(upload)
    if not accepted:
        return UploadResult([], rejected)
    now = now or utcnow()
    _hold_editable(session, sub, now)
    saved: list[SubmissionAttachment] = []
    for upload in accepted:
        try:
            saved.append(_store(session, actor, sub, upload, files, now))
        except OSError as err:
            # A full store refuses this file only; the files stored before it are kept.
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
    return UploadResult(saved, rejected)


def _problem(upload: Upload, max_bytes: int, table: bool) -> str | None:
    """Type by content and size (``check_upload``); a stamped PDF must also open."""
    problem = check_upload(upload, max_bytes)
    if problem:
        return problem
    is_pdf = upload.filename.lower().endswith(".pdf")
    if table and not is_pdf:
        return wrong_type(Path(upload.filename).name)
    return pdf_problem(Path(upload.filename).name, upload.content) if is_pdf else None


def _store(
    session: Session,
    actor: User,
    sub: Submission,
    upload: Upload,
    files: FileStore,
    now: datetime,
) -> SubmissionAttachment:
    name = Path(upload.filename).name[:255]
    ext = name.rsplit(".", 1)[-1].lower()  # check_upload accepted it: it has a known one
    stored = f"{secrets.token_hex(16)}.{ext}"
    files.put(session, stored, upload.content)
    row = SubmissionAttachment(
        submission_id=sub.id,
        filename=name,
        stored_name=stored,
        content_type=ALLOWED[ext][0],
        size=len(upload.content),
        sha256=hashlib.sha256(upload.content).hexdigest(),
        uploaded_by_id=actor.id,
        uploaded_at=now,
    )
    session.add(row)
    session.flush()
    return row


def remove_attachment(
    session: Session, actor: User, sub: Submission, attachment_id: int, files: FileStore
) -> str:
    """Delete the row and its file (audited, one transaction); returns the file's name."""
    refusal = _refusal(session, actor, sub)
    if refusal is not None:
        raise refusal
    row = _own(session, sub, attachment_id)
    _hold_editable(session, sub, utcnow())
    name = row.filename
    record_event(
        session,
        actor_id=actor.id,
        kind="submission.attachment_remove",
        subject_type="submission",
        subject_id=sub.id,
        detail=_described(row),
    )
    files.delete(session, row.stored_name)
    session.delete(row)
    session.flush()
    return name


def attachment_file(
    session: Session, actor: User, sub: Submission, attachment_id: int, files: FileStore
) -> tuple[SubmissionAttachment, bytes]:
    """One of the version's files and its bytes, for anyone who may read the submission."""
    if not can_read(session, actor, sub.unit):
        raise NotFound(_NOT_FOUND)
    row = _own(session, sub, attachment_id)
    if row.purged_at is not None:
        raise NotFound(purged_message(row.purged_at))
    return row, files.get(session, row.stored_name)


def _described(row: SubmissionAttachment) -> dict[str, object]:
    # The audit row outlives the attachment: it names the file and its digest, not the path.
    return {"id": row.id, "name": row.filename, "size": row.size, "sha256": row.sha256}


def _own(session: Session, sub: Submission, attachment_id: int) -> SubmissionAttachment:
    row = session.get(SubmissionAttachment, attachment_id)
    if row is None or row.submission_id != sub.id:
        raise NotFound("未找到该附件。")
    return row
