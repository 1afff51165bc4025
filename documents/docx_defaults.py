"""Build the shipped default DOCX templates (docxtpl) with python-docx, reproducibly.

    python -m documents.docx_defaults            # writes documents/letter_templates/*.docx

GB/T 9704-2012 page (A4, 37/28/26/35 mm, a document grid of 28 lines × 22 characters),
fonts named as offices have them (仿宋_GB2312 body, 方正小标宋简体 版头 and 标题, 黑体
form headings), the 版头 in red over a red rule, 文号, 附件, 署名 and 成文日期, 版记 with
抄送 and 印发, and a “— 1 —” page number. Placeholders are docxtpl (Jinja) tags; the names
are those of ``documents.letter_context.Letter.context``.
"""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.text.paragraph import Paragraph

from documents.fonts import DOCX_LATIN, FANGSONG, HEITI, SIZE_ERHAO, SIZE_SANHAO, SIZE_SIHAO
from documents.fonts import XIAOBIAOSONG as XBS
from documents.gbt9704 import (
    CHARS_PER_LINE,
    LINE_PT,
    MARGIN_BOTTOM_MM,
    MARGIN_LEFT_MM,
    MARGIN_RIGHT_MM,
    MARGIN_TOP_MM,
    PT_PER_MM,
    TEXT_WIDTH_MM,
)
from documents.letter_kinds import KINDS, LetterKind

TEMPLATE_DIR = Path(__file__).with_name("letter_templates")
RED = RGBColor(0xD4, 0x00, 0x00)
FIXED_TIME = datetime(2026, 1, 1)


def _font(run, font_name: str, size: float, *, bold: bool = False, color=None) -> None:
    run.font.name = DOCX_LATIN
    run.font.size = Pt(size)
    run.font.bold = bold
    if color is not None:
        run.font.color.rgb = color
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), font_name)
    fonts.set(qn("w:hint"), "eastAsia")


def _para(
    doc,
    text: str = "",
    *,
    font: str = FANGSONG.docx,
    size: float = SIZE_SANHAO,
    align=None,
    indent_chars: int = 0,
    color=None,
) -> Paragraph:
    p = doc.add_paragraph()
    fmt = p.paragraph_format
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.line_spacing = Pt(LINE_PT)
    if align is not None:
        p.alignment = align
    if indent_chars:
        fmt.first_line_indent = Pt(indent_chars * SIZE_SANHAO)
    if text:
        _font(p.add_run(text), font, size, color=color)
    return p


def _border(p: Paragraph, side: str, size_eighths: int, color: str) -> None:
    pPr = p._p.get_or_add_pPr()
    borders = pPr.find(qn("w:pBdr"))
    if borders is None:
        borders = OxmlElement("w:pBdr")
        pPr.append(borders)
    edge = OxmlElement(f"w:{side}")
    for key, value in (
        ("val", "single"),
        ("sz", str(size_eighths)),
        ("space", "1"),
        ("color", color),
    ):
        edge.set(qn(f"w:{key}"), value)
    borders.append(edge)


def _page(doc) -> None:
    section = doc.sections[0]
    section.start_type = WD_SECTION.NEW_PAGE
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(MARGIN_TOP_MM), Mm(MARGIN_BOTTOM_MM)
    section.left_margin, section.right_margin = Mm(MARGIN_LEFT_MM), Mm(MARGIN_RIGHT_MM)
    section.footer_distance = Mm(MARGIN_BOTTOM_MM - 7 - 5)
    grid = section._sectPr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        section._sectPr.append(grid)
    pitch = TEXT_WIDTH_MM * PT_PER_MM / CHARS_PER_LINE
    grid.set(qn("w:type"), "linesAndChars")
    grid.set(qn("w:linePitch"), str(round(LINE_PT * 20)))
    grid.set(qn("w:charSpace"), str(round((pitch - SIZE_SANHAO) * 4096)))
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = DOCX_LATIN, Pt(SIZE_SANHAO)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FANGSONG.docx)
    _folio(section.footer.paragraphs[0])
    props = doc.core_properties
    props.author = props.last_modified_by = "清风"
    props.created = props.modified = FIXED_TIME
    props.revision = 1


