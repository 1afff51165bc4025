"""Second factor (TOTP) enrolments, recovery codes and failed sign-in attempts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from config.database import Base, utcnow


class UserTotp(Base):
    """One TOTP secret per user; ``confirmed_at`` is null while enrolment is pending."""

    __tablename__ = "user_totp"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    # Fernet token of the base32 secret (key derived from the app secret, see directory/totp.py).
    secret_encrypted: Mapped[str] = mapped_column(Text)
    confirmed_at: Mapped[datetime | None] = mapped_column()
    # The last accepted 30-second time-step: a code is never accepted twice.
    last_step: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class RecoveryCode(Base):
    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # HMAC-SHA256 keyed with a key derived from the app secret: a database dump alone
    # does not allow an offline search for the codes.
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    used_at: Mapped[datetime | None] = mapped_column()


class SignInFailure(Base):
    """One failed sign-in; a sliding window over these rows throttles per client address
    and per user name (known or not, so the answer never reveals whether a user exists)."""

    __tablename__ = "sign_in_failures"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    client_ip: Mapped[str] = mapped_column(String(64))
    username_key: Mapped[str] = mapped_column(String(64))

    __table_args__ = (
        Index("ix_sign_in_failures_ip_at", "client_ip", "at"),
        Index("ix_sign_in_failures_username_at", "username_key", "at"),
    )
