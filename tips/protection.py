"""Reporter protection: a named reporter's identity and contacts are encrypted at rest.

The keys live in a file outside the database (``Settings.reporter_key_file``), so a
stolen database dump reveals no reporter (检举控告工作规则 2020 第七章：严格保密举报人信息).
The file holds one ``index`` secret for the blind index and one or more Fernet keys,
newest first; MultiFernet encrypts with the newest and decrypts with any, which lets
an operator rotate keys without downtime.

File format (one item per line, ``#`` comments allowed)::

    index <urlsafe base64, 32 bytes>   # blind-index secret, never rotated
    <Fernet key, newest>
    <Fernet key, older>
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from config.errors import DomainError, ValidationError
from config.settings import Settings

K = TypeVar("K")

_INDEX_PREFIX = "index "
_HEADER = (
    "# 清风 举报人信息密钥。勿提交到代码库，勿与数据库放在同一备份中。\n"
    "# Qingfeng reporter keys: blind-index secret, then Fernet keys, newest first.\n"
)


class ReporterKeyError(DomainError):
    """The reporter key file is missing, unreadable, unsafe, or does not fit the data."""

    status = 500
    code = "reporter_key_error"


@dataclass(frozen=True)
class Keyring:
    """The loaded keys: ``keys`` newest first, ``index_secret`` for the blind index."""

    keys: tuple[bytes, ...]
    index_secret: bytes
    _fernet: MultiFernet = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.keys:
            raise ReporterKeyError("举报人信息密钥文件中没有任何加密密钥。")
        try:
            fernet = MultiFernet([Fernet(key) for key in self.keys])
        except ValueError as err:
            raise ReporterKeyError("举报人信息密钥文件中有格式错误的密钥。") from err
        object.__setattr__(self, "_fernet", fernet)

    def encrypt(self, text: str) -> str:
        """Encrypt under the newest key; the token is ASCII, fit for a text column."""
        return self._fernet.encrypt(text.encode("utf-8")).decode("ascii")

    def decrypt(self, token: str | bytes) -> str:
        """Decrypt with any key in the ring, or raise a clear error when none fits."""
        raw = token.encode("ascii") if isinstance(token, str) else token
        try:
            return self._fernet.decrypt(raw).decode("utf-8")
        except (InvalidToken, UnicodeError) as err:
            raise ReporterKeyError(
                "无法解密举报人信息：密钥文件中没有加密时使用的密钥（密钥错误、缺失或数据已损坏）。"
                "请检查 QINGFENG_REPORTER_KEY_FILE 是否指向正确的密钥文件。"
            ) from err

    def rotate(self, token: str | bytes) -> str:
        """Re-encrypt a token under the newest key (after ``rotate_keyfile``)."""
        raw = token.encode("ascii") if isinstance(token, str) else token
        try:
            return self._fernet.rotate(raw).decode("ascii")
        except InvalidToken as err:
            raise ReporterKeyError("无法重新加密举报人信息：密钥文件中没有原来的密钥。") from err


def _parse(path: Path, text: str) -> Keyring:
    keys: list[bytes] = []
    index_secret: bytes | None = None
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith(_INDEX_PREFIX):
            index_secret = base64.urlsafe_b64decode(line[len(_INDEX_PREFIX) :].strip())
        else:
            keys.append(line.encode("ascii"))
    if index_secret is None:
        raise ReporterKeyError(f"举报人信息密钥文件 {path} 缺少 index 行（查重索引密钥）。")
    return Keyring(keys=tuple(keys), index_secret=index_secret)


def _render(keyring: Keyring) -> str:
    index = base64.urlsafe_b64encode(keyring.index_secret).decode("ascii")
    lines = [_INDEX_PREFIX + index, *(key.decode("ascii") for key in keyring.keys)]
    return _HEADER + "\n".join(lines) + "\n"


def _write_private(path: Path, content: str) -> None:
    # Write a 0600 temp file and rename it over the old one: a crash never leaves
    # a half-written key file, and the key is never readable by others, not even briefly.
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(content)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def load_keyring(path: Path, *, create_if_missing: bool = True) -> Keyring:
    """Load the key file; create it (mode 0600) on first use when ``create_if_missing``.

    Production must pass ``create_if_missing=False``: a lost key file silently replaced
    by a new one would make every stored reporter unreadable.
    """
    if not path.exists():
        if not create_if_missing:
            raise ReporterKeyError(
                f"找不到举报人信息密钥文件 {path}。请从安全备份中恢复，"
                "或设置 QINGFENG_REPORTER_KEY_FILE 指向正确位置。"
            )
        keyring = Keyring(keys=(Fernet.generate_key(),), index_secret=secrets.token_bytes(32))
        _write_private(path, _render(keyring))
        return keyring
    if path.stat().st_mode & 0o077:
        raise ReporterKeyError(
            f"举报人信息密钥文件 {path} 的权限过宽，其他用户可以读取。请执行 chmod 600 {path}。"
        )
    try:
        return _parse(path, path.read_text(encoding="utf-8"))
    except (UnicodeError, ValueError) as err:
        raise ReporterKeyError(f"举报人信息密钥文件 {path} 格式错误。") from err


def keyring_for(settings: Settings) -> Keyring:
    """The keyring named by ``Settings.reporter_key_file``; only development creates one."""
    if settings.reporter_key_file is None:
        raise ReporterKeyError("未配置举报人信息密钥文件：请设置 QINGFENG_REPORTER_KEY_FILE。")
    return load_keyring(settings.reporter_key_file, create_if_missing=not settings.is_production)


def rotate_keyfile(path: Path) -> Keyring:
    """Put a new primary key in front; old keys stay so existing tokens still decrypt."""
    old = load_keyring(path, create_if_missing=False)
    new = Keyring(keys=(Fernet.generate_key(), *old.keys), index_secret=old.index_secret)
    _write_private(path, _render(new))
    return new


@dataclass
class ReencryptResult:
    rotated: int = 0
    failed: list[object] = field(default_factory=list)


def reencrypt_all(
    rows: Iterable[tuple[K, str | bytes | None]],
    keyring: Keyring,
    store: Callable[[K, str], None],
) -> ReencryptResult:
    """Re-encrypt each ``(row_key, token)`` under the newest key and hand it to ``store``.

    A token that no key opens is listed in ``failed`` rather than stopping the run, so
    one damaged row cannot block a rotation; the caller reports it and commits.
    """
    result = ReencryptResult()
    for row_key, token in rows:
        if token is None:
            continue
        try:
            new_token = keyring.rotate(token)
        except ReporterKeyError:
            result.failed.append(row_key)
            continue
        store(row_key, new_token)
        result.rotated += 1
    return result


CONTACT_KINDS = ("phone", "email", "id_number", "name")
_ID_NUMBER = re.compile(r"^(\d{15}|\d{17}[\dX])$")


def normalize_contact(kind: str, value: str) -> str:
    """Canonical form of a contact, prefixed by its kind so a phone never matches an ID."""
    value = value.strip()
    if kind == "phone":
        digits = re.sub(r"\D", "", value)
        # +86 / 0086 in front of an 11-digit mobile number is the same reporter.
        for prefix in ("0086", "86"):
            if digits.startswith(prefix) and len(digits) == len(prefix) + 11:
                digits = digits[len(prefix) :]
        if len(digits) < 5:
            raise ValidationError("电话号码格式不正确。")
        normalized = digits
    elif kind == "email":
        normalized = value.lower()
        if "@" not in normalized:
            raise ValidationError("电子邮箱格式不正确。")
    elif kind == "id_number":
        normalized = re.sub(r"\s", "", value).upper()
        if not _ID_NUMBER.match(normalized):
            raise ValidationError("身份证号码格式不正确（应为 15 或 18 位）。")
    elif kind == "name":
        normalized = re.sub(r"\s", "", value)
        if not normalized:
            raise ValidationError("姓名不能为空。")
    else:
        raise ValueError(f"unknown contact kind: {kind}")
    return f"{kind}:{normalized}"


def _index_key(secret: bytes) -> bytes:
    # A key derived for this one purpose: the HMAC never uses the encryption key itself.
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"qingfeng-blind-index-v1"
    ).derive(secret)


def blind_index(keyring_or_key: Keyring | bytes, normalized_value: str) -> str:
    """Keyed HMAC-SHA256 (hex) of a normalised contact: equal contacts, equal index.

    Lets duplicates by the same reporter be found without storing the plaintext; it
    stays stable across key rotation because the index secret is never rotated.
    """
    secret = keyring_or_key.index_secret if isinstance(keyring_or_key, Keyring) else keyring_or_key
    mac = hmac.new(_index_key(secret), normalized_value.encode("utf-8"), hashlib.sha256)
    return mac.hexdigest()
