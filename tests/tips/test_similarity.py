from __future__ import annotations

import os
import random
import subprocess
import sys

from tips.similarity import band_keys, normalize, rank_candidates, shingles, similarity

RED_PACKET = "XX医院外科张医生收受患者家属红包2000元"
RED_PACKET_REWORDED = "反映XX医院外科张某某收红包两千元的问题"
PARKING = "XX医院停车场收费太贵，一小时收费十元，希望整改"
KICKBACK = "某县人民医院内科李医生收受医药代表回扣，开大处方"


def test_normalize_folds_width_punctuation_amounts_and_boilerplate() -> None:
    assert (
        normalize("ＸＸ医院，外科 张医生！收受“红包”２０００元。")
        == "xx医院外科张医生收受红包2000元"
    )
    assert normalize("收红包两千元") == normalize("收红包2000块钱")
    assert normalize("一万五千元") == "15000元"
    assert normalize("反映某医院的问题") == "某医院"
    # Chinese numerals that are not amounts stay words.
    assert normalize("统一一些") == "统一一些"


def test_reworded_complaint_scores_high_unrelated_low() -> None:
    assert similarity(RED_PACKET, RED_PACKET_REWORDED) >= 0.6
    assert similarity(RED_PACKET, PARKING) < 0.3
    assert similarity(RED_PACKET, KICKBACK) < 0.3
    assert similarity(RED_PACKET, RED_PACKET) == 1.0
    assert similarity("", RED_PACKET) == 0.0


def test_shingles_are_bigrams_of_the_normalised_text() -> None:
    assert shingles("收 红包") == {"收红", "红包"}
    assert shingles("某") == {"某"}
    assert shingles("，。") == frozenset()


def test_rank_candidates_keeps_the_duplicate_and_orders_by_score() -> None:
    candidates = [
        (1, PARKING),
        (2, RED_PACKET_REWORDED),
        (3, RED_PACKET + "，请严肃查处"),
        (4, KICKBACK),
    ]
    ranked = rank_candidates(RED_PACKET, candidates, threshold=0.5)
    assert [key for key, _ in ranked] == [3, 2]
    assert ranked[0][1] > ranked[1][1] >= 0.5
    # Stored shingles work as well as texts.
    stored = [(key, shingles(text)) for key, text in candidates]
    assert rank_candidates(RED_PACKET, stored, threshold=0.5) == ranked


def test_band_keys_prefilter_finds_the_reworded_tip_only() -> None:
    mine = set(band_keys(RED_PACKET))
    assert len(mine) == 16
    assert mine & set(band_keys(RED_PACKET_REWORDED))
    assert not mine & set(band_keys(PARKING))
    # Stable across processes (no salted hash()), so keys stored today match tomorrow.
    other = subprocess.run(
        [sys.executable, "-c", "from tips.similarity import band_keys; print(band_keys('收红包'))"],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONHASHSEED": "random"},
    )
    assert other.stdout.strip() == str(band_keys("收红包"))
    assert band_keys("") == []


def test_the_reworded_tip_ranks_first_among_ten_thousand() -> None:
    # The speed of this ranking is measured in bench/tips_similarity.py, not asserted here.
    rng = random.Random(7)
    alphabet = "医院外科内科张李王医生护士收受患者家属回扣药品耗材停车收费挂号检查手术住院主任违规"
    candidates = [
        (i, "".join(rng.choice(alphabet) for _ in range(rng.randint(30, 200))))
        for i in range(10_000)
    ]
    candidates.append((10_000, RED_PACKET_REWORDED))
    ranked = rank_candidates(RED_PACKET, candidates, threshold=0.5)
    assert ranked[0][0] == 10_000
