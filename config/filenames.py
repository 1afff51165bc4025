"""The name a client gave a file, made safe to keep and to send back.

Browsers and scripts send whatever they like as a file name: ``../../etc/passwd``,
``C:\\Users\\张三\\Desktop\\x.jpg`` (old IE and some upload tools send the full path),
control characters, or a name thousands of characters long. Only the last path
component is the file's name; the client's folders are its business, not ours.
"""

from __future__ import annotations

import re
import unicodedata

MAX_LENGTH = 120
_SEPARATORS = re.compile(r"[\\/]")
# Characters no file system or Content-Disposition header should carry.
_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"|?*;]')


def client_filename(name: str, default: str = "") -> str:
    """The last path component of ``name``, without control or reserved characters,
    leading dots or surrounding blanks, cut to ``MAX_LENGTH`` keeping its extension."""
    name = unicodedata.normalize("NFC", name or "")
    # Unicode "format" characters (right-to-left overrides) can disguise an extension.
    name = "".join(ch for ch in name if unicodedata.category(ch) != "Cf")
    base = _SEPARATORS.split(name)[-1]
    base = _UNSAFE.sub("_", base).strip().lstrip(".").strip()
    if len(base) > MAX_LENGTH:
        stem, dot, ext = base.rpartition(".")
        if dot and 0 < len(ext) <= 10:
            base = stem[: MAX_LENGTH - len(ext) - 1] + "." + ext
        else:
            base = base[:MAX_LENGTH]
    return base or default


def download_name(*parts: object, ext: str = "xlsx") -> str:
    """A file we hand out, named as the office files it: 单位_表名_期间.xlsx.

    Empty parts are left out; each part is made safe (no separators, reserved or control
    characters), and the whole is cut to ``MAX_LENGTH`` keeping the extension."""
    words = [_UNSAFE.sub("_", _SEPARATORS.sub("_", str(p))).strip() for p in parts]
    stem = "_".join(w for w in words if w) or "下载"
    return client_filename(f"{stem}.{ext}", default=f"下载.{ext}")


def content_disposition(name: str, disposition: str = "attachment") -> str:
    """The header for a download named ``name`` in any script (RFC 6266 with RFC 5987's
    ``filename*``), with a plain ASCII ``filename`` for clients that know only that."""
    from urllib.parse import quote

    safe = client_filename(name, default="download")
    stem, dot, ext = safe.rpartition(".")
    fallback = "".join(ch for ch in (stem if dot else safe) if ch.isascii() and ch.isalnum()
                       or ch in "-_.")  # fmt: skip
    fallback = (fallback or "download") + (f".{ext}" if dot and ext.isascii() else "")
    return f"{disposition}; filename=\"{fallback}\"; filename*=UTF-8''{quote(safe, safe='')}"
