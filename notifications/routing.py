"""What a lifecycle's router must provide so that its declared notifications are delivered.

Each lifecycle that declares ``notify`` on a transition (``workflow.lifecycle.Notify``) has
one ``SubjectRouter``: it loads a batch of subjects in a fixed number of queries and
resolves the audiences its declarations name. ``notifications.router`` reads both and
checks at start-up that every declaration can be delivered.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from directory.models import User


@dataclass(frozen=True)
class Subject:
    """What a message may say about one subject: its reference, a link, and template
    variables such as a deadline (never the content of a tip)."""

    ref: str
    path: str
    extra: dict[str, str] = field(default_factory=dict)


@dataclass
class Loaded:
    """A batch of subjects, the people of each audience, and their followers."""

    subjects: dict[int, Subject]
    audiences: dict[str, dict[int, list[User]]]
    followers: dict[int, list[User]] = field(default_factory=dict)

    def audience(self, name: str, subject_id: int) -> list[User]:
        return self.audiences.get(name, {}).get(subject_id, [])


Loader = Callable[[Session, set[int], frozenset[str]], Loaded]


@dataclass(frozen=True)
class SubjectRouter:
    lifecycle: str
    audiences: frozenset[str]  # the names a ``Notify.to`` may use
    extra_keys: frozenset[str]  # template variables ``Subject.extra`` fills
    load: Loader  # (session, subject ids, audiences needed) -> Loaded
    has_followers: bool = False


def users_by(rows: Iterable[tuple[int, User]]) -> dict[int, list[User]]:
    result: dict[int, list[User]] = {}
    for key, user in rows:
        result.setdefault(key, []).append(user)
    return result
