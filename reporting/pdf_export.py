"""The statistical forms as PDF in their official layout (the same layout as the XLSX of
``reporting.export``): title, 填报单位/填报时间 (or 单位 and 统计期间), the multi-level
merged headers, the column numbers, the rows with their merged group labels, the units,
the footer and the notes. Wide forms print on landscape A4; the header repeats on every
page (``thead``); computed cells (小计/合计) are filled first. Rendered by
``documents.pdf.html_to_pdf`` with this document's own page rules over the 公文 sheet.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from markupsafe import escape

from documents.pdf import html_to_pdf
from reporting.checks import compute
from reporting.export import SheetSpec, _date_text
from reporting.formdef import CellKey, FormDefinition, FormKind, Value
from reporting.layout import header_rows

WIDE_COLUMNS = 6  # more printed columns than this: landscape

_FOLIO = '@bottom-right {{ content: "第 " counter(page) " 页 共 " counter(pages) " 页"; '
_STYLE = (
    """
@page {{ size: A4 {orientation}; margin: 12mm 12mm 14mm 12mm; }}
@page :right {{ """
    + _FOLIO
    + """font-size: 9pt; padding: 0; }} }}
@page :left {{ @bottom-left {{ content: none; }} """
    + _FOLIO
    + """font-size: 9pt; padding: 0; }} }}
html {{ font-size: 10.5pt; line-height: 1.35; letter-spacing: 0; }}
h1 {{ font-size: 16pt; text-align: center; margin: 0 0 3mm; font-weight: 700; }}
.sub {{ display: flex; justify-content: space-between; margin: 0 0 2mm; }}
.sub.period {{ justify-content: center; gap: 3em; }}
table {{ width: 100%; border-collapse: collapse; table-layout: auto; }}
th, td {{ border: 0.25mm solid #000; padding: 1mm 1.2mm; text-align: center;
  vertical-align: middle; font-size: {cell}pt; font-weight: normal; }}
thead th {{ font-family: "Noto Sans CJK SC", sans-serif; }}
td.label {{ text-align: {label_align}; min-width: 4.5em; }}
td.num {{ text-align: right; }}
tr {{ break-inside: avoid; }}
.footer {{ display: flex; justify-content: space-between; margin-top: 4mm; }}
.notes {{ margin-top: 3mm; font-size: 9pt; }}
.notes p {{ margin: 0 0 1mm; }}
.section h2 {{ font-size: 12pt; margin: 4mm 0 1mm; }}
.section p {{ text-indent: 2em; margin: 0 0 1mm; white-space: pre-wrap; }}
"""
)


def _cell(value: Value | None) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


def _head(form: FormDefinition) -> str:
    rows = header_rows(form)
    depth = len(rows) + (1 if form.has_numbers else 0)
    html = []
    for level, cells in enumerate(rows):
        out = []
        for i, cell in enumerate(cells):
            span = cell.rowspan + (1 if form.has_numbers and level == 0 and
                                   i < len(form.label_headers) else 0)
            out.append(f'<th colspan="{cell.colspan}" rowspan="{span}">{escape(cell.text)}</th>')
        if level == 0 and form.unit_column:
            out.append(f'<th rowspan="{depth}">{escape(form.unit_column)}</th>')
        html.append(f"<tr>{''.join(out)}</tr>")
    if form.has_numbers:
        html.append("<tr>" + "".join(f"<th>{escape(c.number)}</th>" for c in form.columns)
                    + "</tr>")
    return "".join(html)


def _labels(form: FormDefinition, i: int) -> list[str]:
    """The label cells of body row ``i``: a group label once, spanning the rows it heads."""
    rows, cells, out = form.rows, form.rows[i].cells, []
    for level, text in enumerate(cells):
        if level == len(cells) - 1:
            span = form.label_width - level
            out.append(f'<td class="label" colspan="{span}">{escape(text)}</td>')
            continue
        prefix = cells[: level + 1]
        if i and rows[i - 1].cells[: level + 1] == prefix:
            continue
        end = i
        while (end + 1 < len(rows) and len(rows[end + 1].cells) > level + 1
               and rows[end + 1].cells[: level + 1] == prefix):
            end += 1
        out.append(f'<td rowspan="{end - i + 1}">{escape(text)}</td>')
    return out


def _body(form: FormDefinition, values: Mapping[CellKey, Value]) -> str:
    filled = compute(form, values)
    html = []
    for i, row in enumerate(form.rows):
        cells = _labels(form, i)
        for col in form.columns:
            cls = "num" if form.is_numeric(row.code, col.code) else "label"
            text = escape(_cell(filled.get((row.code, col.code))))
            cells.append(f'<td class="{cls}">{text}</td>')
        if form.unit_column:
            cells.append(f"<td>{escape(row.unit.value if row.unit else '')}</td>")
        html.append(f"<tr>{''.join(cells)}</tr>")
    return "".join(html)


def _subtitle(spec: SheetSpec) -> str:
    if spec.form.subtitle == "period":
        return (f'<p class="sub period"><span>{escape(spec.unit_name)}</span>'
                f"<span>{escape(spec.period_label)}</span></p>")
    right = f"填报时间：{_date_text(spec.filled_at)}"
    if spec.period_label:
        right = f"统计期间：{spec.period_label}　　{right}"
    return (f'<p class="sub"><span>填报单位：{escape(spec.unit_name)}</span>'
            f"<span>{escape(right)}</span></p>")


def _footer(spec: SheetSpec) -> str:
    known = {"leader": spec.leader, "filler": spec.filler, "contact": spec.contact,
             "filled_at": _date_text(spec.filled_at), "reviewer": spec.reviewer}
    parts = [f"<span>{escape(label)}：{escape(known[key])}</span>"
             for label, key in spec.form.footer]
    return f'<div class="footer">{"".join(parts)}</div>' if parts else ""


def form_html(spec: SheetSpec) -> str:
    """One form as an HTML document for the PDF."""
    form = spec.form
    wide = len(form.columns) + form.label_width > WIDE_COLUMNS
    long_labels = any(len(r.cells[-1]) > 12 for r in form.rows)
    style = _STYLE.format(
        orientation="landscape" if wide else "portrait",
        cell=8 if len(form.columns) > 14 else 9,
        label_align="left" if long_labels else "center",
    )
    title = "<br>".join(escape(t) for t in (form.title_lines or (form.title,)))
    if form.kind is FormKind.TEXT:
        content = "".join(
            f'<div class="section"><h2>{escape(s.title)}</h2>'
            f"<p>{escape(str(spec.values.get((s.code, 'text'), '')))}</p></div>"
            for s in form.sections
        )
    else:
        content = (f"<table><thead>{_head(form)}</thead>"
                   f"<tbody>{_body(form, spec.values)}</tbody></table>")
    notes = "".join(f"<p>{escape(n)}</p>" for n in form.notes)
    return (
        "<!DOCTYPE html><html lang='zh-CN'><head><meta charset='utf-8'>"
        f"<title>{escape(form.title)}</title><style>{style}</style></head><body>"
        f"<h1>{title}</h1>{_subtitle(spec)}{content}{_footer(spec)}"
        f'<div class="notes">{notes}</div></body></html>'
    )


def export_pdf(spec: SheetSpec) -> bytes:
    return html_to_pdf(form_html(spec))
