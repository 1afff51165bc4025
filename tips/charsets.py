"""Which charset a piece of Chinese mail is really in.

Clients label GBK text ``gb2312`` (or ``utf-8``, or nothing), send raw 8-bit headers, and
Big5 bytes decode without error as GB18030 nonsense. A strict decode alone cannot tell
these apart, so a well-kept detector (``charset-normalizer``) judges between the charsets
Chinese mail is actually written in. What nothing decodes is decoded with U+FFFD
replacement characters; ``tips.mailbox`` quarantines such a message rather than keep a
garbled tip, and the original bytes stay kept for a clerk to read.
"""

from __future__ import annotations

import codecs

from charset_normalizer import from_bytes

REPLACEMENT = "\ufffd"
# Labels that in practice mean "some GB encoding": GB18030 decodes all of them.
_GB_FAMILY = {"gb2312", "gbk", "x-gbk", "cp936", "gb_2312-80", "euc-cn", "x-euc-cn", "gb18030"}
_UPGRADES = {"big5": "big5hkscs", "big5-hkscs": "big5hkscs", "us-ascii": "utf-8", "ascii": "utf-8"}
# What Chinese mail is written in: judged by the detector when the label cannot be trusted.
CANDIDATES = ("utf-8", "gb18030", "big5hkscs")
# Charsets a clerk may pick to read a quarantined original (value, label).
READING_CHOICES = (
    ("utf-8", "UTF-8"),
    ("gb18030", "GB18030 / GBK / GB2312（简体）"),
    ("big5hkscs", "Big5（繁体）"),
    ("latin-1", "Latin-1（西文）"),
)
# Single-byte charsets decode any bytes at all: their label alone proves nothing.
_SINGLE_BYTE = {"iso8859-1", "cp1252", "iso8859-15"}


def charset_of(label: str | None) -> str | None:
    """The Python codec for a MIME charset label, GB family widened to GB18030; None if unknown."""
    if not label:
        return None
    label = label.strip().strip('"').lower()
    if label in _GB_FAMILY:
        return "gb18030"
    label = _UPGRADES.get(label, label)
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    return "big5hkscs" if name == "big5" else name


def _strict(data: bytes, charset: str) -> str | None:
    try:
        return data.decode(charset)
    except (UnicodeDecodeError, LookupError):
        return None


def _detected(data: bytes, candidates: tuple[str, ...]) -> tuple[str, ...]:
    """Candidates the detector finds plausible, most plausible first."""
    matches = from_bytes(data, cp_isolation=list(candidates))
    names = []
    for match in matches:
        charset = charset_of(match.encoding)
        if charset and charset not in names:
            names.append(charset)
    return tuple(names)


def detect(data: bytes, label: str | None = None) -> str | None:
    """The charset ``data`` is in, or None when no candidate decodes it cleanly.

    UTF-8 is self-checking, so a strict UTF-8 decode is trusted; any other label is
    trusted only when the detector finds it plausible (Big5 labelled gb2312 is not).
    When GB18030 and Big5 both read the bytes (short names do), GB18030 wins.
    """
    if data.isascii():
        return "utf-8"
    declared = charset_of(label)
    if declared == "utf-8" and _strict(data, "utf-8") is not None:
        return "utf-8"
    if declared is None and _strict(data, "utf-8") is not None:
        return "utf-8"
    candidates = tuple(dict.fromkeys([*(c for c in [declared] if c), *CANDIDATES]))
    plausible = _detected(data, candidates)
    if declared and declared not in _SINGLE_BYTE and declared in plausible:
        return declared
    if declared in _SINGLE_BYTE and plausible and plausible[0] == declared:
        return declared
    # A name of two characters reads as both GB and Big5; mail to a mainland office is GB.
    if "gb18030" in plausible:
        return "gb18030"
    if plausible:
        return plausible[0]
    if declared and declared not in _SINGLE_BYTE and _strict(data, declared) is not None:
        return declared
    return None


def decode(data: bytes, label: str | None = None) -> str:
    """Text of ``data``; U+FFFD marks bytes no candidate charset could read."""
    charset = detect(data, label)
    if charset is not None:
        text = _strict(data, charset)
        if text is not None:
            return text
    declared = charset_of(label)
    fallback = declared if declared and declared not in _SINGLE_BYTE else "utf-8"
    return data.decode(fallback, errors="replace")


def read_as(data: bytes, charset: str) -> str:
    """``data`` read in a charset the clerk chose (unreadable bytes shown as U+FFFD)."""
    return data.decode(charset_of(charset) or "utf-8", errors="replace")
