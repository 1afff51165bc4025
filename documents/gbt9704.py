"""GB/T 9704-2012 公文格式 as a print stylesheet for WeasyPrint.

A4, 版心 156 mm × 225 mm (天头 37 mm, 订口 28 mm, 翻口 26 mm, 地脚 35 mm), 正文 三号 仿宋
at 22 lines of 28 characters (§5.2.2 "一般每面排22行，每行排28个字"; the issue text had the
two swapped): the line pitch is 225/22 mm and each character advances 156/28 mm (glyph plus
a slightly negative letter-spacing, kept a hair under so the 28th character still fits).
Blank lines in the standard are whole line pitches here, so the grid holds.

Classes a document uses (all prefixed ``gw-``): ``gw-header`` with ``gw-issuer`` (版头,
red 小标宋), ``gw-number`` (发文字号), ``gw-rule`` (red 分隔线); ``gw-title`` (标题, 二号
小标宋); ``gw-addressee`` (主送机关); ``gw-body`` (正文; ``gw-h1`` 黑体, ``gw-h2`` 楷体);
``gw-attachments`` (附件说明); ``gw-signature`` with ``gw-signer``, ``gw-date`` and
``gw-seal`` (the seal's place); ``gw-colophon`` (版记: 抄送, 印发); ``gw-form`` (a table form
such as a 呈批表). A document's own ``<style>`` comes after this sheet and may override it.
"""

from __future__ import annotations

from documents.fonts import (
    FANGSONG,
    HEITI,
    KAITI,
    SIZE_ERHAO,
    SIZE_SANHAO,
    SIZE_SIHAO,
    XIAOBIAOSONG,
    css_family,
)

PT_PER_MM = 72 / 25.4
TEXT_WIDTH_MM, TEXT_HEIGHT_MM = 156.0, 225.0
CHARS_PER_LINE, LINES_PER_PAGE = 28, 22
MARGIN_TOP_MM, MARGIN_LEFT_MM, MARGIN_RIGHT_MM, MARGIN_BOTTOM_MM = 37.0, 28.0, 26.0, 35.0
RED = "#d40000"

LINE_PT = round(TEXT_HEIGHT_MM / LINES_PER_PAGE * PT_PER_MM, 3)  # 28.96 pt
# 28 advances of (16 pt + spacing) must not exceed 156 mm; stay 1 pt under the edge.
SPACING_PT = round((TEXT_WIDTH_MM * PT_PER_MM - 1) / CHARS_PER_LINE - SIZE_SANHAO, 3)


def issuer_size_pt(issuer: str) -> float:
    """版头 size: at most 30 pt, and small enough that the name fits one line of 150 mm."""
    return round(min(30.0, 150 * PT_PER_MM / max(len(issuer), 1) - 2), 1)


def stylesheet() -> str:
    line, sp = f"{LINE_PT}pt", f"{SPACING_PT}pt"
    folio = f'content: "— " counter(page) " —"; font: {SIZE_SIHAO}pt {css_family(FANGSONG)}'
    return f"""
@page {{
  size: A4;
  margin: {MARGIN_TOP_MM}mm {MARGIN_RIGHT_MM}mm {MARGIN_BOTTOM_MM}mm {MARGIN_LEFT_MM}mm;
}}
@page :right {{ @bottom-right {{ {folio};
  vertical-align: top; padding-top: 7mm; padding-right: 1em; }} }}
@page :left {{ @bottom-left {{ {folio};
  vertical-align: top; padding-top: 7mm; padding-left: 1em; }} }}
@page nofolio {{ @bottom-right {{ content: none; }} @bottom-left {{ content: none; }} }}
html {{ font-family: {css_family(FANGSONG)}; font-size: {SIZE_SANHAO}pt; line-height: {line};
  color: #000; }}
body {{ margin: 0; }}
p {{ margin: 0; }}
.gw-body p, .gw-addressee, .gw-attachments, .gw-signature, .gw-number {{ letter-spacing: {sp}; }}
.gw-latin {{ letter-spacing: 0.5pt; }}
.gw-body p {{ text-indent: {2 * (SIZE_SANHAO + SPACING_PT)}pt; text-align: justify; }}
.gw-header {{ text-align: center; margin-bottom: {line}; }}
.gw-issuer {{ font-family: {css_family(XIAOBIAOSONG)}; font-weight: {XIAOBIAOSONG.pdf_weight};
  color: {RED}; font-size: 30pt; line-height: 1.4; letter-spacing: 2pt; margin-top: {line}; }}
.gw-number {{ margin-top: {line}; letter-spacing: 0; }}
.gw-rule {{ border: 0; border-top: 0.5mm solid {RED}; margin: 4mm 0 0 0; height: 0; }}
.gw-title {{ font-family: {css_family(XIAOBIAOSONG)}; font-weight: {XIAOBIAOSONG.pdf_weight};
  font-size: {SIZE_ERHAO}pt; line-height: {round(LINE_PT * 1.5, 3)}pt; text-align: center;
  margin: 0 0 {line} 0; }}
.gw-addressee {{ margin-bottom: 0; }}
.gw-h1 {{ font-family: {css_family(HEITI)}; font-weight: normal; font-size: {SIZE_SANHAO}pt;
  margin: 0; text-indent: 2em; }}
.gw-h2 {{ font-family: {css_family(KAITI)}; font-weight: {KAITI.pdf_weight};
  font-size: {SIZE_SANHAO}pt; margin: 0; text-indent: 2em; }}
.gw-attachments {{ margin-top: {line}; padding-left: 2em; }}
.gw-attachments p {{ padding-left: 3em; text-indent: -3em; }}
.gw-signature {{ position: relative; margin-top: {2 * LINE_PT}pt; text-align: right;
  padding-right: 4em; break-inside: avoid; }}
.gw-signer {{ padding-right: 0; }}
.gw-seal {{ position: absolute; right: 22mm; top: -14mm; width: 42mm; height: 42mm;
  border: 0.4mm dashed {RED}; border-radius: 50%; color: {RED}; font-size: 10.5pt;
  line-height: 42mm; text-align: center; letter-spacing: 0; opacity: 0.8; }}
.gw-colophon {{ float: footnote; footnote-display: block; font-size: {SIZE_SIHAO}pt;
  border-top: 0.35mm solid #000; border-bottom: 0.35mm solid #000; }}
.gw-colophon::footnote-call {{ content: none; }}
.gw-colophon::footnote-marker {{ content: none; }}
@page {{ @footnote {{ margin-top: {2 * LINE_PT}pt; }} }}
.gw-colophon p {{ padding: 0 1em; line-height: {LINE_PT}pt; }}
.gw-colophon p + p {{ border-top: 0.25mm solid #000; }}
.gw-colophon .gw-printed {{ display: flex; justify-content: space-between; }}
.gw-form {{ width: 100%; border-collapse: collapse; font-size: {SIZE_SIHAO}pt; }}
.gw-form th, .gw-form td {{ border: 0.3mm solid #000; padding: 2mm 2.5mm; vertical-align: top;
  line-height: 1.5; text-align: left; }}
.gw-form th {{ font-family: {css_family(HEITI)}; font-weight: normal; width: 28mm;
  text-align: center; vertical-align: middle; }}
.gw-form td.gw-tall {{ height: 40mm; }}
.gw-form td.gw-sign {{ height: 28mm; }}
"""
