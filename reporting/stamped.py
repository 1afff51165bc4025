"""盖章PDF: the signed, stamped scan of a report ("Word版和盖章PDF版本", seeds 001/004).

The upload check of ``cases.attachments`` trusts a file whose first bytes say ``%PDF``;
a stamped scan is what the reviewing office files as the signed original, so it must also
open: pypdf reads it, it has at least one page and it is not encrypted (the reviewers
could not open it). Statistical forms (表格类报表) take nothing but such PDFs — their
figures are typed into the form itself; free-text reports keep their wider list.
"""

from __future__ import annotations

import io
import warnings

from pypdf import PdfReader

from reporting.formdef import FormDefinition, FormKind

TABLE_ACCEPT = ".pdf"
TABLE_LABEL = "盖章扫描件 PDF"


def only_pdf(form: FormDefinition) -> bool:
    return form.kind is FormKind.TABLE


def wrong_type(name: str) -> str:
    return f"“{name}”未上传：统计报表只接受盖章后扫描的 PDF 文件（报表数据请直接在表中填写）。"


def pdf_problem(name: str, content: bytes) -> str | None:
    """Why ``content`` is no PDF a reviewer can open, or None."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(io.BytesIO(content), strict=False)
            if reader.is_encrypted:
                return f"“{name}”已加密，审核单位无法打开，请上传未加密的扫描件。"
            pages = len(reader.pages)
    except Exception:  # any parser failure means: not a PDF a reviewer can open
        return f"“{name}”不是有效的 PDF 文件（无法打开），请重新扫描或导出后上传。"
    if pages == 0:
        return f"“{name}”没有页面，请重新扫描后上传。"
    return None
