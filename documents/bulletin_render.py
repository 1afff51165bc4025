"""A 通报 as a 公文: the ``Gongwen`` content, then DOCX (python-docx) and PDF (WeasyPrint)."""

from __future__ import annotations

from datetime import date

from documents.bulletin_models import Bulletin
from documents.gongwen import Block, Gongwen, chinese_ordinal
from documents.gongwen_docx import gongwen_docx
from documents.gongwen_html import gongwen_html
from documents.pdf import html_to_pdf


def bulletin_gongwen(bulletin: Bulletin, day: date) -> Gongwen:
    """The 通报 in 公文 order: opening, 一、 each case, closing; 版记 by the body's office."""
    blocks = [Block("para", p) for p in bulletin.intro.split("\n") if p.strip()]
    for i, case in enumerate(bulletin.cases, start=1):
        blocks.append(Block("h1", f"{chinese_ordinal(i)}、{case.heading}"))
        blocks.extend(Block("para", p) for p in case.text.split("\n") if p.strip())
    blocks.extend(Block("para", p) for p in bulletin.closing.split("\n") if p.strip())
    body = bulletin.body.name
    return Gongwen(
        issuer=body,
        number=bulletin.number_text,
        title=bulletin.title,
        recipients=bulletin.recipients,
        blocks=tuple(blocks),
        signer=body,
        signed_on=day,
        printed_by=f"{body}办公室",
        printed_on=day,
    )


def render_bulletin(bulletin: Bulletin, day: date) -> tuple[bytes, bytes]:
    """(DOCX, PDF) of the 通报 as issued on ``day``."""
    doc = bulletin_gongwen(bulletin, day)
    return gongwen_docx(doc), html_to_pdf(gongwen_html(doc))
