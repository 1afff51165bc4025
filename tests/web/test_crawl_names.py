"""No internal code in front of a person (issue 18): every page a demo role reaches from
its menus, and the first record each of those pages links to, shows names — never a
snake_case or dotted code, an ISO time with 'T', 'None', doubled punctuation, or one
fact listed twice."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date, datetime

import time_machine

from directory.demo import DEMO_USERS
from reporting.obligations import generate_obligations
from tests.conftest import login
from tests.reporting.journey import SH
from tests.web.crawl import codes, offences, parse
from web.cli import DEMO_MODULES

TODAY = date(2026, 11, 30)
NOW = datetime(2026, 11, 30, 10, 0, tzinfo=SH)
ROLES = ("admin", "inspector", "leader", "leader_dc", "handler", "clerk", "reporter")
# What people type to sign in is a name they know, not a code.
ALLOWED = frozenset(u.username for u in DEMO_USERS)
RECORD = re.compile(r"^/[a-z_-]+(?:/[a-z_-]+)*/\d+/?$")
NOT_A_PAGE = re.compile(r"\.(xlsx|csv|eml|pdf|png|jpg)$|/logout|/static/")


def _check(client, path: str, problems: dict[str, list[str]]):
    response = client.get(path, follow_redirects=True)
    if response.status_code != 200:
        problems[path] = [f"HTTP {response.status_code}"]
        return None
    if not response.mimetype.startswith("text/html"):
        return None
    page = parse(response.get_data(as_text=True))
    found = offences(" \n ".join(page.text), ALLOWED, KNOWN)
    for labels in page.facts:
        found.extend(f"两次列出：{k}" for k, n in Counter(x for x in labels if x).items() if n > 1)
    if found:
        problems[path] = sorted(set(found))[:12]
        import os
        if os.environ.get("CRAWL_DUMP"):
            txt = " | ".join(page.text)
            for f in set(found):
                i = txt.find(f)
                print("DUMP", path, txt[max(0, i - 80) : i + 40])
    return page


KNOWN = codes()
VISITED: Counter[str] = Counter()


def _crawl(client, username: str) -> dict[str, list[str]]:
    login(client, username)
    problems: dict[str, list[str]] = {}
    home = _check(client, "/", problems)
    assert home is not None, problems
    menu = [h for h, region in home.links if region in ("nav", "header") and h.startswith("/")]
    seen = {"/"}
    for path in dict.fromkeys(menu):
        if path in seen or NOT_A_PAGE.search(path):
            continue
        seen.add(path)
        VISITED[username] += 1
        page = _check(client, path, problems)
        if page is None:
            continue
        records = [h for h, region in page.links if region == "main" and RECORD.match(h)]
        first = next((h for h in records if h not in seen), None)
        if first:
            seen.add(first)
            VISITED[username] += 1
            _check(client, first, problems)
    return problems


@time_machine.travel(NOW, tick=False)
def test_every_page_of_the_demo_shows_names_not_codes(db, app):
    for module in DEMO_MODULES:
        module.load_demo(db)
    generate_obligations(db, TODAY)
    db.commit()
    report = {u: p for u in ROLES if (p := _crawl(app.test_client(), u))}
    assert all(VISITED[u] >= 3 for u in ROLES), VISITED
    assert report == {}, "\n".join(f"{u}: {p}" for u, p in report.items())
