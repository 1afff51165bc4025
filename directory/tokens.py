"""API tokens for integrations: long random secrets, stored only as SHA-256 hashes.

A token is shown once when created. It acts as its user, with the same role and
jurisdiction; revoking it takes effect on the next request.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from sqlalchemy import ForeignKey, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from config.database import Base, utcnow
from config.errors import PermissionDenied, ValidationError
from directory.models import User
from directory.permissions import Capability, can

PREFIX = "qf_"


class ApiToken(Base):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column()
    revoked_at: Mapped[datetime | None] = mapped_column()

    user: Mapped[User] = relationship()


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(session: Session, actor: User, owner: User, name: str) -> tuple[ApiToken, str]:
    """A new token for ``owner`` (themselves, or anyone when the actor is an administrator)."""
    if actor.id != owner.id and not can(actor, Capability.DIRECTORY_MANAGE):
        raise PermissionDenied("只能为自己创建接口令牌。")
    if not name.strip():
        raise ValidationError("请填写令牌用途。")
    token = PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(user_id=owner.id, name=name.strip()[:100], token_hash=_digest(token))
    session.add(row)
    session.flush()
    return row, token


def user_for_token(session: Session, token: str) -> User | None:
    """The active user behind a token, or None; records when it was last used."""
    if not token.startswith(PREFIX):
        return None
    row = session.scalar(
        select(ApiToken).where(ApiToken.token_hash == _digest(token), ApiToken.revoked_at.is_(None))
    )
    if row is None or not row.user.active:
        return None
    row.last_used_at = utcnow()
    return row.user


def revoke_token(session: Session, actor: User, token_id: int) -> None:
    row = session.get(ApiToken, token_id)
    if row is None or (row.user_id != actor.id and not can(actor, Capability.DIRECTORY_MANAGE)):
        raise PermissionDenied("无权吊销该令牌。")
    row.revoked_at = utcnow()
    session.flush()
