"""Shared helpers for intake tests: a vault with a real key file, and a plaintext scanner."""

from __future__ import annotations

import io
import json
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from config.database import Base
from config.filekeys import load_file_keys
from config.filestore import DatabaseStore
from tips.protection import load_keyring
from tips.service import Vault

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def make_vault(tmp_path: Path, max_bytes: int = 64 * 1024) -> Vault:
    return Vault(
        keyring=load_keyring(tmp_path / "reporter.key"),
        files=DatabaseStore(load_file_keys(tmp_path / "file.key", create_if_missing=True)),
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


def photo_with_metadata(fmt: str = "JPEG") -> bytes:
    """A real photo file (Pillow) that says where and with what it was taken: EXIF with a
    camera make and GPS position (JPEG), or text chunks and eXIf (PNG)."""
    from PIL import Image, PngImagePlugin

    image = Image.new("RGB", (16, 16), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "QingfengTestPhone"  # Make
    exif[0x8825] = {1: "N", 2: (39.0, 54.0, 27.0), 3: "E", 4: (116.0, 23.0, 17.0)}  # GPS
    out = io.BytesIO()
    if fmt == "PNG":
        info = PngImagePlugin.PngInfo()
        info.add_text("Comment", "拍摄于清河县人民医院 GPS 39.9075,116.3881")
        image.save(out, "PNG", pnginfo=info, exif=exif)
    else:
        image.save(out, "JPEG", exif=exif, quality=90)
    return out.getvalue()


EXIF_JPEG = photo_with_metadata()
