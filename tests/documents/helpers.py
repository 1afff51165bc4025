"""Reading issued letters back: DOCX text and fonts (python-docx), PDF text and fonts (pypdf)."""

from __future__ import annotations

import io

from docx import Document
from docx.oxml.ns import qn
from pypdf import PdfReader

from documents.letter_render import docx_text


def docx_fonts(data: bytes) -> set[str]:
    """Every East Asian font named in the document body and its styles."""
    doc = Document(io.BytesIO(data))
    names = set()
    for element in (doc.element.body, doc.styles.element):
        for fonts in element.iter(qn("w:rFonts")):
            if fonts.get(qn("w:eastAsia")):
                names.add(fonts.get(qn("w:eastAsia")))
    return names


def pdf_text(data: bytes) -> str:
    """The PDF's text with the letter-spacing gaps and line breaks taken out."""
    reader = PdfReader(io.BytesIO(data))
    text = "".join(page.extract_text() for page in reader.pages)
    return "".join(text.split())


def pdf_fonts(data: bytes) -> set[str]:
    reader = PdfReader(io.BytesIO(data))
    names = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            names.add(str(font.get_object()["/BaseFont"]).split("+")[-1])
    return names


def flat_docx_text(data: bytes) -> str:
    return "".join(docx_text(data).split())
