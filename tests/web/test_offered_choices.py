"""What the UI offers must be accepted: signed in as each demo role, walk every page the
role can open and POST every offered option of every select in a form that drives a step.
An offered choice is never refused (no 4xx, no error message). Each POST runs inside a
savepoint that is rolled back, so every option is tried against the same data."""

from __future__ import annotations

import re
from collections import deque
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from directory.demo import DEMO_PASSWORD, DEMO_USERS
from directory.roles import Role
from directory.service import add_user
from tests.conftest import login, unit
from tests.web.formcrawl import parse

START = datetime(2026, 6, 15, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
MAX_PAGES = 150
# Not pages: downloads, exports, the public portal (its own test: rate-limited), sign-out.
SKIP = re.compile(
    r"^/(static|portal|logout)|export|download|/attachments?/|\.(xlsx|csv|pdf|eml|svg)$|/raw$"
)
# Forms that take a step of a clue or a tip (buttons without a select are posted once).
STEP = re.compile(r"/(fire/\w+|decision|records/\w+)$")
# Administration forms (users, units) are records, not steps of a workflow.
NOT_STEPS = re.compile(r"^/(admin|security)/")
# Ids in paths stand for one page kind: a few of each are enough.
PER_KIND = 3
# Every clue page: the demo has clues in every state, each with its own steps.
ALL_OF = ("/clues/N",)


# Selects whose options depend on another field of the same form, by design: trying one
# option with the others left at their defaults would pair it with a companion it does not
# go with. Each is tested where the pairing is made (named beside it).
DEPENDENT = {
    # 问题线索 as the source asks for the clue's number (a text field): a clear refusal
    # until it is typed (tests/rectification/test_start_rectification.py).
    ("/rectification/new", "source_kind"),
    # The 责任人 picker narrows to the chosen unit's accounts in the browser and the service
    # refuses any other pairing (test_the_picker_lists_the_units_accounts_and_the_service_
    # refuses_others; tests/e2e/test_issue19_duties.py).
    ("/rectification/new", "responsible_unit_id"),
    ("/rectification/new", "responsible_user_id"),
}

COVERED: set[tuple[str, str, str]] = set()


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def _kind(url: str) -> str:
    return re.sub(r"\d+", "N", url.split("?")[0])


def _walk(client) -> dict[str, str]:
    """Every page reachable from home by links, a few per page kind: url -> html."""
    seen: dict[str, str] = {}
    per_kind: dict[str, int] = {}
    queue = deque(["/"])
    while queue and len(seen) < MAX_PAGES:
        url = queue.popleft()
        if url in seen or SKIP.search(url.split("?")[0]):
            continue
        kind = _kind(url)
        if kind not in ALL_OF and per_kind.get(kind, 0) >= PER_KIND:
            continue
        per_kind[kind] = per_kind.get(kind, 0) + 1
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.content_type:
            seen[url] = ""
            continue
        html = response.get_data(as_text=True)
        seen[url] = html
        queue.extend(link for link in parse(html).links if link not in seen)
    return seen


def _refusal(response) -> str | None:
    html = response.get_data(as_text=True)
    if response.status_code >= 400:
        match = re.search(r'flash-error"[^>]*>([^<]+)<|<p[^>]*role="alert"[^>]*>([^<]+)<', html)
        return f"{response.status_code} {match.groups() if match else ''}"
    match = re.search(r'class="flash flash-error">([^<]+)<', html)
    return match.group(1) if match else None


@pytest.fixture
def demo_work(db):
    """The whole demo (clues in every stage, reports, campaigns), plus people the assignee
    list must not offer for a county clue: a hospital's handler and a city leader."""
    import campaigns.demo
    import cases.demo
    import reporting.demo

    for module in (cases.demo, reporting.demo, campaigns.demo):
        module.load_demo(db)
    for username, role, code in (
        ("h_hospital", Role.HANDLER, "C01-D01-H01"),
        ("l_city", Role.LEADER, "C01"),
    ):
        add_user(
            db,
            username=username,
            display_name=username,
            password=DEMO_PASSWORD,
            role=role,
            unit=unit(db, code),
        )
    db.commit()


# One demo user per role (the other clerks see the same pages in other bodies).
ROLE_USERS = list({u.role: u.username for u in reversed(DEMO_USERS)}.values())
# Selects each role must have met, so a walk that stops reaching them fails loudly.
MUST_COVER = {
    "leader": {("/clues/N/fire/assign", "handler_id"), ("/clues/N/fire/forward", "target_unit_id")},
    "handler": {("/clues/N/fire/propose", "route"), ("/clues/N/records/subject", "post")},
}


@pytest.mark.parametrize("username", ROLE_USERS)
def test_every_offered_option_is_accepted(client, connection, demo_work, username):
    login(client, username)
    pages = _walk(client)
    assert len(pages) > 3, pages.keys()
    tried, buttons, refused = 0, 0, []
    for url, html in pages.items():
        for form in parse(html).forms:
            if SKIP.search(form.action or url) or NOT_STEPS.search(url):
                continue
            if not form.selects:
                # A button that drives a step: the role and the state must allow it (a
                # refusal for the filled-in text, 422, is not the button's fault).
                if STEP.search(form.action or ""):
                    why = _post(client, connection, form.action, form.fields)
                    buttons += 1
                    if why and why[:3] in ("403", "404", "409"):
                        refused.append((url, form.action, "(button)", "", why))
                continue
            defaults = {s.name: s.selected or (s.options or [""])[0] for s in form.selects}
            # A refusal the defaults meet too is about the filled-in text, not the choice,
            # unless another option of the same select went through with that same text.
            baseline = _post(client, connection, form.action or url, {**form.fields, **defaults})
            for select in form.selects:
                if (_kind(form.action or url), select.name) in DEPENDENT:
                    continue
                outcomes = {}
                for option in select.options:
                    data = {**form.fields, **defaults, select.name: option}
                    outcomes[option] = _post(client, connection, form.action or url, data)
                    tried += 1
                    COVERED.add((username, _kind(form.action or url), select.name))
                some_accepted = any(why is None for why in outcomes.values())
                refused += [
                    (url, form.action, select.name, option, why)
                    for option, why in outcomes.items()
                    if why and (some_accepted or why != baseline)
                ]
    covered = {c[1:] for c in COVERED if c[0] == username}
    assert MUST_COVER.get(username, set()) <= covered, sorted(covered)
    # Roles that read and report but drive no step of a clue (the 驻委纪检组 only reads).
    assert (tried > 0 and buttons > 0) or username in ("reporter", "inspector", "admin", "jijianzu")
    assert refused == [], f"{len(refused)} of {tried} offered choices refused: {refused[:20]}"


def _post(client, connection, action: str, data: dict) -> str | None:
    savepoint = connection.begin_nested()
    try:
        return _refusal(client.post(action, data=data, follow_redirects=True))
    finally:
        savepoint.rollback()
