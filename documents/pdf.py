"""HTML → PDF with WeasyPrint, in GB/T 9704 layout, with local fonts and files only.

``html_to_pdf`` is the one entry point other packages use (letters, 通报, forms, 案卷).
The GB/T 9704 sheet (documents/gbt9704.py) goes first in the document's head, so a
document's own ``<style>`` can override it (a landscape form sets its own ``@page``).
Nothing is fetched from the network: ``data:`` URLs always work; ``file:`` URLs only
below ``base_url``'s directory. Fonts come from fontconfig: fonts-noto-cjk stands in for
the office fonts (documents/fonts.py).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from weasyprint import HTML
from weasyprint.document import Document
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

from documents.gbt9704 import stylesheet

_HEAD = re.compile(r"<head[^>]*>", re.IGNORECASE)


class LocalOnlyFetcher(URLFetcher):
    """Fetches ``data:`` URLs, and ``file:`` URLs inside one directory; refuses the rest."""

    def __init__(self, root: Path | None) -> None:
        super().__init__(allowed_protocols={"data", "file"})
        self._root = root.resolve() if root is not None else None

    def fetch(self, url: str, headers: Any = None) -> Any:
        if url.lower().startswith("file:"):
            path = Path(unquote(urlparse(url).path)).resolve()
            if self._root is None or not path.is_relative_to(self._root):
                raise ValueError(f"文件不在允许的目录内：{url}")
        return super().fetch(url, headers)


def _with_sheet(html: str) -> str:
    style = f"<style>{stylesheet()}</style>"
    match = _HEAD.search(html)
    if match:
        return html[: match.end()] + style + html[match.end():]
    head = f"<!DOCTYPE html><html><head><meta charset='utf-8'>{style}</head>"
    return f"{head}<body>{html}</body></html>"


def _root_of(base_url: str | None) -> Path | None:
    if not base_url:
        return None
    parsed = urlparse(base_url)
    if parsed.scheme not in ("", "file"):
        return None
    path = Path(unquote(parsed.path))
    return path if base_url.endswith("/") or path.is_dir() else path.parent


def render_document(
    html: str, *, base_url: str | None = None, fonts: FontConfiguration | None = None
) -> Document:
    """Lay out ``html`` in 公文 layout; the caller reads its pages, then writes it.
    Parts of one file share ``fonts``: each configuration loads the CJK faces anew."""
    return HTML(
        string=_with_sheet(html),
        base_url=base_url,
        url_fetcher=LocalOnlyFetcher(_root_of(base_url)),
        media_type="print",
    ).render(font_config=fonts or FontConfiguration())


def document_pdf(document: Document) -> bytes:
    pdf = document.write_pdf()
    assert pdf is not None
    return bytes(pdf)


def html_to_pdf(html: str, *, base_url: str | None = None) -> bytes:
    """Render ``html`` (a full document or a fragment) to PDF bytes in 公文 layout."""
    return document_pdf(render_document(html, base_url=base_url))
