"""A crawler for the crawl test: the visible text of a page, the links it offers."""

from __future__ import annotations

import re
from html.parser import HTMLParser

# Text shown to a person is checked; what is only for machines or for typing is not.
SKIP = {"script", "style", "textarea", "code", "kbd", "template", "noscript"}
VOID = {"br", "img", "input", "meta", "link", "hr", "col", "source", "wbr", "area", "base"}


class Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.links: list[tuple[str, str]] = []  # (href, the region: nav, main, other)
        self.facts: list[list[str]] = []  # the <dt> labels of each <dl>
        self._stack: list[str] = []
        self._skip = 0
        self._in_dt = False
        self._dt = ""

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            return
        self._stack.append(tag)
        if tag in SKIP:
            self._skip += 1
        if tag == "dl":
            self.facts.append([])
        if tag == "dt":
            self._in_dt, self._dt = True, ""
        if tag == "a":
            href = dict(attrs).get("href") or ""
            region = "nav" if "nav" in self._stack else (
                "header" if "header" in self._stack else (
                    "main" if "main" in self._stack else "other"))  # fmt: skip
            self.links.append((href, region))

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if tag == "dt" and self.facts:
            self.facts[-1].append(self._dt.strip())
            self._in_dt = False
        while self._stack:
            top = self._stack.pop()
            if top in SKIP:
                self._skip -= 1
            if top == tag:
                break

    def handle_data(self, data):
        if self._skip:
            return
        if self._in_dt:
            self._dt += data
        if data.strip():
            self.text.append(data.strip())


def parse(html: str) -> Page:
    page = Page()
    page.feed(html)
    return page


URL = re.compile(r"(https?://|/)[\w./?=&%#:-]+|[\w.+-]+@[\w-]+(\.[\w-]+)+")
SNAKE = re.compile(r"(?<![\w.])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w])")
DOTTED = re.compile(r"(?<![\w.])[a-z]+(?:\.[a-z_]+)+(?![\w.])")  # sanction.add
# An ISO time ("2026-12-04T09:30") or a bare ISO date: dates read 2026年12月4日.
ISO_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}|(?<![\w-])\d{4}-\d{2}-\d{2}(?![\w-])")
NONE = re.compile(r"(?<![\w])(None|null|undefined|nan)(?![\w])")
DOUBLED = re.compile(r"[。；，：、！？]{2,}|。\.|\.。")


WORD = re.compile(r"(?<![\w.-])[a-z][a-z0-9]*(?![\w-])")


def codes() -> frozenset[str]:
    """Every stored code a page could leak: the values of the project's enums (states,
    channels, kinds …) and the report forms' codes (zl1 …)."""
    import enum
    import sys

    from reporting.forms import FORMS

    packages = ("cases", "tips", "reporting", "notifications", "directory", "workflow")
    packages += ("campaigns", "rectification", "supervision", "documents")
    found: set[str] = set(FORMS)
    for name, module in list(sys.modules.items()):
        if module is None or name.split(".")[0] not in packages:
            continue
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, enum.Enum):
                found.update(str(m.value) for m in value if isinstance(m.value, str))
    return frozenset(c for c in found if re.fullmatch(r"[a-z][a-z0-9_]*", c))


def offences(
    text: str, allowed: frozenset[str] = frozenset(), known: frozenset[str] = frozenset()
) -> list[str]:
    """Identifier-looking strings in ``text``: snake_case or dotted codes, the ``known``
    codes (enum values, form codes), ISO times with 'T', None/null, doubled punctuation.
    URLs and e-mail addresses are not codes."""
    found: list[str] = []
    plain = URL.sub(" ", text)
    for pattern in (SNAKE, DOTTED, ISO_TIME, NONE, DOUBLED):
        found.extend(m.group(0) for m in pattern.finditer(plain) if m.group(0) not in allowed)
    found.extend(m.group(0) for m in WORD.finditer(plain) if m.group(0) in known - allowed)
    return found
