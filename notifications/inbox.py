"""The in-app inbox: what a user has been told, and what they have read."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from config.database import utcnow
from config.errors import NotFound
from directory.models import User
from notifications.models import InboxMessage


def unread_count(session: Session, user: User) -> int:
    stmt = select(func.count()).where(
        InboxMessage.user_id == user.id, InboxMessage.read_at.is_(None)
    )
    return session.scalar(stmt) or 0


def messages(session: Session, user: User, *, limit: int = 200) -> Sequence[InboxMessage]:
    """The user's own messages, newest first; nobody reads another person's inbox."""
    stmt = (
        select(InboxMessage)
        .where(InboxMessage.user_id == user.id)
        .order_by(InboxMessage.created_at.desc(), InboxMessage.id.desc())
        .limit(limit)
    )
    return session.scalars(stmt).all()


def mark_read(session: Session, actor: User, message_id: int) -> InboxMessage:
    """Mark one of the actor's messages read; another user's message is NotFound."""
    message = session.get(InboxMessage, message_id)
    if message is None or message.user_id != actor.id:
        raise NotFound("未找到该消息。")
    if message.read_at is None:
        message.read_at = utcnow()
        session.flush()
    return message


def mark_all_read(session: Session, actor: User) -> int:
    result = session.execute(
        update(InboxMessage)
        .where(InboxMessage.user_id == actor.id, InboxMessage.read_at.is_(None))
        .values(read_at=utcnow())
        .execution_options(synchronize_session="fetch")
    )
    return int(getattr(result, "rowcount", 0))
