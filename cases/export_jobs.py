"""Ledger exports as background jobs: the user sees progress and then a download link.

A large ledger takes seconds to write; a request that hangs that long gives no sign of
life. ``start_ledger_export`` records a job (who, which filter, how many rows) in the
request's transaction; ``run_export`` then writes the workbook in its own sessions,
recording progress every ``BATCH`` rows in a short transaction of its own (so any web
worker can show it), and stores the finished file sealed in the file store, like every
other file at rest. A job whose writer died (the process was killed) stops advancing;
after ``STALE`` without progress it is shown as interrupted, to be started again.
Only the user who started a job sees it or downloads its file.
"""

from __future__ import annotations

import dataclasses
import tempfile
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker

from cases.ledger_export import (
    HEAD_ROWS,
    LEDGER_TITLE,
    LEDGER_WIDTHS,
    ledger_rows,
    ledger_title,
    write_ledger,
)
from cases.ledger_query import LedgerFilter, ledger_query
from config.database import Base, utcnow
from config.errors import DomainError, NotFound
from config.filestore import FileStore
from config.localtime import LOCAL_TZ
from config.xlsx_stream import XlsxStream
from directory.models import User

STALE = timedelta(minutes=5)
STATUS_LABELS = {
    "queued": "排队中",
    "running": "正在导出",
    "done": "已完成",
    "failed": "导出失败",
    "interrupted": "导出中断",
}


class ExportJob(Base):
    __tablename__ = "export_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20), default="ledger")
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(16), default="queued")
    total: Mapped[int] = mapped_column(Integer, default=0)
    done: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str] = mapped_column(String(200), default="")
    file_name: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    def shown_status(self, now: datetime) -> str:
        if self.status in ("queued", "running") and now - _aware(self.updated_at) > STALE:
            return "interrupted"
        return self.status

    @property
    def percent(self) -> int:
        if self.status == "done":
            return 100
        return min(99, self.done * 100 // self.total) if self.total else 0

    @property
    def store_name(self) -> str:
        return f"exports/{self.id}.xlsx"


def _aware(at: datetime) -> datetime:
    # SQLite hands back the stored UTC time without its zone.
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def _params(f: LedgerFilter) -> dict[str, Any]:
    return {
        k: (v.isoformat() if isinstance(v, date) else v) for k, v in dataclasses.asdict(f).items()
    }


def _filter(params: dict[str, Any]) -> LedgerFilter:
    values = dict(params)
    for key in ("received_from", "received_to"):
        if values.get(key):
            values[key] = date.fromisoformat(values[key])
    names = {f.name for f in dataclasses.fields(LedgerFilter)}
    return LedgerFilter(**{k: v for k, v in values.items() if k in names})


def start_ledger_export(session: Session, actor: User, f: LedgerFilter) -> ExportJob:
    """Record a ledger export of what ``actor`` sees under ``f``; counted now."""
    total = session.scalar(
        select(func.count()).select_from(ledger_query(session, actor, f).order_by(None).subquery())
    )
    today = datetime.now(LOCAL_TZ).strftime("%Y%m%d")
    job = ExportJob(
        user_id=actor.id,
        params=_params(f),
        total=total or 0,
        file_name=f"问题线索台账_{today}.xlsx",
    )
    session.add(job)
    session.flush()
    return job


def job_of(session: Session, actor: User, job_id: int) -> ExportJob:
    job = session.get(ExportJob, job_id)
    if job is None or job.user_id != actor.id:
        raise NotFound("没有找到这个导出任务。")
    return job


def run_export(factory: sessionmaker, job_id: int, store: FileStore) -> None:
    """Write the job's workbook, recording progress; never raises (the job records it)."""
    try:
        _run(factory, job_id, store)
    except Exception as err:  # noqa: BLE001 — the job must end recorded, whatever failed
        with factory() as session:
            job = session.get(ExportJob, job_id)
            if job is not None:
                job.status, job.error, job.updated_at = "failed", str(err)[:200], utcnow()
                session.commit()


def _progress(factory: sessionmaker, job_id: int, **values: Any) -> None:
    with factory() as session:
        job = session.get(ExportJob, job_id)
        assert job is not None
        for key, value in values.items():
            setattr(job, key, value)
        job.updated_at = utcnow()
        session.commit()


def _run(factory: sessionmaker, job_id: int, store: FileStore) -> None:
    _progress(factory, job_id, status="running")
    with factory() as session, tempfile.TemporaryFile() as fh:
        job = session.get(ExportJob, job_id)
        actor = session.get(User, job.user_id) if job else None
        assert job is not None and actor is not None
        f, started = _filter(job.params), _aware(job.created_at)
        rows = ledger_rows(session, actor, f, started.astimezone(LOCAL_TZ).date())
        out = XlsxStream(fh, LEDGER_TITLE, LEDGER_WIDTHS)
        for done in write_ledger(out, ledger_title(session, actor, f, started), rows):
            _progress(factory, job_id, done=done)
        out.close()
        fh.seek(0)
        data = fh.read()
        session.rollback()
    with factory() as session:
        store.put(session, f"exports/{job_id}.xlsx", data)
        job = session.get(ExportJob, job_id)
        assert job is not None
        job.status, job.done, job.updated_at = "done", out.rows - HEAD_ROWS, utcnow()
        session.commit()


def job_file(session: Session, store: FileStore, job: ExportJob) -> bytes:
    if job.status != "done":
        raise DomainError("导出尚未完成。")
    return store.get(session, job.store_name)
