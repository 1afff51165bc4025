"""Duplicate detection measured on a hand-labelled set (issue 18): recall and precision
of ``meaning_similarity`` at its threshold must stay above floors."""

from __future__ import annotations

import json
from pathlib import Path

from tips.similarity import MEANING_THRESHOLD, meaning_similarity

PAIRS = json.loads((Path(__file__).parent / "data" / "duplicate_pairs.json").read_text("utf-8"))[
    "pairs"
]


def measure(score, threshold: float) -> tuple[float, float]:
    tp = fp = fn = 0
    for pair in PAIRS:
        said = score(pair["a"], pair["b"]) >= threshold
        tp += said and pair["dup"]
        fp += said and not pair["dup"]
        fn += (not said) and pair["dup"]
    return tp / (tp + fn), tp / (tp + fp)


def test_the_set_is_large_and_balanced():
    dups = sum(p["dup"] for p in PAIRS)
    assert len(PAIRS) >= 60 and dups >= 25 and len(PAIRS) - dups >= 25


def test_recall_and_precision_floors(capsys):
    recall, precision = measure(meaning_similarity, MEANING_THRESHOLD)
    with capsys.disabled():
        print(
            f"\nmeaning_similarity ≥ {MEANING_THRESHOLD}: recall {recall:.2f}, "
            f"precision {precision:.2f} on {len(PAIRS)} pairs"
        )
    assert recall >= 0.9
    assert precision >= 0.85


def test_the_hospital_red_packet_paraphrase_is_caught():
    a = "反映清河县人民医院骨科张医生在手术前收受患者家属红包2000元。"
    b = "举报清河县人民医院骨科的张医生，做手术之前收了病人家属两千元红包。"
    assert meaning_similarity(a, b) >= MEANING_THRESHOLD
    unrelated = "清河县人民医院停车场收费过高，一小时收费十元。"
    assert meaning_similarity(a, unrelated) < MEANING_THRESHOLD
