"""Every official form prints as PDF in its layout: title, 填报单位, headers, numbers, the
computed 合计, footer and notes extracted with pypdf; wide forms landscape; a submission's
PDF downloads under a Chinese name for whoever may read it."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from urllib.parse import unquote

import pytest
from pypdf import PdfReader

from reporting.export import SheetSpec
from reporting.forms import FORMS
from reporting.pdf_export import export_pdf
from reporting.submissions import start_draft
from tests.conftest import login, user
from tests.reporting.journey import obligation

META = SheetSpec(
    FORMS["zl1"], {}, "鹿寨县人民医院", "2021年1-7月", date(2021, 8, 10), "张三", "李四",
    "0772-6815093",
)


def _text(pdf: bytes) -> tuple[str, list]:
    pages = PdfReader(io.BytesIO(pdf)).pages
    return "".join(p.extract_text() for p in pages).replace(" ", "").replace("\n", ""), pages


def _values(code: str):
    form = FORMS[code]
    if form.kind.value == "text":
        return {(s.code, "text"): f"{s.title}的内容" for s in form.sections}
    row = next(r for r in form.rows if not r.sum_of)
    col = next(c for c in form.columns if not c.sum_of and form.is_numeric(row.code, c.code))
    return {(row.code, col.code): 7 if form.unit(row.code, col.code).value != "万元"
            else Decimal("1.5")}


@pytest.mark.parametrize("code", sorted(FORMS))
def test_every_form_prints_its_layout(code):
    form = FORMS[code]
    spec = SheetSpec(form, _values(code), *list(vars(META).values())[2:])
    text, pages = _text(export_pdf(spec))
    title = (form.title_lines[0] if form.title_lines else form.title).replace(" ", "")
    assert title[:20] in text
    assert "鹿寨县人民医院" in text
    page = pages[0]
    wide = len(form.columns) + form.label_width > 6  # 统计表一/二/三, 量化表二
    assert (float(page.mediabox.width) > float(page.mediabox.height)) is wide
    if form.kind.value == "table":
        leaf = form.columns[0].headers[-1].replace(" ", "")
        assert leaf[:6] in text
        assert "7" in text or "1.5" in text
    for label, _key in form.footer:
        assert label in text


def test_zl1_numbers_total_footer_and_notes():
    spec = SheetSpec(FORMS["zl1"], {("self", "found"): 3}, *list(vars(META).values())[2:])
    text, pages = _text(export_pdf(spec))
    assert "填报单位：鹿寨县人民医院" in text and "填报时间：2021年8月10日" in text
    assert all(f"（{n}）" in text for n in range(1, 12))
    assert "合计" in text and "本单位" in text
    assert "单位负责人：张三" in text and "逐月累计" in text
    assert "第1页共1页" in text


def test_submission_pdf_downloads_under_a_chinese_name(client, app, db):
    sub = start_draft(db, user(db, "reporter"), obligation(db, "C01-D01-H01", form="zl3"))
    login(client, "reporter")
    answer = client.get(f"/reporting/submissions/{sub.id}/export.pdf")
    assert answer.status_code == 200 and answer.mimetype == "application/pdf"
    name = unquote(answer.headers["Content-Disposition"].split("''", 1)[1])
    # Named as its XLSX: 单位_表名_期间 (a first version carries no 第N版).
    assert name.startswith(f"{sub.unit.name}_") and name.endswith(".pdf") and "第" not in name
    assert _text(answer.data)[0].count(sub.unit.name) >= 1
    outsider = app.test_client()
    login(outsider, "clerk_yt")  # another county's office
    assert outsider.get(f"/reporting/submissions/{sub.id}/export.pdf").status_code in (403, 404)
