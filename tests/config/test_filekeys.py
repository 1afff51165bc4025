"""The envelope every stored file is sealed in: a key per file, wrapped by the instance key."""

from __future__ import annotations

import os

import pytest

from config.filekeys import FileKeyError, create_keyfile, load_file_keys, rotate_keyfile


def test_sealed_files_open_only_under_their_name_and_untouched(tmp_path):
    keys = load_file_keys(tmp_path / "file.key", create_if_missing=True)
    data = os.urandom(5000)
    sealed = keys.seal("a.pdf", data)
    assert data not in sealed and keys.open("a.pdf", sealed) == data
    assert keys.seal("a.pdf", data) != sealed  # a fresh file key and nonce each time
    with pytest.raises(FileKeyError, match="篡改"):
        keys.open("b.pdf", sealed)  # moved under another name
    flipped = bytearray(sealed)
    flipped[-1] ^= 1
    with pytest.raises(FileKeyError, match="损坏或被篡改"):
        keys.open("a.pdf", bytes(flipped))
    with pytest.raises(FileKeyError, match="不是清风加密文件"):
        keys.open("a.pdf", data)


def test_the_key_file_is_private_and_production_never_makes_one(tmp_path):
    path = tmp_path / "file.key"
    with pytest.raises(FileKeyError, match="找不到附件加密密钥文件"):
        load_file_keys(path)
    assert create_keyfile(path) and not create_keyfile(path)
    assert path.stat().st_mode & 0o777 == 0o600
    path.chmod(0o644)
    with pytest.raises(FileKeyError, match="权限过宽"):
        load_file_keys(path)


def test_rotation_keeps_old_files_readable_and_rewraps_them(tmp_path):
    path = tmp_path / "file.key"
    old = load_file_keys(path, create_if_missing=True)
    sealed = old.seal("x.png", b"\x89PNG data")
    new = rotate_keyfile(path)
    assert new.open("x.png", sealed) == b"\x89PNG data" and not new.is_current(sealed)
    rewrapped = new.rewrap("x.png", sealed)
    assert new.is_current(rewrapped) and rewrapped[-37:] == sealed[-37:]  # nonce and body unchanged
    with pytest.raises(FileKeyError, match="密钥不在密钥文件中"):
        old.open("x.png", rewrapped)
