"""Reporter identities never leave the vault for a role without the right (DESIGN.md, 举报人保护).

Every answer of every endpoint (pages, API, XLSX exports unzipped) and every log line is
searched for the named reporters' names and phones; only the reveal itself shows them, to
a role that may reveal, inside its jurisdiction, and each reveal is logged.
"""

from __future__ import annotations

import io
import logging
import zipfile

import pytest
from sqlalchemy import select

from tests.conftest import user
from tests.security.test_access_matrix import HOME, POLICY, ROLES, _token, visit_all
from tests.security.world import REPORTER, World, build_world
from tips.models import RevealLog


@pytest.fixture
def world(app, db) -> World:
    return build_world(app, db, list(ROLES))


def _text(content_type: str, data: bytes) -> str:
    if data[:2] == b"PK":  # XLSX and other zip containers: search every part
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist())
    return data.decode("utf-8", "replace")


def _secrets(side: str) -> tuple[str, str]:
    return REPORTER[side]


@pytest.mark.parametrize("username", [None, *ROLES])
def test_identity_shown_only_by_a_logged_reveal(app, db, world, username, caplog):
    caplog.set_level(logging.DEBUG)
    token = _token(db, username) if username else None
    bodies: list = []
    visit_all(app, world, username, token, bodies)
    reveal_roles = POLICY["tips.reveal"].roles
    exports = [b for b in bodies if b[2].endswith(".xlsx")]
    assert exports, "the exports were visited"
    leaks, shown = [], 0
    for endpoint, method, url, content_type, data in bodies:
        text = _text(content_type, data)
        for side in ("a", "b"):
            may_see = (
                endpoint == "tips.reveal"
                and username in reveal_roles
                and HOME.get(username or "") == side
                and f"/tips/{world.sides[side].tip_id}/" in url
            )
            for secret in _secrets(side):
                if secret in text and not may_see:
                    leaks.append(f"{method} {url}: {secret}")
                shown += secret in text and may_see
    assert leaks == []
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert not [s for side in "ab" for s in _secrets(side) if s in logged]
    reveals = db.scalars(select(RevealLog)).all()
    if username in reveal_roles:
        assert shown == 2, "the reveal shows the name and the phone"  # so the search works
        home_tip = world.sides[HOME[username]].tip_id
        # Two looks, both logged: the identity, and the photo as received (GPS may name them).
        assert [(r.tip_id, r.user_id) for r in reveals] == [(home_tip, user(db, username).id)] * 2
        assert sum(r.purpose.startswith("下载原始附件“现场.jpg”") for r in reveals) == 1
    else:
        assert reveals == []
