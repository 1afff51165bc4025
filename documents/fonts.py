"""The fonts of 公文 and the free fonts that stand in for them — declared once, here.

GB/T 9704-2012 names the typefaces offices have installed with Word (仿宋_GB2312,
方正小标宋简体, 黑体, 楷体_GB2312). Generated DOCX files name those fonts, so a document
opens in Word exactly as offices expect. PDFs are rendered on our own machines with the
free CJK fonts Debian packages (fonts-noto-cjk) and nothing else: these stand in.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class OfficeFont:
    role: str  # where GB/T 9704 uses it
    docx: str  # the font an office's Word has; named in generated DOCX
    pdf: str  # the Debian font family WeasyPrint renders with (fonts-noto-cjk)
    pdf_weight: int  # Noto weight that comes closest to the office font's stroke


FANGSONG = OfficeFont("正文", "仿宋_GB2312", "Noto Serif CJK SC", 400)
XIAOBIAOSONG = OfficeFont("标题、版头", "方正小标宋简体", "Noto Serif CJK SC", 700)
HEITI = OfficeFont("一级标题", "黑体", "Noto Sans CJK SC", 400)
KAITI = OfficeFont("二级标题", "楷体_GB2312", "Noto Serif CJK SC", 600)

OFFICE_FONTS: tuple[OfficeFont, ...] = (FANGSONG, XIAOBIAOSONG, HEITI, KAITI)

# Latin text and digits in a DOCX (GB/T 9704 allows Times New Roman for 阿拉伯数字).
DOCX_LATIN = "Times New Roman"

# Type sizes of 公文 (号 → points).
SIZE_ERHAO = 22.0  # 二号: 标题
SIZE_SANHAO = 16.0  # 三号: 正文
SIZE_SIHAO = 14.0  # 四号: 版记、页码


def css_family(font: OfficeFont) -> str:
    """The CSS font-family value for a PDF: the local Noto family, then the generic one."""
    generic = "sans-serif" if "Sans" in font.pdf else "serif"
    return f'"{font.pdf}", {generic}'


def stand_in_table() -> list[tuple[str, str, str]]:
    """(用途, 公文字体, PDF 替代字体) rows for documentation and the preview page."""
    return [(f.role, f.docx, f.pdf) for f in OFFICE_FONTS]
