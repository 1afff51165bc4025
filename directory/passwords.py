"""Password hashing with Argon2id (memory-hard), and the password policy."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from config.errors import ValidationError

_hasher = PasswordHasher()
MIN_LENGTH = 10


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def check_policy(password: str) -> None:
    """At least 10 characters mixing letters and digits."""
    if len(password) < MIN_LENGTH:
        raise ValidationError(f"密码至少需要 {MIN_LENGTH} 个字符。")
    if not any(c.isdigit() for c in password) or not any(c.isalpha() for c in password):
        raise ValidationError("密码必须同时包含字母和数字。")
