"""Sign-in throttling across accounts, per client address, with a sliding window in the
database (so several app servers share it); complements the per-account lock-out in
``directory.service.authenticate``."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from config.database import utcnow
from directory.models import User
from directory.security_models import SignInFailure
from directory.service import LoginRefused, authenticate

# Failure rows older than this are never looked at again.
KEEP = timedelta(days=1)


@dataclass(frozen=True)
class ThrottlePolicy:
    max_failures: int = 5  # per account (known or unknown name)
    lock_minutes: int = 15
    ip_max_failures: int = 20  # per client address, across accounts
    ip_window_minutes: int = 15


def username_key(username: str) -> str:
    return username.strip().lower()[:64]


def client_wait(
    session: Session, client_ip: str, policy: ThrottlePolicy, now: datetime
) -> timedelta | None:
    """How long this address must wait, or None: the window slides, so the wait ends when
    the oldest counted failure leaves it."""
    window = timedelta(minutes=policy.ip_window_minutes)
    recent = select(SignInFailure.at).where(
        SignInFailure.client_ip == client_ip, SignInFailure.at > now - window
    )
    count = session.scalar(select(func.count()).select_from(recent.subquery())) or 0
    if count < policy.ip_max_failures:
        return None
    # The failure whose leaving brings the count below the limit.
    nth = session.scalars(
        recent.order_by(SignInFailure.at.desc()).offset(policy.ip_max_failures - 1).limit(1)
    ).first()
    assert nth is not None
    return nth + window - now


def unknown_name_locked(
    session: Session, username: str, policy: ThrottlePolicy, now: datetime
) -> bool:
    """Lock a name nobody holds exactly as a real account would be locked, so the answer
    never tells whether the user exists."""
    count = session.scalar(
        select(func.count())
        .select_from(SignInFailure)
        .where(
            SignInFailure.username_key == username_key(username),
            SignInFailure.at > now - timedelta(minutes=policy.lock_minutes),
        )
    )
    return (count or 0) >= policy.max_failures


def record_failure(session: Session, client_ip: str, username: str, now: datetime) -> None:
    session.add(
        SignInFailure(at=now, client_ip=client_ip[:64], username_key=username_key(username))
    )
    session.execute(delete(SignInFailure).where(SignInFailure.at < now - KEEP))
    session.flush()


def wait_message(wait: timedelta) -> str:
    minutes = max(1, math.ceil(wait.total_seconds() / 60))
    return f"此网络地址的登录失败次数过多，请 {minutes} 分钟后再试。"


def sign_in(
    session: Session,
    username: str,
    password: str,
    *,
    client_ip: str,
    policy: ThrottlePolicy,
    now: datetime | None = None,
) -> User:
    """Password step of signing in, throttled per address and per name (issue 10,
    "sign-in throttling and lock-out"); raises ``LoginRefused`` with the message to show."""
    now = now or utcnow()
    wait = client_wait(session, client_ip, policy, now)
    if wait is not None:
        raise LoginRefused(wait_message(wait))
    exists = session.scalar(
        select(User.id).where(func.lower(User.username) == username_key(username))
    )
    if exists is None and unknown_name_locked(session, username, policy, now):
        raise LoginRefused(LOCKED_MESSAGE)
    try:
        return authenticate(
            session,
            username,
            password,
            max_failures=policy.max_failures,
            lock_minutes=policy.lock_minutes,
        )
    except LoginRefused as refused:
        if refused.message != LOCKED_MESSAGE:
            record_failure(session, client_ip, username, now)
        raise


LOCKED_MESSAGE = "登录失败次数过多，账户已暂时锁定，请稍后再试。"
