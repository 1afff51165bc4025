"""Duplicate detection for Chinese tip texts (重复件).

Why character bigrams: Chinese is written without spaces, and a word segmenter
(``jieba``) ships a 20 MB dictionary, loads for about a second and still splits the
names, hospitals and slang of tips unpredictably. Overlapping two-character shingles
need no dictionary, survive re-wording and word order changes ("张医生收受红包" vs
"反映张某某收红包的问题" still share 收受/红包/外科...), are fast with plain Python
sets, and give the same answer on every machine. We score with the Dice coefficient
(2|A∩B| / (|A|+|B|)), which rates a short re-worded tip against a long one fairer
than Jaccard, and we first normalise the text so that width, punctuation, spacing,
Chinese amounts ("两千元" = "2000元") and intake boilerplate ("反映…的问题") do not
count as differences.

For storing on the row, ``band_keys`` turns the shingles into MinHash LSH bucket
keys: put them in an indexed side table and ``SELECT DISTINCT tip_id WHERE key IN
(...)`` gives the candidates to rank, without reading every old tip.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from operator import add
from typing import TypeVar

from rapidfuzz import fuzz

K = TypeVar("K")

# Intake boilerplate: words that every clerk or reporter adds and that say nothing
# about which matter a tip is about. Longer phrases first.
BOILERPLATE = ("实名举报", "举报", "反映", "投诉", "的问题", "问题", "有关", "关于", "情况")
_BOILERPLATE = re.compile("|".join(BOILERPLATE))

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5}
_DIGITS.update({"六": 6, "七": 7, "八": 8, "九": 9})
_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10_000}
# Only amounts: a Chinese numeral right before 元/块, so 一些/统一 stay untouched.
_AMOUNT = re.compile(r"([零〇一二两三四五六七八九十百千万]+)(?:元|块钱|块)")
_ARABIC_AMOUNT = re.compile(r"(\d+)(?:块钱|块)")
# Punctuation, symbols, whitespace and underscores (a regex is ~10x faster than
# checking unicodedata.category per character, which matters for 10,000 candidates).
_NOT_WORD = re.compile(r"[\W_]+")


def _chinese_number(text: str) -> int:
    total, section, digit = 0, 0, 0
    for char in text:
        if char in _DIGITS:
            digit = _DIGITS[char]
        elif char == "万":
            total += (section + digit) * 10_000
            section, digit = 0, 0
        else:
            section += (digit or 1) * _UNITS[char]
            digit = 0
    return total + section + digit


def normalize(text: str) -> str:
    """Half-width, lower-case, no punctuation or whitespace, amounts as digits, no boilerplate."""
    if not unicodedata.is_normalized("NFKC", text):  # the quick check is far cheaper
        text = unicodedata.normalize("NFKC", text)
    text = text.lower()
    text = _NOT_WORD.sub("", text)
    if "元" in text or "块" in text:
        text = _AMOUNT.sub(lambda m: f"{_chinese_number(m.group(1))}元", text)
        text = _ARABIC_AMOUNT.sub(r"\1元", text)
    return _BOILERPLATE.sub("", text)


def shingles(text: str) -> frozenset[str]:
    """Overlapping character bigrams of the normalised text (a one-character text is itself)."""
    norm = normalize(text)
    if len(norm) < 2:
        return frozenset({norm}) if norm else frozenset()
    # map(add) pairs each character with the next; 3x faster than slicing in a loop.
    return frozenset(map(add, norm, norm[1:]))


def dice(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return 2 * len(a & b) / (len(a) + len(b))


def similarity(a: str, b: str) -> float:
    """Dice coefficient of the two texts' bigram shingles, in [0, 1]."""
    return dice(shingles(a), shingles(b))


