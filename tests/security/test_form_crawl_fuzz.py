"""Every form a signed-in person can reach, fuzzed: the pages are crawled from the home
page as each demo role, every POST form found is sent back with hostile values in its
fields (tests/security/hostile.py). No answer is a 5xx, on SQLite and PostgreSQL alike.

Bounded: at most ``PAGES`` pages per role and ``EXAMPLES`` submissions per form."""

from __future__ import annotations

import re
from collections import deque
from datetime import date, datetime
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit
from zoneinfo import ZoneInfo

import time_machine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reporting.submissions import start_draft
from tests.conftest import login, user
from tests.reporting.journey import obligation
from tests.security.hostile import HOSTILE_TEXT, form_body
from tests.web.test_api_fuzz import handling_clues

PAGES = 40
EXAMPLES = 4
ROLES = ("clerk", "handler", "leader", "reporter", "admin", "inspector")
# Links and forms that would end the session or lock the account: not what is tested.
SKIP = re.compile(r"logout|password|totp|/security|export|\.xlsx|/static/|/api/|download")
TEXT_TYPES = {"text", "textarea", "hidden", "email", "tel", "number", "date", "search", "select"}
TEXT_TYPES |= {"datetime-local", "url", "month"}


class Forms(HTMLParser):
    """Links and POST forms of a page: (action, [(name, type, value)])."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.forms: list[tuple[str, list[tuple[str, str, str]]]] = []
        self._form: tuple[str, list[tuple[str, str, str]]] | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "a" and a.get("href", "").startswith("/"):
            self.links.append(a["href"])
        elif tag == "form" and a.get("method", "get").lower() == "post":
            self._form = (a.get("action", ""), [])
        elif self._form is not None and tag in ("input", "textarea", "select") and a.get("name"):
            kind = "textarea" if tag == "textarea" else a.get("type", "text").lower()
            kind = "select" if tag == "select" else kind
            self._form[1].append((a["name"], kind, a.get("value", "")))
            self._select = a["name"] if tag == "select" else None
        elif tag == "option" and self._form is not None and self._select:
            fields = self._form[1]
            name, kind, value = fields[-1]
            if name == self._select and not value:
                fields[-1] = (name, kind, a.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None


def crawl(client) -> dict[tuple[str, tuple[str, ...]], list[tuple[str, str, str]]]:
    """The POST forms reachable from the home page, one per (action, field names)."""
    seen: set[str] = set()
    queue = deque(["/"])
    forms: dict[tuple[str, tuple[str, ...]], list[tuple[str, str, str]]] = {}
    while queue and len(seen) < PAGES:
        path = queue.popleft()
        if path in seen or SKIP.search(path):
            continue
        seen.add(path)
        page = client.get(path)
        assert page.status_code < 500, path
        if page.status_code != 200 or not page.content_type.startswith("text/html"):
            continue
        parser = Forms()
        parser.feed(page.get_data(as_text=True))
        for link in parser.links:
            queue.append(urlsplit(link)._replace(fragment="").geturl())
        for action, fields in parser.forms:
            target = urljoin(path, action or path)
            if SKIP.search(target):
                continue
            forms.setdefault((target, tuple(sorted(f[0] for f in fields))), fields)
    return forms


def test_every_reachable_form_answers_hostile_values_without_a_5xx(app, db):
    with time_machine.travel(datetime(2026, 6, 15, 10, tzinfo=ZoneInfo("Asia/Shanghai"))):
        handling_clues(db)  # clues in every state: their pages carry the record forms
        reporter = user(db, "reporter")
        start_draft(db, reporter, obligation(db, "C01-D01-H01", start=date(2026, 5, 1)))
        db.flush()
    posted: dict[int, int] = {}
    forms_seen = 0
    for role in ROLES:
        client = app.test_client()
        login(client, role)
        forms = crawl(client)
        forms_seen += len(forms)
        for (target, _names), fields in forms.items():
            fuzz_form(client, target, fields, posted)
    assert forms_seen >= 20 and sum(posted.values()) >= forms_seen, (forms_seen, posted)
    assert not any(code >= 500 for code in posted), posted


def fuzz_form(client, target: str, fields, posted: dict[int, int]) -> None:
    @given(data=st.data())
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def check(data):
        values: dict[str, list[str]] = {}
        for name, kind, value in fields:
            if kind in ("checkbox", "radio") and value and name in values:
                continue
            if name != "csrf_token" and kind in TEXT_TYPES and data.draw(st.booleans()):
                value = data.draw(HOSTILE_TEXT)
            values.setdefault(name, []).append(value)
        sent = client.post(
            target, data=form_body(values), content_type="application/x-www-form-urlencoded"
        )
        posted[sent.status_code] = posted.get(sent.status_code, 0) + 1
        assert sent.status_code < 500, (target, sent.get_data(as_text=True)[-300:])

    check()
