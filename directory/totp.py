"""TOTP second factor (RFC 6238): optional for every staff role, required for administrators.

Secrets are encrypted at rest with Fernet; the key is derived (HKDF-SHA256) from the app's
secret key rather than kept in a second file: production already refuses to start without
that secret, a database dump or backup alone reveals no second factor, and there is no
extra key file to lose. Rotating QINGFENG_SECRET_KEY therefore voids every enrolment
(administrators then enrol again). Each accepted code's time-step is stored so a code is
never accepted twice; recovery codes are kept only as keyed hashes.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime

import pyotp
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from config.audit_log import record_event
from config.database import utcnow
from config.errors import PermissionDenied, ValidationError
from directory.jurisdiction import can_see_unit
from directory.models import User
from directory.permissions import Capability, can, require
from directory.security_models import RecoveryCode, UserTotp

ISSUER = "清风"
STEP_SECONDS = 30
# Accept the previous and next step too: phone clocks drift by a few seconds.
VALID_WINDOW = 1
RECOVERY_CODE_COUNT = 10


@dataclass(frozen=True)
class TotpKeys:
    """Keys derived from the app secret: one encrypts secrets, one hashes recovery codes."""

    fernet: Fernet
    hash_key: bytes

    @classmethod
    def from_secret(cls, app_secret: str) -> TotpKeys:
        def derive(info: bytes) -> bytes:
            hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info)
            return hkdf.derive(app_secret.encode())

        return cls(
            fernet=Fernet(base64.urlsafe_b64encode(derive(b"qingfeng totp secret"))),
            hash_key=derive(b"qingfeng totp recovery"),
        )

    def hash_recovery(self, code: str) -> str:
        normalized = code.replace("-", "").replace(" ", "").lower()
        return hmac.new(self.hash_key, normalized.encode(), hashlib.sha256).hexdigest()


def totp_required(user: User) -> bool:
    """Administrators must use a second factor (issue 10, "Hardening"): whoever may manage
    users and units or run the system, read from the role table."""
    return can(user, Capability.DIRECTORY_MANAGE) or can(user, Capability.SYSTEM_MANAGE)


def _record(session: Session, user: User) -> UserTotp | None:
    return session.get(UserTotp, user.id)


def totp_enabled(session: Session, user: User) -> bool:
    record = _record(session, user)
    return record is not None and record.confirmed_at is not None


def begin_enrolment(session: Session, user: User, keys: TotpKeys) -> str:
    """Start (or restart) enrolment with a fresh secret; the old factor stays until confirmed."""
    record = _record(session, user)
    if record is not None and record.confirmed_at is not None:
        raise ValidationError("已启用两步验证；如需更换，请先停用。")
    secret = pyotp.random_base32()
    token = keys.fernet.encrypt(secret.encode()).decode()
    if record is None:
        session.add(UserTotp(user_id=user.id, secret_encrypted=token))
    else:
        record.secret_encrypted, record.last_step = token, None
    session.flush()
    return secret


def pending_secret(session: Session, user: User, keys: TotpKeys) -> str | None:
    """The secret of an unconfirmed enrolment (to show it and its QR code again)."""
    record = _record(session, user)
    if record is None or record.confirmed_at is not None:
        return None
    return _decrypt(keys, record)


def provisioning_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name=ISSUER)


def _decrypt(keys: TotpKeys, record: UserTotp) -> str:
    try:
        return keys.fernet.decrypt(record.secret_encrypted.encode()).decode()
    except InvalidToken as err:
        # The app secret changed since enrolment: the factor can no longer be checked.
        raise ValidationError("两步验证密钥无法解密（系统密钥已更换），请联系管理员重置。") from err


def _matching_step(secret: str, code: str, now: datetime, last_step: int | None) -> int | None:
    code = code.strip().replace(" ", "")
    if not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    current = int(now.timestamp()) // STEP_SECONDS
    for step in range(current - VALID_WINDOW, current + VALID_WINDOW + 1):
        if last_step is not None and step <= last_step:
            continue
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def confirm_enrolment(
    session: Session, user: User, keys: TotpKeys, code: str, *, now: datetime | None = None
) -> list[str]:
    """Confirm the pending secret with a code from the app; returns new recovery codes."""
    record = _record(session, user)
    if record is None or record.confirmed_at is not None:
        raise ValidationError("没有待确认的两步验证设置，请重新开始。")
    now = now or utcnow()
    step = _matching_step(_decrypt(keys, record), code, now, None)
    if step is None:
        raise ValidationError("验证码不正确，请核对手机时间后重新输入。")
    record.confirmed_at, record.last_step = now, step
    codes = _new_recovery_codes(session, user, keys)
    record_event(
        session, actor_id=user.id, kind="totp.enrolled", subject_type="user", subject_id=user.id
    )
    return codes


def _new_recovery_codes(session: Session, user: User, keys: TotpKeys) -> list[str]:
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = []
    for _ in range(RECOVERY_CODE_COUNT):
        raw = secrets.token_hex(5)  # 40 bits, shown as xxxxx-xxxxx
        codes.append(f"{raw[:5]}-{raw[5:]}")
        session.add(RecoveryCode(user_id=user.id, code_hash=keys.hash_recovery(raw)))
    session.flush()
    return codes


def regenerate_recovery_codes(session: Session, user: User, keys: TotpKeys) -> list[str]:
    """Replace all recovery codes (the old ones stop working at once)."""
    if not totp_enabled(session, user):
        raise ValidationError("尚未启用两步验证。")
    return _new_recovery_codes(session, user, keys)


def remaining_recovery_codes(session: Session, user: User) -> int:
    return len(
        session.scalars(
            select(RecoveryCode.id).where(
                RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)
            )
        ).all()
    )


def verify_second_factor(
    session: Session, user: User, keys: TotpKeys, code: str, *, now: datetime | None = None
) -> bool:
    """Check a TOTP code (each time-step once) or an unused recovery code (then spent)."""
    record = _record(session, user)
    if record is None or record.confirmed_at is None:
        return False
    now = now or utcnow()
    step = _matching_step(_decrypt(keys, record), code, now, record.last_step)
    if step is not None:
        record.last_step = step
        session.flush()
        return True
    recovery = session.scalar(
        select(RecoveryCode).where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == keys.hash_recovery(code),
            RecoveryCode.used_at.is_(None),
        )
    )
    if recovery is None:
        return False
    recovery.used_at = now
    record_event(
        session,
        actor_id=user.id,
        kind="totp.recovery_code_used",
        subject_type="user",
        subject_id=user.id,
    )
    return True


def disable_totp(
    session: Session, user: User, keys: TotpKeys, code: str, *, now: datetime | None = None
) -> None:
    """A user turns the second factor off with a current code; administrators may not."""
    if totp_required(user):
        raise PermissionDenied("管理员必须使用两步验证，不能停用。")
    if not verify_second_factor(session, user, keys, code, now=now):
        raise ValidationError("验证码不正确。")
    _remove(session, user)
    record_event(
        session, actor_id=user.id, kind="totp.disabled", subject_type="user", subject_id=user.id
    )


def _remove(session: Session, user: User) -> None:
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    session.execute(delete(UserTotp).where(UserTotp.user_id == user.id))
    session.flush()


def reset_totp(session: Session, actor: User, target: User) -> None:
    """An administrator clears another user's lost factor (logged in ``audit_events``)."""
    require(actor, Capability.DIRECTORY_MANAGE)
    if not can_see_unit(session, actor, target.unit_id):
        raise PermissionDenied("该用户不在您的管辖范围内。")
    if target.id == actor.id:
        raise ValidationError("不能重置自己的两步验证，请由其他管理员操作。")
    _remove(session, target)
    record_event(
        session,
        actor_id=actor.id,
        kind="totp.reset",
        subject_type="user",
        subject_id=target.id,
        detail={"username": target.username},
    )
