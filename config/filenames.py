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
