"""A ``Gongwen`` as a Word document in GB/T 9704-2012 layout (python-docx).

Every run names its East Asian font (仿宋_GB2312, 方正小标宋简体, 黑体, 楷体_GB2312) the way
Word templates of government offices do, so the file opens in the offices' own fonts;
the 版头 is red, the page numbers are "— N —" outside (odd right, even left), the body
keeps the 22 × 28 grid with a fixed line pitch.
"""

from __future__ import annotations

import io

from docx import Document
from docx.enum.section import WD_SECTION_START
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.text.paragraph import Paragraph

from documents.gongwen import (
    BODY_PT,
    FONT_BODY,
    FONT_HEADING,
    FONT_HEADING2,
    FONT_PAGE_NUMBER,
    FONT_TITLE,
    LINE_PITCH_PT,
    MARGIN_BOTTOM_MM,
    MARGIN_LEFT_MM,
    MARGIN_RIGHT_MM,
    MARGIN_TOP_MM,
    RED,
    TITLE_PT,
    Gongwen,
    chinese_date,
)

_HEADING_FONTS = {"h1": FONT_HEADING, "h2": FONT_HEADING2}


def _run(p: Paragraph, text: str, font: str, size: float, *, red: bool = False, bold=False):
    run = p.add_run(text)
    run.font.name = font
    run.font.size = Pt(size)
    run.font.bold = bold
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)
    if red:
        run.font.color.rgb = RGBColor.from_string(RED)
    return run


def _para(doc, align=WD_ALIGN_PARAGRAPH.JUSTIFY, *, indent: bool = False) -> Paragraph:
    p = doc.add_paragraph()
    fmt = p.paragraph_format
    fmt.alignment = align
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(LINE_PITCH_PT)
    fmt.space_before = fmt.space_after = Pt(0)
    if indent:
        fmt.first_line_indent = Pt(BODY_PT * 2)
    return p


_AFTER_PBDR = (
    "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
    "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd",
    "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents",
    "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment", "w:rPr", "w:sectPr",
)


def _rule(p: Paragraph, color: str, eighths: int, *, top: bool = False, bottom: bool = True):
    """Full-width rules over and/or under the paragraph: the 版头's red line, the 版记's."""
    ppr = p._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    for side, wanted in (("top", top), ("bottom", bottom)):  # schema order: top before bottom
        if not wanted:
            continue
        edge = OxmlElement(f"w:{side}")
        for key, value in (("val", "single"), ("sz", str(eighths)), ("space", "1"),
                           ("color", color)):
            edge.set(qn(f"w:{key}"), value)
        borders.append(edge)
    ppr.insert_element_before(borders, *_AFTER_PBDR)


def _page_number(footer, align) -> None:
    p = footer.paragraphs[0]
    p.alignment = align
    _run(p, "— ", FONT_PAGE_NUMBER, 14)
    run = _run(p, "", FONT_PAGE_NUMBER, 14)
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        else:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        run._element.append(el)
    _run(p, " —", FONT_PAGE_NUMBER, 14)


def _page_setup(doc) -> None:
    section = doc.sections[0]
    section.start_type = WD_SECTION_START.NEW_PAGE
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(MARGIN_TOP_MM), Mm(MARGIN_BOTTOM_MM)
    section.left_margin, section.right_margin = Mm(MARGIN_LEFT_MM), Mm(MARGIN_RIGHT_MM)
    section.footer_distance = Mm(28 - 7)  # 页码 7 mm below the 版心
    doc.settings.odd_and_even_pages_header_footer = True
    _page_number(section.footer, WD_ALIGN_PARAGRAPH.RIGHT)
    _page_number(section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)
    grid = section._sectPr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        section._sectPr.append(grid)
    grid.set(qn("w:type"), "linesAndChars")
    grid.set(qn("w:linePitch"), str(round(LINE_PITCH_PT * 20)))
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = FONT_BODY, Pt(BODY_PT)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT_BODY)


def gongwen_docx(doc_: Gongwen) -> bytes:
    """The 公文 as DOCX bytes."""
    doc = Document()
    _page_setup(doc)
    head = _para(doc, WD_ALIGN_PARAGRAPH.CENTER)
    head.paragraph_format.line_spacing = Pt(60)
    _run(head, doc_.masthead, FONT_TITLE, 36, red=True)
    _para(doc)
    number = _para(doc, WD_ALIGN_PARAGRAPH.CENTER)
    _run(number, doc_.number, FONT_BODY, BODY_PT)
    _rule(number, RED, 18)  # the red separator line, 版心 wide
    _para(doc)
    title = _para(doc, WD_ALIGN_PARAGRAPH.CENTER)
    title.paragraph_format.line_spacing = Pt(TITLE_PT * 1.5)
    _run(title, doc_.title, FONT_TITLE, TITLE_PT)
    _para(doc)
    if doc_.recipients:
        _run(_para(doc), f"{doc_.recipients}：", FONT_BODY, BODY_PT)
    for block in doc_.blocks:
        p = _para(doc, indent=True)
        _run(p, block.text, _HEADING_FONTS.get(block.kind, FONT_BODY), BODY_PT)
    _attachments(doc, doc_)
    _signature(doc, doc_)
    _imprint(doc, doc_)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _attachments(doc, doc_: Gongwen) -> None:
    if not doc_.attachments:
        return
    _para(doc)
    for i, name in enumerate(doc_.attachments, start=1):
        p = _para(doc, indent=True)
        label = "附件：" if i == 1 else "　　　"
        number = f"{i}．" if len(doc_.attachments) > 1 else ""
        _run(p, f"{label}{number}{name}", FONT_BODY, BODY_PT)


def _signature(doc, doc_: Gongwen) -> None:
    """发文机关署名 over 成文日期, 成文日期 right with four characters' space; the seal
    goes over both (three blank lines leave it room)."""
    for _ in range(3):
        _para(doc)
    signer = _para(doc, WD_ALIGN_PARAGRAPH.RIGHT)
    signer.paragraph_format.right_indent = Pt(BODY_PT * 4)
    _run(signer, doc_.signer, FONT_BODY, BODY_PT)
    day = _para(doc, WD_ALIGN_PARAGRAPH.RIGHT)
    day.paragraph_format.right_indent = Pt(BODY_PT * 4)
    _run(day, chinese_date(doc_.signed_on), FONT_BODY, BODY_PT)


def _imprint(doc, doc_: Gongwen) -> None:
    """版记: 抄送 and 印发机关/印发日期 between two rules, at the end of the document."""
    _para(doc)
    if doc_.copies_to:
        cc = _para(doc, WD_ALIGN_PARAGRAPH.LEFT)
        _rule(cc, "000000", 8, top=True, bottom=False)
        _run(cc, f"抄送：{doc_.copies_to}。", FONT_BODY, 14)
    line = _para(doc, WD_ALIGN_PARAGRAPH.LEFT)
    _rule(line, "000000", 8, top=not doc_.copies_to)
    _run(line, f" {doc_.printed_by}", FONT_BODY, 14)
    _run(line, "\t", FONT_BODY, 14)
    _run(line, f"{chinese_date(doc_.printed_on)}印发", FONT_BODY, 14)
    line.paragraph_format.tab_stops.add_tab_stop(Mm(156 - 2), WD_TAB_ALIGNMENT.RIGHT)
