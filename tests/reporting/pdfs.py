"""Real PDFs for the report-attachment tests (a stamped scan must open: reporting.stamped)."""

from __future__ import annotations

import io

from pypdf import PdfWriter


def one_page_pdf(*, password: str = "") -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    if password:
        writer.encrypt(password)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


PDF = one_page_pdf()
