"""案卷: a clue's whole file as one PDF — cover, 卷内目录 with page numbers, 处置卡, 办理记录,
the records, and every issued document in the order issued (its sealed PDF, page for page).

One WeasyPrint pass lays out the HTML (``documents.dossier_html``) with an empty slot page
for each page of each issued PDF, so the table of contents already counts them; pypdf then
puts the sealed pages into their slots. The sealed files are checked against their
SHA-256 first: a 案卷 never carries a document that is not the one issued.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from datetime import datetime

from pypdf import PdfReader, PdfWriter
from sqlalchemy.orm import Session

from cases import outcomes, records
from cases.attachments import attachments
from cases.models import Clue
from cases.queries.card import clue_card
from config.audit_log import record_event
from config.errors import ValidationError
from config.filestore import FileStore
from config.localtime import local_date
from directory.models import User
from documents.dossier_html import DocumentSlot, RecordTable, dossier_html
from documents.letter_kinds import kind_of
from documents.letters import documents_of
from documents.pdf import html_to_pdf
from workflow.engine import local_today


def _d(value) -> str:
    return f"{value.year}年{value.month}月{value.day}日" if value else ""


def record_tables(session: Session, clue: Clue) -> list[RecordTable]:
    """The handling records, one table each, in the order a file is read."""
    subjects = records.subjects(session, clue)
    return [
        RecordTable("subjects", "当事人", ("姓名/名称", "类别", "所在机构及岗位", "备注"), tuple(
            (s.name, "机构" if s.kind == "institution" else "人员", s.label, s.note)
            for s in subjects)),
        RecordTable("talks", "谈话记录", ("日期", "谈话对象", "谈话人", "内容"), tuple(
            (_d(t.talked_on), t.person, t.talkers, t.content)
            for t in records.talks(session, clue))),
        RecordTable("inquiries", "函询", ("发出日期", "函询对象", "回复期限", "回复"), tuple(
            (_d(q.sent_on), q.recipient, _d(q.reply_due),
             f"{_d(q.reply_received_on)} {q.reply_summary}".strip())
            for q in records.inquiries(session, clue))),
        RecordTable("sanctions", "处理处置", ("对象", "措施", "决定日期", "执行日期"), tuple(
            (s.subject.name, s.kind_label, _d(s.decided_on), _d(s.executed_on) or "尚未执行")
            for s in outcomes.sanctions(session, clue))),
        RecordTable("referrals", "移送", ("移送机关", "移送日期", "回执", "结果"), tuple(
            (f"{r.target_label}：{r.organ}", _d(r.sent_on), _d(r.received_on), r.outcome)
            for r in outcomes.referrals(session, clue))),
        RecordTable("feedback", "反馈", ("方式", "日期", "对外反馈内容"), tuple(
            (f.mode_label + (f"（{f.method_label}）" if f.method else ""), _d(f.given_on),
             f.public_wording or f.na_reason)
            for f in outcomes.feedback_records(session, clue))),
        RecordTable("attachments", "附件目录", ("文件名", "类型", "字节", "上传日期"), tuple(
            (a.filename, a.content_type, str(a.size), _d(local_date(a.uploaded_at)))
            for a in attachments(session, clue))),
    ]


def _sealed_pdfs(
    session: Session, clue: Clue, files: FileStore
) -> list[tuple[str, datetime, bytes]]:
    out = []
    for doc in documents_of(session, clue):
        data = files.get(session, doc.pdf_name)
        if hashlib.sha256(data).hexdigest() != doc.pdf_sha256:
            raise ValidationError(
                f"文书{doc.number_text}的 PDF 与印发时的 SHA-256 不符，不能组卷，请联系管理员。"
            )
        out.append((f"{doc.number_text} {kind_of(doc.kind).name}", doc.issued_at, data))
    return out


def _page_count(data: bytes) -> int:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return len(PdfReader(io.BytesIO(data)).pages)


def dossier_pdf(
    session: Session, actor: User, clue: Clue, files: FileStore
) -> tuple[str, bytes]:
    """The 案卷 PDF and its download name: whoever may print the clue's 处置卡 (the same
    ``clue_card``, which checks the jurisdiction)."""
    card = clue_card(session, actor, clue)
    sealed = _sealed_pdfs(session, clue, files)
    slots = [DocumentSlot(title, at, _page_count(data)) for title, at, data in sealed]
    html = dossier_html(card, record_tables(session, clue), slots, local_today())
    pdf = fill_slots(html_to_pdf(html), [data for _, _, data in sealed])
    record_event(
        session, actor_id=actor.id, kind="clue.dossier_exported", subject_type="clue",
        subject_id=clue.id,
        detail={"documents": len(sealed), "sha256": hashlib.sha256(pdf).hexdigest()},
    )
    return f"案卷-{clue.reference}.pdf", pdf


def fill_slots(layout: bytes, sealed: list[bytes]) -> bytes:
    """Replace the trailing slot pages of ``layout`` with the pages of ``sealed``, in order."""
    if not sealed:
        return layout
    base = PdfReader(io.BytesIO(layout))
    readers = [PdfReader(io.BytesIO(data)) for data in sealed]
    inserted = sum(len(r.pages) for r in readers)
    writer = PdfWriter()
    for page in base.pages[: len(base.pages) - inserted]:
        writer.add_page(page)
    for reader in readers:
        for page in reader.pages:
            writer.add_page(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