def _folio(p: Paragraph) -> None:
    """“— N —”, 四号, at the outer edge (GB/T 9704 7.5)."""
    p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _font(p.add_run("— "), FANGSONG.docx, SIZE_SIHAO)
    run = p.add_run()
    _font(run, FANGSONG.docx, SIZE_SIHAO)
    for kind, text in (("begin", None), (None, " PAGE "), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        else:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        run._r.append(el)
    _font(p.add_run(" —"), FANGSONG.docx, SIZE_SIHAO)


def _head(doc, *, red: bool) -> None:
    p = _para(
        doc,
        "{{ issuer }}",
        font=XBS.docx,
        size=26 if red else SIZE_ERHAO,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        color=RED if red else None,
    )
    p.paragraph_format.line_spacing = Pt(LINE_PT * 2)
    _para(doc)
    number = _para(doc, "{{ number }}", align=WD_ALIGN_PARAGRAPH.CENTER)
    _border(number, "bottom", 12, "D40000" if red else "000000")
    _para(doc)


def _letter_body(doc, kind: LetterKind) -> None:
    title = _para(
        doc, "{{ title }}", font=XBS.docx, size=SIZE_ERHAO, align=WD_ALIGN_PARAGRAPH.CENTER
    )
    title.paragraph_format.line_spacing = Pt(LINE_PT * 1.5)
    _para(doc)
    _para(doc, "{{ addressee }}")
    _para(doc, "{%p for para in paragraphs %}")
    _para(doc, "{{ para }}", indent_chars=2, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    _para(doc, "{%p endfor %}")
    _para(doc, "{%p if attachments %}")
    _para(doc)
    _para(
        doc,
        "附件：{% for a in attachments %}{{ loop.index }}. {{ a }}{% if not loop.last %}；"
        "{% endif %}{% endfor %}",
        indent_chars=2,
    )
    _para(doc, "{%p endif %}")
    _para(doc)
    _para(doc)
    _para(doc, "{{ signer }}", align=WD_ALIGN_PARAGRAPH.RIGHT).paragraph_format.right_indent = Pt(
        SIZE_SANHAO * 4
    )
    _para(doc, "{{ date }}", align=WD_ALIGN_PARAGRAPH.RIGHT).paragraph_format.right_indent = Pt(
        SIZE_SANHAO * 4
    )
    _para(doc)
    _para(doc)
    _colophon(doc)
    if kind.receipt:
        _receipt(doc)


def _colophon(doc) -> None:
    cc = _para(doc, "{% if cc %}抄送：{{ cc }}。{% endif %}", size=SIZE_SIHAO)
    cc.paragraph_format.left_indent = Pt(SIZE_SIHAO)
    _border(cc, "top", 8, "000000")
    printed = _para(doc, "{{ printed_by }}　　{{ printed_on }}印发", size=SIZE_SIHAO)
    printed.paragraph_format.left_indent = Pt(SIZE_SIHAO)
    _border(printed, "top", 4, "000000")
    _border(printed, "bottom", 8, "000000")


def _receipt(doc) -> None:
    p = _para(doc)
    p.add_run().add_break(WD_BREAK.PAGE)
    _para(doc, "回　执", font=XBS.docx, size=SIZE_ERHAO, align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(doc)
    table = doc.add_table(rows=4, cols=2)
    table.style = "Table Grid"
    labels = ("函询函文号", "被函询人（签字）", "收到日期", "所在单位主要负责人意见")
    values = ("{{ number }}", "", "　　年　　月　　日", "")
    for row, label, value in zip(table.rows, labels, values, strict=True):
        _font(row.cells[0].paragraphs[0].add_run(label), HEITI.docx, SIZE_SIHAO)
        _font(row.cells[1].paragraphs[0].add_run(value), FANGSONG.docx, SIZE_SIHAO)
        row.height = Mm(16)


def _form_body(doc) -> None:
    _para(doc, "{{ title }}", font=XBS.docx, size=SIZE_ERHAO, align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(doc, "线索编号：{{ ledger_no }}", size=SIZE_SIHAO, align=WD_ALIGN_PARAGRAPH.RIGHT)
    table = doc.add_table(rows=5, cols=2)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    cells = (
        ("{%tr for r in rows %}", ""),
        ("{{ r.label }}", "{{ r.value }}"),
        ("{%tr endfor %}", ""),
        (
            "意见",
            "{% for para in paragraphs %}{{ para }}{% if not loop.last %}\n{% endif %}{% endfor %}",
        ),
        ("领导批示", ""),
    )
    for row, (label, value) in zip(table.rows, cells, strict=True):
        _font(row.cells[0].paragraphs[0].add_run(label), HEITI.docx, SIZE_SIHAO)
        _font(row.cells[1].paragraphs[0].add_run(value), FANGSONG.docx, SIZE_SIHAO)
        row.cells[0].width, row.cells[1].width = Mm(32), Mm(124)
    table.rows[4].height = Mm(40)
    _para(doc)
    _para(doc, "{{ signer }}　　{{ date }}", size=SIZE_SIHAO, align=WD_ALIGN_PARAGRAPH.RIGHT)


def build(kind: LetterKind) -> DocxDocument:
    doc = Document()
    _page(doc)
    _head(doc, red=not kind.form)
    if kind.form:
        _form_body(doc)
    else:
        _letter_body(doc, kind)
    return doc


def write_all(target: Path = TEMPLATE_DIR) -> list[Path]:
    target.mkdir(exist_ok=True)
    written = []
    for kind in KINDS.values():
        path = target / f"{kind.code}.docx"
        build(kind).save(str(path))
        written.append(path)
    return written


if __name__ == "__main__":  # pragma: no cover
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else TEMPLATE_DIR
    for written_path in write_all(out):
        print(written_path)
