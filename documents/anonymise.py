"""Names in a 通报 by rule: a person is named by surname and 某 (张三 → 张某), as published
通报 do; two persons of one surname in one case become 张某 and 张某某, then 张某（三）.

Only names the ledger recorded (the clue's 当事人) are replaced: a rule cannot tell a
name from any other two characters of Chinese, so the office reviews the text before it
is issued. The reporter is never named: the case text is built from the handling record
(subjects, findings, sanctions), never from the tip or its reporter.
"""

from __future__ import annotations

from collections.abc import Iterable

# Two-character surnames (复姓) in common use; a name starting with one keeps both.
_COMPOUND = (
    "欧阳司马上官诸葛东方皇甫尉迟公孙慕容长孙宇文司徒令狐夏侯轩辕端木独孤南宫西门百里"
    "呼延澹台公冶宗政濮阳太史申屠闻人万俟钟离赫连第五拓跋司空东郭左丘梁丘仲孙单于"
)
COMPOUND_SURNAMES = frozenset(_COMPOUND[i : i + 2] for i in range(0, len(_COMPOUND), 2))
_ORDINALS = "三四五六七八九十"


def surname(name: str) -> str:
    """The surname of a Chinese personal name ("" when it is not written in Han script)."""
    name = name.strip()
    if not name or not all("\u3400" <= ch <= "\u9fff" for ch in name):
        return ""
    if len(name) >= 3 and name[:2] in COMPOUND_SURNAMES:
        return name[:2]
    return name[0]


def pseudonyms(names: Iterable[str]) -> dict[str, str]:
    """Each distinct name → its 某 form, in the order given (the first 张 is 张某)."""
    out: dict[str, str] = {}
    seen: dict[str, int] = {}
    for raw in names:
        name = raw.strip()
        if not name or name in out:
            continue
        family = surname(name)
        n = seen.get(family, 0)
        seen[family] = n + 1
        if not family:
            out[name] = "某某" if n == 0 else f"某某（{_ORDINALS[min(n, 9) - 1]}）"
        elif n == 0:
            out[name] = f"{family}某"
        elif n == 1:
            out[name] = f"{family}某某"
        else:
            out[name] = f"{family}某（{_ORDINALS[min(n - 2, 7)]}）"
    return out


def anonymise(text: str, mapping: dict[str, str]) -> str:
    """``text`` with every recorded name replaced, longest first (张三丰 before 张三)."""
    for name in sorted(mapping, key=len, reverse=True):
        text = text.replace(name, mapping[name])
    return text


def leftover_names(text: str, names: Iterable[str]) -> list[str]:
    """Recorded names still present in ``text`` (the issue check, after editing)."""
    return [n for n in names if n.strip() and n.strip() in text]
