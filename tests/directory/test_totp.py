from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pyotp
import pytest
import time_machine
from sqlalchemy import select, text

from config.audit_log import AuditEvent
from config.errors import PermissionDenied, ValidationError
from directory.security_models import RecoveryCode, UserTotp
from directory.totp import (
    TotpKeys,
    begin_enrolment,
    confirm_enrolment,
    disable_totp,
    reset_totp,
    totp_enabled,
    verify_second_factor,
)
from tests.conftest import user

KEYS = TotpKeys.from_secret("test-secret-key-not-for-production")
T0 = datetime(2026, 3, 2, 9, 0, 10, tzinfo=UTC)


def _enrolled(db, username="handler"):
    person = user(db, username)
    secret = begin_enrolment(db, person, KEYS)
    with time_machine.travel(T0, tick=False):
        codes = confirm_enrolment(db, person, KEYS, pyotp.TOTP(secret).now(), now=T0)
    return person, secret, codes


def test_secret_is_encrypted_at_rest_and_useless_under_another_app_secret(db):
    person, secret, _ = _enrolled(db)
    stored = db.scalar(
        text("SELECT secret_encrypted FROM user_totp WHERE user_id = :id"), {"id": person.id}
    )
    assert secret not in stored
    assert KEYS.fernet.decrypt(stored.encode()).decode() == secret
    other = TotpKeys.from_secret("a-different-app-secret-of-enough-length")
    with pytest.raises(ValidationError, match="系统密钥已更换"):
        verify_second_factor(db, person, other, "123456", now=T0)


def test_wrong_code_does_not_confirm_enrolment(db):
    person = user(db, "clerk")
    begin_enrolment(db, person, KEYS)
    with pytest.raises(ValidationError, match="验证码不正确"):
        confirm_enrolment(db, person, KEYS, "000000", now=T0)
    assert not totp_enabled(db, person)


def test_a_code_is_accepted_once_within_its_window(db):
    person, secret, _ = _enrolled(db)
    later = T0 + timedelta(minutes=2)
    with time_machine.travel(later, tick=False):
        code = pyotp.TOTP(secret).now()
    assert verify_second_factor(db, person, KEYS, code, now=later)
    # The same code again, still inside its 30 s step and the ±1 step window: refused.
    assert not verify_second_factor(db, person, KEYS, code, now=later + timedelta(seconds=5))
    # The next step's code is fine; an older step's code is not (steps only move forward).
    with time_machine.travel(later + timedelta(seconds=30), tick=False):
        nxt = pyotp.TOTP(secret).now()
    assert verify_second_factor(db, person, KEYS, nxt, now=later + timedelta(seconds=30))
    with time_machine.travel(later - timedelta(seconds=30), tick=False):
        old = pyotp.TOTP(secret).now()
    assert not verify_second_factor(db, person, KEYS, old, now=later + timedelta(seconds=30))


def test_clock_drift_of_one_step_is_tolerated_but_not_two(db):
    person, secret, _ = _enrolled(db)
    now = T0 + timedelta(hours=1)
    with time_machine.travel(now - timedelta(seconds=30), tick=False):
        slow = pyotp.TOTP(secret).now()
    with time_machine.travel(now - timedelta(seconds=90), tick=False):
        too_slow = pyotp.TOTP(secret).now()
    assert not verify_second_factor(db, person, KEYS, too_slow, now=now)
    assert verify_second_factor(db, person, KEYS, slow, now=now)


def test_recovery_codes_are_hashed_and_single_use(db):
    person, _, codes = _enrolled(db)
    assert len(codes) == 10 and len(set(codes)) == 10
    hashes = db.scalars(select(RecoveryCode.code_hash).where(RecoveryCode.user_id == person.id))
    assert not any(code.replace("-", "") in h for code in codes for h in hashes)
    assert verify_second_factor(db, person, KEYS, codes[3], now=T0 + timedelta(minutes=5))
    assert not verify_second_factor(db, person, KEYS, codes[3], now=T0 + timedelta(minutes=6))
    kinds = db.scalars(select(AuditEvent.kind).where(AuditEvent.subject_id == person.id)).all()
    assert "totp.recovery_code_used" in kinds


def test_admin_may_not_disable_but_staff_may_with_a_code(db):
    admin, _, _ = _enrolled(db, "admin")
    with pytest.raises(PermissionDenied):
        disable_totp(db, admin, KEYS, "000000", now=T0)
    person, secret, _ = _enrolled(db, "handler")
    with pytest.raises(ValidationError):
        disable_totp(db, person, KEYS, "000000", now=T0 + timedelta(minutes=1))
    later = T0 + timedelta(minutes=1)
    with time_machine.travel(later, tick=False):
        disable_totp(db, person, KEYS, pyotp.TOTP(secret).now(), now=later)
    assert db.get(UserTotp, person.id) is None


def test_admin_resets_a_users_factor_and_it_is_logged(db):
    person, _, _ = _enrolled(db, "handler")
    admin = user(db, "admin")
    reset_totp(db, admin, person)
    assert not totp_enabled(db, person)
    assert db.scalar(select(RecoveryCode.id).where(RecoveryCode.user_id == person.id)) is None
    event = db.scalar(select(AuditEvent).where(AuditEvent.kind == "totp.reset"))
    assert event is not None and event.actor_id == admin.id and event.subject_id == person.id


def test_only_an_admin_in_jurisdiction_may_reset(db):
    person, _, _ = _enrolled(db, "handler")
    with pytest.raises(PermissionDenied):
        reset_totp(db, user(db, "leader"), person)
    assert totp_enabled(db, person)
