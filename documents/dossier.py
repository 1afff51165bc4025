"""案卷: a clue's whole file as one PDF — cover, 卷内目录 with page numbers, 处置卡, 办理记录,
the records, and every issued document in the order issued (its sealed PDF, page for page).

The parts (``documents.dossier_html``) are laid out one at a time, each numbered on from
the last, so WeasyPrint holds one part's layout, not the file's: memory stays flat from 50
to 200 pages and beyond (bench/bench_dossier.py). The contents come last, from the parts'
page counts and anchors; pypdf joins cover, contents, parts and the sealed pages, with
bookmarks. The sealed files are checked against their SHA-256 first: a 案卷 never carries
a document that is not the one issued.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from pypdf import PdfReader, PdfWriter
from sqlalchemy.orm import Session
from weasyprint.text.fonts import FontConfiguration

from cases import outcomes, records
from cases.attachments import attachments
from cases.models import Clue
from cases.queries.card import clue_card
from config.audit_log import record_event
from config.errors import ValidationError
from config.filestore import FileStore
from config.localtime import local_date
from directory.models import User
from documents.dossier_html import (
    DocumentSlot,
    Parts,
    RecordTable,
    TocEntry,
    dossier_parts,
    page_document,
    toc,
)
from documents.letter_kinds import kind_of
from documents.letters import documents_of
from documents.pdf import document_pdf, render_document
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


# 办理记录 entries laid out per part (about 48 pages): WeasyPrint's memory is that of one
# part, whatever the length of the file (bench/bench_dossier.py).
TIMELINE_SLICE = 1000


@dataclass
class _Rendered:
    pdf: bytes
    pages: int
    anchors: dict[str, int]  # anchor -> page index within the part


def _render(
    body: str, reference: str, first_page: int | None, fonts: FontConfiguration
) -> _Rendered:
    document = render_document(page_document(body, reference, first_page), fonts=fonts)
    anchors: dict[str, int] = {}
    for index, page in enumerate(document.pages):
        for name in page.anchors:
            anchors.setdefault(name, index)
    return _Rendered(document_pdf(document), len(document.pages), anchors)


def dossier_pdf(
    session: Session, actor: User, clue: Clue, files: FileStore
) -> tuple[str, bytes]:
    """The 案卷 PDF and its download name: whoever may print the clue's 处置卡 (the same
    ``clue_card``, which checks the jurisdiction)."""
    card = clue_card(session, actor, clue)
    sealed = _sealed_pdfs(session, clue, files)
    slots = [DocumentSlot(title, at, _page_count(data)) for title, at, data in sealed]
    tables = record_tables(session, clue)
    parts = dossier_parts(card, tables, slots, local_today(), TIMELINE_SLICE)
    pdf = assemble(card.reference, parts, tables, slots, [data for _, _, data in sealed])
    record_event(
        session, actor_id=actor.id, kind="clue.dossier_exported", subject_type="clue",
        subject_id=clue.id,
        detail={"documents": len(sealed), "sha256": hashlib.sha256(pdf).hexdigest()},
    )
    return f"案卷-{clue.reference}.pdf", pdf


def _bodies(parts: Parts) -> list[str]:
    """The parts after the contents: the card opens the first 办理记录 slice, the records
    and the list of documents close the last one, so a short file is one layout."""
    bodies = list(parts.timeline)
    bodies[0] = parts.card + bodies[0]
    bodies[-1] = bodies[-1] + parts.records + parts.documents
    return bodies


def assemble(
    reference: str,
    parts: Parts,
    tables: Sequence[RecordTable],
    slots: Sequence[DocumentSlot],
    sealed: Sequence[bytes],
) -> bytes:
    """Lay out the parts one at a time, each numbered on from the last; then cover and
    contents, whose length is learnt from a first pass with the widest numbers; then join
    them with the sealed pages, with a bookmark per contents line."""
    fonts = FontConfiguration()
    sections = ("card", "timeline", "records", "documents", *(t.anchor for t in tables))

    def contents(numbers: dict[str, int]) -> list[TocEntry]:
        return [
            TocEntry("一、问题线索处置卡", numbers["card"]),
            TocEntry("二、办理记录", numbers["timeline"]),
            TocEntry("三、办理材料", numbers["records"]),
            *(TocEntry(t.title, numbers[t.anchor], 1) for t in tables),
            TocEntry("四、文书", numbers["documents"]),
            *(TocEntry(d.title, numbers[f"doc-{i}"], 1) for i, d in enumerate(slots)),
        ]

    widest = 10 ** len(str(50 * (len(parts.timeline) + 2) + sum(s.pages for s in slots)))
    guess = dict.fromkeys([*sections, *(f"doc-{i}" for i in range(len(slots)))], widest)
    front_pages = _render(parts.cover + toc(contents(guess)), reference, None, fonts).pages
    while True:
        numbers: dict[str, int] = {}
        rendered: list[_Rendered] = []
        page = front_pages + 1
        for body in _bodies(parts):
            part = _render(body, reference, page, fonts)
            for anchor in sections:
                if anchor in part.anchors and anchor not in numbers:
                    numbers[anchor] = page + part.anchors[anchor]
            rendered.append(part)
            page += part.pages
        for i, slot in enumerate(slots):
            numbers[f"doc-{i}"] = page
            page += slot.pages
        front = _render(parts.cover + toc(contents(numbers)), reference, None, fonts)
        if front.pages == front_pages:
            break
        front_pages = front.pages  # a contents longer than foreseen: number again
    return _join([front, *rendered], sealed, contents(numbers))


def _join(rendered: list[_Rendered], sealed: Sequence[bytes], entries: list[TocEntry]) -> bytes:
    writer = PdfWriter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for part in [*(r.pdf for r in rendered), *sealed]:
            writer.append(PdfReader(io.BytesIO(part)), import_outline=False)
    parent = None
    for entry in entries:
        item = writer.add_outline_item(
            title=entry.title, page_number=entry.page - 1, parent=parent if entry.level else None
        )
        if entry.level == 0:
            parent = item
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
