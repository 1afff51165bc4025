"""Hostile input for the fuzzers: over-long, NUL, emoji, combining and right-to-left text,
lone surrogates, formula payloads and huge numbers, mixed with ordinary text."""

from __future__ import annotations

from urllib.parse import quote

from hypothesis import strategies as st

SAMPLES = (
    "",
    " ",
    "\x00",
    "张\x00三",
    "\ud800",
    "a\udfffb",
    "😀" * 70,
    "👨‍👩‍👧‍👦" * 30,
    "e\u0301" * 150,
    "Z\u0336\u0335\u0334" * 80,
    "\u202e\u0645\u0631\u062d\u0628\u0627\u202c",
    "\u05e9\u05dc\u05d5\u05dd\u200f" * 60,
    "\ufeff\u200b\u2028\u2029",
    '=HYPERLINK("http://evil.example","x")',
    "=cmd|' /C calc'!A0",
    "9" * 40,
    "-9" * 20,
    "9" * 5000,
    "1e309",
    "NaN",
    "2026-02-30",
    "99999-01-01",
    "、".join(f"张{i:02d}某某" for i in range(30)),
    "名" * 101,
    "院" * 201,
    "内" * 60_000,
)
REPEATED = st.builds(
    lambda piece, n: piece * n,
    st.sampled_from(["名", "😀", "e\u0301", "\u202e", "a", "\x00", "\ud83d"]),
    st.integers(min_value=1, max_value=1200),
)
ANY_TEXT = st.text(
    alphabet=st.characters(exclude_categories=()),  # surrogates and controls included
    max_size=300,
)
HOSTILE_TEXT = st.one_of(st.sampled_from(SAMPLES), REPEATED, ANY_TEXT)
HUGE_NUMBERS = st.sampled_from([2**31, 2**63, -(2**63) - 1, 10**40, -1, 0, 1.5e308, -0.0])


def form_body(fields: dict[str, list[str]]) -> bytes:
    """A urlencoded body as a client may send it: lone surrogates become the bytes a lax
    encoder writes (CESU), which no server can take for valid UTF-8."""
    parts = []
    for key, values in fields.items():
        for value in values:
            raw = value.encode("utf-8", "surrogatepass")
            parts.append(f"{quote(key)}={quote(raw)}")
    return "&".join(parts).encode("ascii")
