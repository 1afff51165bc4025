"""Rendering a letter: the DOCX from its template (docxtpl), the PDF from the same context
through HTML (WeasyPrint, documents/pdf.py), and checking an office's own template."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from docx import Document
from docxtpl import DocxTemplate
from jinja2 import Environment, StrictUndefined, TemplateError, select_autoescape
from markupsafe import Markup, escape

from config.errors import ValidationError
from documents.gbt9704 import issuer_size_pt
from documents.letter_kinds import LetterKind
from documents.pdf import html_to_pdf

TEMPLATE_DIR = Path(__file__).with_name("letter_templates")
TEMPLATE_MAX_BYTES = 2 * 1024 * 1024
UNPACKED_MAX_BYTES = 20 * 1024 * 1024  # a DOCX that unpacks past this is refused (zip bomb)


def default_template(kind: LetterKind) -> bytes:
    return (TEMPLATE_DIR / f"{kind.code}.docx").read_bytes()


def fill_docx(template: bytes, context: dict) -> bytes:
    doc = DocxTemplate(io.BytesIO(template))
    doc.render(context, autoescape=True)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def docx_text(data: bytes) -> str:
    """All text of a DOCX (paragraphs, then table cells), read back with python-docx."""
    doc = Document(io.BytesIO(data))
    lines = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            lines.extend(cell.text for cell in row.cells)
    return "\n".join(lines)


def check_template(data: bytes, context: dict) -> bytes:
    """An uploaded template: a real DOCX within limits that renders with a clue's context.
    Returns the rendered sample (the preview); refuses with a Chinese message otherwise."""
    if not data:
        raise ValidationError("请选择模板文件。")
    if len(data) > TEMPLATE_MAX_BYTES:
        raise ValidationError(f"模板文件不能超过 {TEMPLATE_MAX_BYTES / 1048576:g} MB。")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(i.file_size for i in archive.infolist()) > UNPACKED_MAX_BYTES:
                raise ValidationError("模板文件解压后过大，未接受。")
            if "word/document.xml" not in archive.namelist():
                raise ValidationError("这不是 Word（DOCX）文件。")
        rendered = fill_docx(data, context)
        docx_text(rendered)
    except ValidationError:
        raise
    except TemplateError as err:
        raise ValidationError(f"模板中的占位符有误：{err.message or err}") from err
    except Exception as err:  # a broken zip or XML: python-docx and lxml raise many kinds
        raise ValidationError("这不是有效的 Word（DOCX）文件，或文件已损坏。") from err
    return rendered


_LATIN = re.compile(r"[0-9A-Za-z][0-9A-Za-z.\-/:%]*")


def _latin(text: str) -> Markup:
    """Escape, and keep runs of digits and Latin letters off the 22-character grid: they
    are half-width, so the CJK letter-spacing would pull “2026” apart."""
    out, last = [], 0
    for match in _LATIN.finditer(text):
        out.append(escape(text[last : match.start()]))
        out.append(Markup('<span class="gw-latin">%s</span>') % match.group())
        last = match.end()
    out.append(escape(text[last:]))
    return Markup("").join(out)


_ENV = Environment(autoescape=select_autoescape(default=True), undefined=StrictUndefined)
_ENV.filters["latin"] = _latin
_HTML = _ENV.from_string("""<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">
<title>{{ title }}</title></head><body>
<div class="gw-header"><div class="gw-issuer" style="font-size: {{ issuer_pt }}pt;
{% if form %}color: #000;{% endif %}">{{ issuer }}</div>
<div class="gw-number">{{ number }}</div><hr class="gw-rule"{% if form %}
style="border-top-color: #000"{% endif %}></div>
<h1 class="gw-title">{{ title }}</h1>
{% if form %}
<table class="gw-form"><tbody>
{% for r in rows %}<tr><th>{{ r.label }}</th><td>{{ r.value }}</td></tr>{% endfor %}
<tr><th>意见</th><td class="gw-tall">{% for p in paragraphs %}<p>{{ p }}</p>{% endfor %}</td></tr>
<tr><th>领导批示</th><td class="gw-sign"></td></tr>
</tbody></table>
<div class="gw-signature" style="letter-spacing: 0; padding-right: 2em">
<p>{{ signer }}　{{ date }}</p>
<div class="gw-seal">（印章）</div></div>
{% else %}
<p class="gw-addressee">{{ addressee|latin }}</p>
<div class="gw-body">{% for p in paragraphs %}<p>{{ p|latin }}</p>{% endfor %}</div>
{% if attachments %}<div class="gw-attachments">{% for a in attachments %}
<p>{% if loop.first %}附件：{% else %}<span style="visibility:hidden">附件：</span>{% endif %}
{{ loop.index }}. {{ a }}</p>{% endfor %}</div>{% endif %}
<div class="gw-signature"><p class="gw-signer">{{ signer }}</p>
<p class="gw-date">{{ date|latin }}</p>
<div class="gw-seal">（印章）</div></div>
<div class="gw-colophon">{% if cc %}<p>抄送：{{ cc }}。</p>{% endif %}
<p class="gw-printed"><span>{{ printed_by }}</span><span>{{ printed_on }}印发</span></p></div>
{% if receipt %}<div style="break-before: page"><h1 class="gw-title">回　执</h1>
<table class="gw-form"><tbody><tr><th>函询函文号</th><td>{{ number }}</td></tr>
<tr><th>被函询人（签字）</th><td class="gw-sign"></td></tr>
<tr><th>收到日期</th><td>　　年　　月　　日</td></tr>
<tr><th>所在单位主要负责人意见</th><td class="gw-tall"></td></tr></tbody></table></div>{% endif %}
{% endif %}
</body></html>""")


def letter_html(context: dict, kind: LetterKind) -> str:
    return _HTML.render(**context, form=kind.form, issuer_pt=issuer_size_pt(context["issuer"]))


def letter_pdf(context: dict, kind: LetterKind) -> bytes:
    return html_to_pdf(letter_html(context, kind))
