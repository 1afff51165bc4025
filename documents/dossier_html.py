"""The 案卷 of a clue as HTML parts: cover, 卷内目录, the 处置卡, the 办理记录 in slices,
the records (当事人, 谈话, 函询, 处理处置, 移送, 反馈, 附件), and the list of issued documents.

``documents.dossier`` lays out each part on its own, numbers its pages from where the
previous part ended (``page_document``), writes the contents from the parts' page counts
and anchors, and appends each issued PDF's sealed pages. Everything typed by people is
escaped.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from markupsafe import escape

from cases.queries.card import ClueCard
from cases.queries.timeline import TimelineEntry
from config.localtime import LOCAL_TZ

STYLE = """
@page { size: A4; margin: 20mm 18mm 18mm 22mm;
  @bottom-center { content: "第 " counter(page) " 页"; font-size: 9pt; } }
@page :right { @bottom-right { content: none; } }
@page :left { @bottom-left { content: none; } }
@page cover { @bottom-center { content: none; } }
html { font-size: 10.5pt; line-height: 1.5; letter-spacing: 0; }
body { margin: 0; }
.cover { page: cover; text-align: center; padding-top: 40mm; }
.cover h1 { font-size: 26pt; letter-spacing: 6pt; margin-bottom: 20mm; }
.cover table { margin: 0 auto; font-size: 13pt; border-collapse: collapse; }
.cover th { text-align: right; padding: 2mm 4mm; font-weight: normal; white-space: nowrap; }
.cover td { text-align: left; padding: 2mm 4mm; border-bottom: 0.3mm solid #000; min-width: 80mm; }
section { break-before: page; }
h2 { font-size: 15pt; margin: 0 0 4mm; font-family: "Noto Sans CJK SC", sans-serif;
  font-weight: normal; }
h3 { font-size: 12pt; margin: 5mm 0 2mm; font-family: "Noto Sans CJK SC", sans-serif;
  font-weight: normal; }
.toc ol { list-style: none; padding: 0; margin: 0; }
.toc li { margin: 1.5mm 0; }
.toc li.level-1 { padding-left: 2em; }
.toc li::after { content: leader(".") attr(data-page); }
table.grid { width: 100%; border-collapse: collapse; }
table.grid th, table.grid td { border: 0.25mm solid #000; padding: 1.2mm 1.8mm;
  vertical-align: top; text-align: left; font-weight: normal; }
table.grid th { font-family: "Noto Sans CJK SC", sans-serif; background: #f2f2f2; }
table.grid tr { break-inside: avoid; }
/* 办理记录 as one paragraph per entry, the time hanging in its own column: a table of
   thousands of rows costs WeasyPrint about four times the layout time of plain blocks
   (bench/bench_dossier.py; auto table layout re-measures every cell on each page). */
.steps p { padding: 0.8mm 0 0.8mm 30mm; text-indent: -30mm; margin: 0;
  border-bottom: 0.2mm solid #999; }
.steps p.head { border-bottom: 0.4mm solid #000; font-family: "Noto Sans CJK SC", sans-serif; }
table.card th[scope=row] { width: 22mm; }
.nowrap { white-space: nowrap; }
.prewrap { white-space: pre-wrap; }
.muted { color: #555; }
"""


@dataclass(frozen=True)
class RecordTable:
    anchor: str
    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class DocumentSlot:
    title: str  # 文号 and name
    issued_at: datetime
    pages: int


def _day(d: date | datetime | None) -> str:
    if d is None:
        return ""
    if isinstance(d, datetime):
        d = d.astimezone(LOCAL_TZ).date()
    return f"{d.year}年{d.month}月{d.day}日"


def _cells(values: Iterable[str], tag: str = "td") -> str:
    return "".join(f"<{tag}>{escape(v)}</{tag}>" for v in values)


def _cover(card: ClueCard, documents: int, today: date) -> str:
    rows = (
        ("编　　号", card.reference), ("立卷单位", card.unit), ("案　　由", card.summary),
        ("受理日期", _day(card.received_on)), ("办理状态", card.state),
        ("卷内文书", f"{documents} 件"), ("立卷日期", _day(today)),
    )
    body = "".join(f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in rows)
    return f'<div class="cover"><h1>问题线索案卷</h1><table>{body}</table></div>'


@dataclass(frozen=True)
class TocEntry:
    title: str
    page: int
    level: int = 0  # 0 a section, 1 an item within it


def toc(entries: Sequence[TocEntry]) -> str:
    """卷内目录 with the page numbers worked out from the rendered parts."""
    items = "".join(
        f'<li class="level-{e.level}" data-page="{e.page}">{escape(e.title)}</li>'
        for e in entries
    )
    return f'<section class="toc"><h2>卷内目录</h2><ol>{items}</ol></section>'


def _card(card: ClueCard) -> str:
    rows = [
        ("线索来源", card.channel), ("承办人", card.handler), ("办理状态", card.state),
        ("反映对象", "；".join(card.subjects) or "—"),
        ("主要问题", card.summary + ("\n" + card.content if card.content else "")),
        ("处置方式", card.route.text), ("核查结论", card.verdict.text),
        ("处理处置", "\n".join(f"{s.label}：{s.text}" for s in card.sanctions) or "—"),
        ("移送情况", "\n".join(card.referrals) or "—"),
        ("反馈情况", "\n".join(card.feedback) or "—"), ("销号", card.written_off.text),
    ]
    body = "".join(
        f'<tr><th scope="row">{escape(k)}</th><td class="prewrap">{escape(v)}</td></tr>'
        for k, v in rows
    )
    return (
        f'<section id="card"><h2>一、问题线索处置卡</h2><p class="muted">{escape(card.unit)}'
        f"　编号：{escape(card.reference)}　受理日期：{escape(_day(card.received_on))}</p>"
        f'<table class="grid card">{body}</table></section>'
    )


def timeline_rows(entries: Iterable[TimelineEntry]) -> Iterable[str]:
    """One paragraph per entry: time, step, what was decided or written, who."""
    for e in entries:
        text = "；".join([*e.details, e.text] if e.text else e.details)
        when = e.at.astimezone(LOCAL_TZ).strftime("%Y-%m-%d %H:%M")
        said = f"：{text}" if text else ""
        yield (
            f"<p>{when}　{escape(e.step)}{escape(said)}　"
            f"（{escape(e.actor.name)}，{escape(e.actor.role)}）</p>"
        )


def _records(tables: Sequence[RecordTable]) -> str:
    parts = ['<section id="records"><h2>三、办理材料</h2>']
    for t in tables:
        body = "".join(f"<tr>{_cells(row)}</tr>" for row in t.rows) or (
            f'<tr><td colspan="{len(t.headers)}" class="muted">无</td></tr>'
        )
        parts.append(
            f'<h3 id="{t.anchor}">{escape(t.title)}</h3><table class="grid">'
            f"<thead><tr>{_cells(t.headers, 'th')}</tr></thead><tbody>{body}</tbody></table>"
        )
    parts.append("</section>")
    return "".join(parts)


def _documents(docs: Sequence[DocumentSlot]) -> str:
    rows = "".join(
        f"<tr><td>{i}</td><td>{escape(d.title)}</td><td>{escape(_day(d.issued_at))}</td>"
        f"<td>{d.pages}</td></tr>"
        for i, d in enumerate(docs, start=1)
    ) or '<tr><td colspan="4" class="muted">本线索尚无印发的文书。</td></tr>'
    return (
        '<section id="documents"><h2>四、文书</h2><p class="muted">按印发先后排列，'
        "其后各页为印发时封存的 PDF 原件。</p><table class=\"grid\"><thead><tr><th>序号</th>"
        f"<th>文号及文书</th><th>印发日期</th><th>页数</th></tr></thead><tbody>{rows}</tbody>"
        "</table></section>"
    )


TIMELINE_HEAD = '<p class="head">时间　　　　　　办理环节：意见或内容（经办人）</p>'


def _timeline(rows: Sequence[str], first: bool) -> str:
    """One slice of the 办理记录; a later slice repeats the column head, as a table would."""
    title = "二、办理记录" if first else "二、办理记录（续）"
    anchor = ' id="timeline"' if first else ""
    return (
        f'<section{anchor}><h2>{title}</h2><div class="steps">{TIMELINE_HEAD}'
        f'{"".join(rows) or "<p>无</p>"}</div></section>'
    )


def page_document(body: str, reference: str, first_page: int | None) -> str:
    """One part as a document of its own; its pages are numbered from ``first_page``
    (None: unnumbered, the cover)."""
    start = "" if first_page is None else f"@page :first {{ counter-reset: page {first_page}; }}"
    return (
        "<!DOCTYPE html><html lang='zh-CN'><head><meta charset='utf-8'>"
        f"<title>问题线索案卷 {escape(reference)}</title><style>{STYLE}{start}</style></head>"
        f"<body>{body}</body></html>"
    )


@dataclass(frozen=True)
class Parts:
    """The 案卷's bodies in order, each laid out on its own: WeasyPrint holds one part's
    layout at a time, so memory stays flat however long the file (issue 20)."""

    cover: str
    card: str
    timeline: tuple[str, ...]
    records: str
    documents: str


def dossier_parts(
    card: ClueCard,
    tables: Sequence[RecordTable],
    docs: Sequence[DocumentSlot],
    today: date,
    timeline_slice: int,
) -> Parts:
    rows = list(timeline_rows(card.steps))
    slices = [rows[i : i + timeline_slice] for i in range(0, len(rows), timeline_slice)]
    return Parts(
        cover=_cover(card, len(docs), today),
        card=_card(card),
        timeline=tuple(_timeline(rows, i == 0) for i, rows in enumerate(slices or [[]])),
        records=_records(tables),
        documents=_documents(docs),
    )


def dossier_html(
    card: ClueCard,
    tables: Sequence[RecordTable],
    docs: Sequence[DocumentSlot],
    today: date,
) -> str:
    """The same 案卷 as one HTML document, without the contents: the benchmark's raw
    baseline (one WeasyPrint pass over everything)."""
    parts = dossier_parts(card, tables, docs, today, timeline_slice=10**9)
    body = parts.cover + parts.card + "".join(parts.timeline) + parts.records + parts.documents
    return page_document(body, card.reference, None)
