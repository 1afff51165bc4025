"""The default checklist reproduces the 广西 检查表 of seed 000 (附件2) item by item."""

from __future__ import annotations

import re

from campaigns.checklists import GUANGXI_2020, AnswerKind
from cases.reference import CHECKLIST_ITEMS, VIOLATION_CATEGORIES
from reporting.forms import FORMS
from tests.campaigns.helpers import SEED_000


def _seed_sheet() -> list[str]:
    text = SEED_000.read_text(encoding="utf-8")
    start = text.index("广西卫生健康行业作风整治专项行动检查表")
    return text[start : text.index("注：此表供检查时使用", start)].splitlines()


def test_thirty_six_items_word_for_word():
    printed = {}
    for line in _seed_sheet():
        if m := re.match(r"^\t(\d+)\.(.+)$", line):
            printed[int(m.group(1))] = m.group(2).strip()
    assert sorted(printed) == list(range(1, 37))
    ours = {item.number: item.label for item in GUANGXI_2020.items}
    assert ours == printed


def test_sub_lines_and_answer_kinds_follow_the_sheet():
    sheet = "\n".join(_seed_sheet())
    subs = {n: [i.sub for i in GUANGXI_2020.items if i.number == n] for n in (6, 33, 35, 36)}
    assert subs == {
        6: ["免疫细胞治疗", "其他"],
        33: ["医师", "护士"],
        35: ["医师", "护士", "其他人员"],
        36: ["行政处罚", "移送司法机关"],
    }
    # "抽查 人，违法违规 人" is printed for items 1, 2 and 5 only.
    assert sheet.count("违法违规   人") == 3
    assert [i.number for i in GUANGXI_2020.items if i.kind is AnswerKind.SAMPLED] == [1, 2, 5]
    assert GUANGXI_2020.item("31").kind is AnswerKind.FINE and "罚款  万元" in sheet
    assert GUANGXI_2020.item("1").note == "每家抽查20人。不足者，全查"
    groups = [g for g in dict.fromkeys(i.group for i in GUANGXI_2020.items)]
    assert groups == ["是否存在违法违规行为情况", "受到行政处罚机构情况", "受到处理人员情况"]


def test_items_match_the_violation_categories_and_form_two_rows():
    for item in GUANGXI_2020.items:
        if item.number <= 28:
            assert item.label == CHECKLIST_ITEMS[item.number - 1]
            assert item.category in VIOLATION_CATEGORIES
    lh2 = FORMS["lh2"]
    rows = {r.code: r for r in lh2.rows}
    for item in GUANGXI_2020.items:
        if item.lh2_row:
            row = rows[item.lh2_row]
            assert item.label in row.cells or item.sub in row.cells or item.number == 31
