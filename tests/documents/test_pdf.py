"""documents/pdf.py: GB/T 9704 page, Noto stand-in fonts, text extractable, nothing fetched."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from documents.pdf import html_to_pdf

A4_PT = (595.28, 841.89)

LETTER = """<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>
<div class="gw-header"><div class="gw-issuer">清风市纪委</div>
<div class="gw-number">清纪函〔2026〕7号</div><hr class="gw-rule"></div>
<h1 class="gw-title">关于问题线索的告知书</h1>
<div class="gw-body"><p class="gw-h1">一、受理情况</p><p>你反映的问题已受理。</p></div>
<div class="gw-signature"><p>清风市纪委</p><p>2026年12月4日</p>
<div class="gw-seal">（印章）</div></div>
</body></html>"""


def _fonts(reader: PdfReader) -> set[str]:
    names = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            names.add(str(font.get_object()["/BaseFont"]).split("+")[-1])
    return names


def test_letter_is_a4_with_text_and_noto_fonts() -> None:
    pdf = html_to_pdf(LETTER)
    reader = PdfReader(io.BytesIO(pdf))
    page = reader.pages[0]
    size = (float(page.mediabox.width), float(page.mediabox.height))
    assert size == pytest.approx(A4_PT, abs=0.5)
    text = page.extract_text()
    wants = ("清风市纪委", "清纪函〔2026〕7号", "关于问题线索的告知书", "已受理", "— 1 —")
    for want in wants:
        assert want.replace(" ", "") in text.replace(" ", "")
    assert _fonts(reader) == {"Noto-Serif-CJK-SC", "Noto-Serif-CJK-SC-Bold", "Noto-Sans-CJK-SC"}


def test_fragment_is_wrapped_and_own_style_overrides_page() -> None:
    pdf = html_to_pdf(
        "<html><head><style>@page { size: A4 landscape; }</style></head>"
        "<body><p>表格</p></body></html>"
    )
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    assert float(page.mediabox.width) > float(page.mediabox.height)
    assert "片段" in PdfReader(io.BytesIO(html_to_pdf("<p>片段</p>"))).pages[0].extract_text()


def test_remote_and_outside_files_are_not_fetched(tmp_path: Path) -> None:
    inside = tmp_path / "seal.svg"
    inside.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>')
    html = (
        '<p>x</p><img src="http://127.0.0.1:9/x.png"><img src="file:///etc/hostname">'
        '<img src="seal.svg">'
    )
    pdf = html_to_pdf(html, base_url=f"{tmp_path}/")
    assert pdf.startswith(b"%PDF")  # refused fetches are skipped, not fatal


@pytest.mark.skipif(
    shutil.which("pdftoppm") is None and not os.environ.get("CI"),
    reason="pdftoppm (poppler-utils) not installed",
)
def test_renders_to_png(tmp_path: Path) -> None:
    src = tmp_path / "letter.pdf"
    src.write_bytes(html_to_pdf(LETTER))
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(src), str(tmp_path / "p")], check=True)
    png = tmp_path / "p-1.png"
    assert png.stat().st_size > 2000


def _last_page_lines(pdf: bytes, tmp_path: Path) -> list[str]:
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    text = subprocess.run(
        ["pdftotext", "-layout", "-f", str(pages), "-l", str(pages), str(path), "-"],
        capture_output=True, check=True,
    ).stdout.decode()
    return text.splitlines()


@pytest.mark.parametrize("paragraphs", [1, 12])
def test_the_colophon_sits_at_the_foot_of_the_last_page(paragraphs: int, tmp_path: Path):
    """GB/T 9704-2012 7.4: the 版记 (抄送, 印发机关和印发日期) ends the last page, its last
    line on the page's last line of text, whatever the length of the body."""
    from datetime import date

    from documents.gongwen import Block, Gongwen
    from documents.gongwen_html import gongwen_html

    doc = Gongwen(
        issuer="清河县卫生健康局", number="清卫纪通〔2026〕1号", title="关于典型案例的通报",
        recipients="各医疗卫生单位",
        blocks=tuple(Block("para", "为进一步加强行风建设，现将典型案例通报如下。" * 3)
                     for _ in range(paragraphs)),
        signer="清河县卫生健康局", signed_on=date(2026, 12, 5),
        printed_by="清河县卫生健康局办公室", printed_on=date(2026, 12, 5), copies_to="市卫生健康委",
    )
    lines = _last_page_lines(html_to_pdf(gongwen_html(doc)), tmp_path)
    text = [i for i, line in enumerate(lines) if line.strip()]
    printed = next(i for i, line in enumerate(lines) if "印发" in line)
    folio = text[-1]
    assert "—" in lines[folio]  # the page number closes the page
    assert printed == text[-2], lines  # 印发 is the last line of text above it
    assert folio - printed <= 4  # at the foot, not after the signature half-way down
