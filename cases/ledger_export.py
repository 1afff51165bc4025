"""The ledger as XLSX, streamed: rows are fetched in keyset batches (each batch's related
names in one query per kind, never one per row) and written with the one spreadsheet
writer's constant-memory stream (rows go to a temporary file as they come), then the
finished file is sent in chunks, so memory does not grow with the number of clues.
"""

from __future__ import annotations

import tempfile
from collections import defaultdict
from collections.abc import Iterator
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from cases.handling_models import ClueSubject, Referral, Sanction
from cases.ledger_query import LedgerFilter, iter_ledger
from cases.models import Clue
from cases.reference import CHANNEL_LABELS, SANCTION_KINDS, category_label
from cases.states import FINDINGS_LABELS, ROUTE_LABELS
from config.localtime import LOCAL_TZ
from config.spreadsheet import XlsxStream
from directory.models import OrgUnit, User
from workflow.models import TransitionLog

LEDGER_COLUMNS = (
    "序号",
    "线索编号",
    "受理日期",
    "来源",
    "反映对象（单位/人员）",
    "问题类别",
    "主要问题摘要",
    "处置方式",
    "核查结论",
    "处理结果",
    "办理状态",
    "承办人",
    "办结/销号日期",
)
CHUNK = 64 * 1024


def ledger_rows(session: Session, actor: User, f: LedgerFilter) -> Iterator[list[object]]:
    """The ledger's rows in the usual columns, jurisdiction and filters applied."""
    return _rows(session, iter_ledger(session, actor, f))


def _rows(session: Session, batches: Iterator[list[Clue]]) -> Iterator[list[object]]:
    n = 0
    for batch in batches:
        extra = _batch_details(session, batch)
        for clue in batch:
            n += 1
            yield [
                n,
                clue.reference,
                _day(clue.received_at),
                CHANNEL_LABELS.get(clue.channel, clue.channel),
                extra["subjects"].get(clue.id) or extra["units"].get(clue.accused_unit_id, ""),
                category_label(clue.category),
                clue.summary,
                ROUTE_LABELS.get(clue.route or "", ""),
                FINDINGS_LABELS.get(clue.findings or "", ""),
                extra["results"].get(clue.id, ""),
                clue.state_label,
                extra["handlers"].get(clue.handler_id, ""),
                extra["closed"].get(clue.id, ""),
            ]


def _batch_details(session: Session, batch: list[Clue]) -> dict[str, dict]:
    ids = [c.id for c in batch]
    subjects: dict[int, list[str]] = defaultdict(list)
    for clue_id, name in session.execute(
        select(ClueSubject.clue_id, ClueSubject.name)
        .where(ClueSubject.clue_id.in_(ids))
        .order_by(ClueSubject.id)
    ):
        subjects[clue_id].append(name)
    results: dict[int, list[str]] = defaultdict(list)
    for clue_id, name, kind in session.execute(
        select(Sanction.clue_id, ClueSubject.name, Sanction.kind)
        .join(Sanction.subject)
        .where(Sanction.clue_id.in_(ids))
        .order_by(Sanction.id)
    ):
        results[clue_id].append(f"{name}：{SANCTION_KINDS.get(kind, kind)}")
    for clue_id, organ in session.execute(
        select(Referral.clue_id, Referral.organ).where(Referral.clue_id.in_(ids))
    ):
        results[clue_id].append(f"移送{organ}")
    unit_ids = {c.accused_unit_id for c in batch if c.accused_unit_id}
    units = dict(
        session.execute(select(OrgUnit.id, OrgUnit.name).where(OrgUnit.id.in_(unit_ids))).all()
    )
    handler_ids = {c.handler_id for c in batch if c.handler_id}
    handlers = dict(
        session.execute(select(User.id, User.display_name).where(User.id.in_(handler_ids))).all()
    )
    closed = {
        subject_id: _day(at)
        for subject_id, at in session.execute(
            select(TransitionLog.subject_id, TransitionLog.at).where(
                TransitionLog.lifecycle == "clue",
                TransitionLog.trigger == "approve_write_off",
                TransitionLog.subject_id.in_(ids),
            )
        )
    }
    return {
        "subjects": {k: "、".join(v) for k, v in subjects.items()},
        "results": {k: "；".join(v) for k, v in results.items()},
        "handlers": handlers,
        "units": units,
        "closed": closed,
    }


def _day(at: datetime) -> str:
    return at.astimezone(LOCAL_TZ).strftime("%Y-%m-%d")


def ledger_xlsx(session: Session, actor: User, f: LedgerFilter) -> Iterator[bytes]:
    """The ledger workbook as byte chunks (for a streamed response)."""
    return _xlsx(ledger_rows(session, actor, f))


def _xlsx(rows: Iterator[list[object]]) -> Iterator[bytes]:
    with tempfile.TemporaryFile() as fh:
        out = XlsxStream(fh, "问题线索台账")
        out.freeze(1)
        out.append(LEDGER_COLUMNS, out.bold)
        for row in rows:
            # Tip text comes from the public: never a live formula (config.spreadsheet).
            out.append(row)
        out.close()
        fh.seek(0)
        while chunk := fh.read(CHUNK):
            yield chunk
