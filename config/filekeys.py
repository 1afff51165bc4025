"""The instance key and the envelope every stored file is sealed in.

Each file gets its own random 256-bit key; the file is encrypted with AES-256-GCM under
that key, and the key itself is encrypted ("wrapped") with AES-256-GCM under the
instance key. Both encryptions bind the file's stored name as associated data, so a
sealed file copied under another name does not open. The instance key lives in a file
beside the reporter key (``Settings.file_key_file``, default ``instance/file.key``),
never in the database: a stolen database dump or backup alone opens no evidence.

The key file holds one or more keys, newest first (urlsafe base64, one a line, ``#``
comments allowed); files are sealed with the newest and opened with whichever key
wrapped them (the envelope names it by an 8-byte id), so a key can be rotated by
re-wrapping the small file keys only.

Envelope (bytes)::

    b"QFE1" | key id (8) | wrap nonce (12) | wrapped file key (32 + 16 tag)
            | nonce (12) | ciphertext + tag (16)
"""

from __future__ import annotations

import base64
import hashlib
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

MAGIC = b"QFE1"
_KID, _NONCE, _WRAPPED = 8, 12, 48
_HEADER_LEN = len(MAGIC) + _KID + _NONCE + _WRAPPED + _NONCE
_HEADER = (
    "# 清风 附件加密主密钥（实例密钥）。勿提交到代码库，勿与数据库放在同一备份中。\n"
    "# Qingfeng file keys (AES-256, urlsafe base64), newest first.\n"
)


class FileKeyError(RuntimeError):
    """The instance key file is missing, unsafe or malformed, or a file does not open."""


def _kid(key: bytes) -> bytes:
    return hashlib.sha256(b"qingfeng-file-key-id:" + key).digest()[:_KID]


@dataclass(frozen=True)
class FileKeys:
    """The instance keys, newest first."""

    keys: tuple[bytes, ...]

    def __post_init__(self) -> None:
        if not self.keys or any(len(k) != 32 for k in self.keys):
            raise FileKeyError("附件加密密钥文件中没有有效的 256 位密钥。")

    def seal(self, name: str, data: bytes) -> bytes:
        """Encrypt ``data`` under a fresh file key wrapped by the newest instance key."""
        master = self.keys[0]
        file_key = AESGCM.generate_key(bit_length=256)
        wrap_nonce, nonce = os.urandom(_NONCE), os.urandom(_NONCE)
        wrapped = AESGCM(master).encrypt(wrap_nonce, file_key, _wrap_aad(name))
        body = AESGCM(file_key).encrypt(nonce, data, _file_aad(name))
        return b"".join((MAGIC, _kid(master), wrap_nonce, wrapped, nonce, body))

    def open(self, name: str, sealed: bytes) -> bytes:
        """Decrypt a sealed file; raises ``FileKeyError`` if no key fits or it was altered."""
        file_key, nonce, body = self._unwrap(name, sealed)
        try:
            return AESGCM(file_key).decrypt(nonce, body, _file_aad(name))
        except InvalidTag as err:
            raise FileKeyError(f"附件 {name} 已损坏或被篡改（校验失败）。") from err

    def rewrap(self, name: str, sealed: bytes) -> bytes:
        """The same file with its key wrapped by the newest instance key (after rotation)."""
        file_key, nonce, body = self._unwrap(name, sealed)
        master = self.keys[0]
        wrap_nonce = os.urandom(_NONCE)
        wrapped = AESGCM(master).encrypt(wrap_nonce, file_key, _wrap_aad(name))
        return b"".join((MAGIC, _kid(master), wrap_nonce, wrapped, nonce, body))

    def _unwrap(self, name: str, sealed: bytes) -> tuple[bytes, bytes, bytes]:
        if len(sealed) < _HEADER_LEN + 16 or not sealed.startswith(MAGIC):
            raise FileKeyError(f"附件 {name} 不是清风加密文件。")
        at = len(MAGIC)
        kid = sealed[at : at + _KID]
        at += _KID
        wrap_nonce = sealed[at : at + _NONCE]
        at += _NONCE
        wrapped = sealed[at : at + _WRAPPED]
        at += _WRAPPED
        nonce = sealed[at : at + _NONCE]
        body = sealed[at + _NONCE :]
        master = next((k for k in self.keys if _kid(k) == kid), None)
        if master is None:
            raise FileKeyError(
                f"附件 {name} 的加密密钥不在密钥文件中（密钥文件错误或缺失）。"
                "请检查 QINGFENG_FILE_KEY_FILE 是否指向正确的密钥文件。"
            )
        try:
            file_key = AESGCM(master).decrypt(wrap_nonce, wrapped, _wrap_aad(name))
        except InvalidTag as err:
            raise FileKeyError(f"附件 {name} 的密钥已损坏或被篡改。") from err
        return file_key, nonce, body

    def is_current(self, sealed: bytes) -> bool:
        return sealed[len(MAGIC) : len(MAGIC) + _KID] == _kid(self.keys[0])


def _file_aad(name: str) -> bytes:
    return b"qingfeng-file:" + name.encode("utf-8")


def _wrap_aad(name: str) -> bytes:
    return b"qingfeng-file-key:" + name.encode("utf-8")


def _render(keys: FileKeys) -> str:
    return _HEADER + "".join(base64.urlsafe_b64encode(k).decode("ascii") + "\n" for k in keys.keys)


def _write_private(path: Path, content: str) -> None:
    """A 0600 temporary file renamed into place: never half-written, never readable by others."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(content)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def create_keyfile(path: Path) -> bool:
    """Create the key file with one new key if it does not exist; True if it was created."""
    if path.exists():
        return False
    _write_private(path, _render(FileKeys((AESGCM.generate_key(bit_length=256),))))
    return True


def load_file_keys(path: Path, *, create_if_missing: bool = False) -> FileKeys:
    """Load the instance keys; only development creates a missing file on first use.

    Production must not: a lost key file silently replaced by a new one would make every
    stored file unreadable. ``qingfeng init`` creates it once, on purpose.
    """
    if not path.exists():
        if not create_if_missing:
            raise FileKeyError(
                f"找不到附件加密密钥文件 {path}。请从安全备份中恢复，"
                "或运行 qingfeng init 创建（仅限新实例），或设置 QINGFENG_FILE_KEY_FILE。"
            )
        create_keyfile(path)
    if path.stat().st_mode & 0o077:
        raise FileKeyError(f"附件加密密钥文件 {path} 的权限过宽。请执行 chmod 600 {path}。")
    keys: list[bytes] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            try:
                keys.append(base64.urlsafe_b64decode(line))
            except ValueError as err:
                raise FileKeyError(f"附件加密密钥文件 {path} 格式错误。") from err
    return FileKeys(tuple(keys))


def rotate_keyfile(path: Path) -> FileKeys:
    """Put a new key in front; older keys stay so files not yet re-wrapped still open."""
    old = load_file_keys(path)
    new = FileKeys((AESGCM.generate_key(bit_length=256), *old.keys))
    _write_private(path, _render(new))
    return new
