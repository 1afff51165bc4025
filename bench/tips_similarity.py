"""Duplicate detection: one tip ranked against 10,000 earlier tips (texts and stored shingles).

CPU time (process_time), so a busy shared machine does not distort the figure.
"""

from __future__ import annotations

import random
import time

from tips.similarity import rank_candidates, shingles

TEMPLATES = [
    "{h}{d}{p}收受患者家属红包{n}元",
    "反映{h}{d}{p}收受医药代表回扣，开大处方的问题",
    "{h}停车场收费过高，一小时收费{n}元，请求整改",
    "举报{h}{d}{p}态度恶劣、推诿患者，要求处理",
    "{h}{d}违规收取检查费用{n}元，重复收费",
]
HOSPITALS = [f"{c}县人民医院" for c in "东西南北中甲乙丙丁戊己庚辛壬癸"] + [
    "市第一医院",
    "市中医院",
]
DEPARTMENTS = ["外科", "内科", "儿科", "妇产科", "骨科", "眼科", "急诊科", "放射科"]
PEOPLE = [f"{s}{t}" for s in "张王李赵刘陈杨黄周吴" for t in ("医生", "主任", "护士", "某某")]


def main() -> None:
    rng = random.Random(2024)
    texts = [
        (i, rng.choice(TEMPLATES).format(
            h=rng.choice(HOSPITALS), d=rng.choice(DEPARTMENTS), p=rng.choice(PEOPLE),
            n=rng.randint(100, 50_000),
        ) + "。" * rng.randint(0, 3) + "具体情况如下：" + "患者住院期间" * rng.randint(0, 20))
        for i in range(10_000)
    ]  # fmt: skip
    tip = "东县人民医院外科张医生收受患者家属红包2000元"
    runs = []
    for _ in range(5):
        start = time.process_time()
        found = rank_candidates(tip, texts, threshold=0.6)
        runs.append(time.process_time() - start)
    stored = [(key, shingles(text)) for key, text in texts]
    start = time.process_time()
    rank_candidates(tip, stored, threshold=0.6)
    pre = time.process_time() - start
    print(
        f"10,000 candidate texts: best {min(runs) * 1000:.0f} ms, worst {max(runs) * 1000:.0f} ms"
    )
    print(f"10,000 stored shingle sets: {pre * 1000:.0f} ms; {len(found)} candidates >= 0.6")


if __name__ == "__main__":
    main()
