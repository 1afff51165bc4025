from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.tips.imap_server import ImapServer, dovecot


@pytest.fixture(scope="module")
def imap_server() -> Iterator[ImapServer]:
    """One private Dovecot per test module; tests use distinct folders to stay independent."""
    with dovecot() as server:
        yield server
