"""Read a page's links and POST forms with the standard library's HTML parser."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Select:
    name: str
    required: bool
    options: list[str] = field(default_factory=list)
    selected: str | None = None


@dataclass
class Form:
    action: str
    fields: dict[str, str] = field(default_factory=dict)  # every other field, filled
    selects: list[Select] = field(default_factory=list)


FILLERS = {
    "date": "2026-06-16",
    "datetime-local": "2026-06-15T09:00",
    "time": "09:00",
    "number": "1",
    "email": "a@example.org",
    "tel": "13700000000",
    "password": "Crawl-pass-2026!x",
}


class PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: Select | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):  # noqa: C901 - one branch per element
        a = {k: v or "" for k, v in attrs}
        if tag == "a" and a.get("href", "").startswith("/"):
            self.links.append(a["href"].split("#")[0])
        elif tag == "form":
            post = a.get("method", "get").lower() == "post"
            self._form = Form(a.get("action", "")) if post else None
        elif self._form is None:
            return
        elif tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in a:
                if kind == "radio" and a["name"] not in self._form.fields:
                    self._form.fields[a["name"]] = a.get("value", "on")
                return
            if kind == "file":
                return
            wanted = "required" in a or a["name"].startswith("meta_")  # channel fields
            value = a.get("value") or (FILLERS.get(kind, "测试") if wanted else "")
            self._form.fields[a["name"]] = value
        elif tag == "textarea" and a.get("name"):
            self._textarea = a["name"]
            self._form.fields[a["name"]] = "测试说明"
        elif tag == "select" and a.get("name"):
            self._select = Select(a["name"], "required" in a)
        elif tag == "option" and self._select is not None and "disabled" not in a:
            value = a.get("value", "")
            if not (self._select.required and value == ""):
                self._select.options.append(value)
            if "selected" in a:
                self._select.selected = value

    def handle_data(self, data):
        if self._form is not None and self._textarea and data.strip():
            self._form.fields[self._textarea] = data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select" and self._select is not None and self._form is not None:
            self._form.selects.append(self._select)
            self._select = None
        elif tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None


def parse(html: str) -> PageParser:
    parser = PageParser()
    parser.feed(html)
    return parser
