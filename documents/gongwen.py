"""The content of one 公文 as GB/T 9704-2012 lays it out, shared by the DOCX and the PDF.

版头 (发文机关标志 in red, 发文字号, red rule) — 主体 (标题, 主送机关, 正文 with 一、
headings, 附件说明, 发文机关署名, 成文日期 and the place for the seal) — 版记 (抄送,
印发机关和印发日期 between two rules). Pure data: ``documents.gongwen_docx`` writes it with
python-docx, ``documents.gongwen_html`` as HTML for the PDF.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from documents.fonts import FANGSONG, HEITI, KAITI, XIAOBIAOSONG
from documents.gbt9704 import (  # noqa: F401  (re-exported for the 通报's DOCX)
    CHARS_PER_LINE,
    LINE_PT,
    LINES_PER_PAGE,
    MARGIN_BOTTOM_MM,
    MARGIN_LEFT_MM,
    MARGIN_RIGHT_MM,
    MARGIN_TOP_MM,
)

# The fonts offices have, named in the DOCX (documents.fonts declares them and what stands
# in for them in the PDF).
FONT_BODY = FANGSONG.docx
FONT_TITLE = XIAOBIAOSONG.docx
FONT_HEADING = HEITI.docx
FONT_HEADING2 = KAITI.docx
FONT_PAGE_NUMBER = "宋体"
RED = "FF0000"

# GB/T 9704-2012 §5.2: A4, 版心 156 mm × 225 mm, top 37 mm, left 28 mm; 三号 body, "一般每面
# 排22行，每行排28个字" — 28 characters of 三号 (16 pt) fill the 156 mm line; the grid is
# declared once in documents/gbt9704.py (the PDF stylesheet and the letters read it too).
BODY_PT = 16  # 三号
TITLE_PT = 22  # 二号
LINE_PITCH_PT = LINE_PT  # ≈ 28.96 pt


@dataclass(frozen=True)
class Block:
    kind: str  # "h1" (一、 in 黑体), "h2" (（一） in 楷体), "para"
    text: str


@dataclass(frozen=True)
class Gongwen:
    issuer: str  # 发文机关名称, e.g. 清河县卫生健康局
    number: str  # 发文字号, e.g. 清卫纪通〔2026〕1号
    title: str
    recipients: str  # 主送机关, without the colon
    blocks: tuple[Block, ...]
    signer: str  # 发文机关署名
    signed_on: date  # 成文日期
    printed_by: str  # 印发机关
    printed_on: date  # 印发日期
    attachments: tuple[str, ...] = ()
    copies_to: str = ""  # 抄送
    header_suffix: str = "文件"  # 发文机关标志: 机关全称 + 文件

    @property
    def masthead(self) -> str:
        return f"{self.issuer}{self.header_suffix}"


def chinese_date(d: date) -> str:
    """成文日期 in Arabic numerals, without leading zeros (GB/T 9704 §7.3.5.3)."""
    return f"{d.year}年{d.month}月{d.day}日"


_NUMERALS = "一二三四五六七八九十"


def chinese_ordinal(n: int) -> str:
    """一 … 十, 十一 … 九十九: the numbers of 一、 headings."""
    if n <= 10:
        return _NUMERALS[n - 1]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _NUMERALS[tens - 1]) + "十" + (_NUMERALS[ones - 1] if ones else "")