def rank_candidates(
    text: str,
    candidates: Iterable[tuple[K, str | frozenset[str]]],
    threshold: float = 0.5,
) -> list[tuple[K, float]]:
    """Candidates scoring at least ``threshold``, best first (ties by input order).

    A candidate may be given as text or as its stored ``shingles``.
    """
    mine = shingles(text)
    if not mine:
        return []
    size = len(mine)
    found: list[tuple[K, float]] = []
    for key, other in candidates:
        theirs = other if isinstance(other, frozenset) else shingles(other)
        if not theirs:
            continue
        score = 2 * len(mine & theirs) / (size + len(theirs))
        if score >= threshold:
            found.append((key, round(score, 4)))
    found.sort(key=lambda item: -item[1])
    return found


# MinHash LSH: 16 bands of 2 hashes. A pair with bigram Jaccard 0.3 shares a band
# with probability 1 - (1 - 0.3**2)**16 ≈ 0.78, at 0.4 ≈ 0.94, at 0.5 ≈ 0.99.
BANDS = 16
ROWS = 2
_PRIME = (1 << 61) - 1
_SEEDS: Sequence[tuple[int, int]] = [
    (
        int.from_bytes(hashlib.blake2b(f"a{i}".encode(), digest_size=8).digest()) % _PRIME | 1,
        int.from_bytes(hashlib.blake2b(f"b{i}".encode(), digest_size=8).digest()) % _PRIME,
    )
    for i in range(BANDS * ROWS)
]


def _stable_hash(shingle: str) -> int:
    # Python's hash() is salted per process; stored keys must be the same everywhere.
    return int.from_bytes(hashlib.blake2b(shingle.encode(), digest_size=8).digest())


def minhash(text: str) -> list[int]:
    """A MinHash signature of BANDS*ROWS values over the text's shingles (empty for no text)."""
    values = [_stable_hash(s) for s in shingles(text)]
    if not values:
        return []
    return [min((a * v + b) % _PRIME for v in values) for a, b in _SEEDS]


def band_keys(text: str) -> list[str]:
    """LSH bucket keys (short strings) to store in an indexed column for the SQL pre-filter."""
    signature = minhash(text)
    keys = []
    for band in range(len(signature) // ROWS):
        part = signature[band * ROWS : (band + 1) * ROWS]
        digest = hashlib.blake2b(repr(part).encode(), digest_size=6).hexdigest()
        keys.append(f"{band:02d}{digest}")
    return keys


# -- meaning: an edit-distance ratio over the normalised text (rapidfuzz) -----------------
# Measured on tests/tips/data/duplicate_pairs.json (36 re-worded duplicates, 32 unrelated or
# same-institution-different-matter pairs): the Indel ratio of the normalised texts
# separates them best of the scorers tried (bigram Dice, token-set/sort ratios over bigrams,
# partial ratio, WRatio); see tests/tips/test_duplicate_pairs.py for the figures. Word
# segmentation did not help (jieba 0.42.1 tried, not a dependency): best F1 on the same set
# 0.93 for token-sort over jieba words, 0.88 token-set, 0.86 word Dice, against 0.96 here
# (recall 1.00, precision 0.92 at 0.58). The threshold was chosen on this set itself: there
# is no held-out set yet, so expect somewhat lower figures on real tips.
MEANING_THRESHOLD = 0.58


def meaning_similarity(a: str, b: str) -> float:
    """How alike two tip texts read, in [0, 1]: rapidfuzz's normalised Indel similarity
    of the normalised texts (amounts as digits, no boilerplate, no punctuation)."""
    return fuzz.ratio(normalize(a), normalize(b)) / 100.0


def rank_by_meaning(
    text: str, candidates: Iterable[tuple[K, str]], threshold: float = MEANING_THRESHOLD
) -> list[tuple[K, float]]:
    """Candidates reading like ``text`` (score ≥ threshold), best first."""
    mine = normalize(text)
    if not mine:
        return []
    cutoff = threshold * 100
    found = []
    for key, other in candidates:
        score = fuzz.ratio(mine, normalize(other), score_cutoff=cutoff)
        if score:
            found.append((key, round(score / 100.0, 4)))
    found.sort(key=lambda item: -item[1])
    return found
