"""A ``Gongwen`` as HTML in the classes of the GB/T 9704 sheet (``documents.gbt9704``), for
``documents.pdf.html_to_pdf``: the same content the DOCX holds, with the seal's place.

Every text is escaped: a case typed by a reviewer is text, never markup.
"""

from __future__ import annotations

from markupsafe import escape

from documents.gbt9704 import issuer_size_pt
from documents.gongwen import Gongwen, chinese_date
from documents.letter_render import _latin as latin  # one rule for letters and 通报


def _p(text: str, cls: str = "") -> str:
    """A paragraph, escaped; digits and Latin runs kept off the CJK letter-spacing."""
    attr = f' class="{cls}"' if cls else ""
    return f"<p{attr}>{latin(text)}</p>"


def _blocks(doc: Gongwen) -> str:
    out = []
    for block in doc.blocks:
        for line in block.text.split("\n"):
            if line.strip():
                out.append(_p(line.strip(), f"gw-{block.kind}" if block.kind != "para" else ""))
    return "".join(out)


def gongwen_html(doc: Gongwen, *, seal_label: str = "（印章）") -> str:
    """The whole document; the sheet is added by ``html_to_pdf``."""
    size = issuer_size_pt(doc.masthead)
    attachments = ""
    if doc.attachments:
        items = [
            _p(("附件：" if i == 1 else "　　　") + (f"{i}．" if len(doc.attachments) > 1 else "")
               + name)
            for i, name in enumerate(doc.attachments, start=1)
        ]
        attachments = f'<div class="gw-attachments">{"".join(items)}</div>'
    copies = _p(f"抄送：{doc.copies_to}。") if doc.copies_to else ""
    return (
        "<!DOCTYPE html><html lang='zh-CN'><head><meta charset='utf-8'>"
        f"<title>{escape(doc.title)}</title></head><body>"
        f'<div class="gw-header"><p class="gw-issuer" style="font-size:{size}pt">'
        f"{escape(doc.masthead)}</p>"
        f'{_p(doc.number, "gw-number")}<hr class="gw-rule"></div>'
        f'<h1 class="gw-title">{escape(doc.title)}</h1>'
        + (_p(f"{doc.recipients}：", "gw-addressee") if doc.recipients else "")
        + f'<div class="gw-body">{_blocks(doc)}</div>{attachments}'
        f'<div class="gw-signature"><span class="gw-seal">{escape(seal_label)}</span>'
        f'{_p(doc.signer, "gw-signer")}{_p(chinese_date(doc.signed_on), "gw-date")}</div>'
        f'<div class="gw-colophon">{copies}<p class="gw-printed">'
        f"<span>{escape(doc.printed_by)}</span>"
        f"<span>{escape(chinese_date(doc.printed_on))}印发</span></p></div>"
        "</body></html>"
    )
