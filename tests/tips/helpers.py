"""Shared helpers for intake tests: a vault with a real key file, and a plaintext scanner."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from config.database import Base
from tips.protection import load_keyring
from tips.service import Vault

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def make_vault(tmp_path: Path, max_bytes: int = 64 * 1024) -> Vault:
    return Vault(
        keyring=load_keyring(tmp_path / "reporter.key"),
        upload_dir=tmp_path / "uploads" / "tips",
        max_upload_bytes=max_bytes,
    )


def _text(value: object) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def plaintext_hits(db: Session, *needles: str) -> list[str]:
    """Every (table.column) in the whole schema whose stored value contains a needle."""
    db.flush()
    hits = []
    for table in Base.metadata.sorted_tables:
        for row in db.execute(select(table)).mappings():
            for column, value in row.items():
                if value is None:
                    continue
                text = _text(value)
                hits.extend(f"{table.name}.{column}" for n in needles if n in text)
    return hits
