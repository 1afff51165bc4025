"""Inspection checklists as data; the default is the 广西 检查表 (seed ``000_…``, 附件2).

The sheet has 36 numbered items in three groups. Items 6 and 33–36 are split into
sub-lines (免疫细胞治疗/其他, 医师/护士/其他人员); each sub-line is answered on its own.
Answers are of four kinds, as printed: 有□ 无□; 抽查 N 人，违法违规 M 人; 有□ 无□，罚款 X
万元，没收 …; 有□ 无□，N 人. Item 36 (合计) is computed from 33–35, never typed.
Items 1–28 are declared once in ``config.checklist`` (with their clue category, answer key
and row of 统计表二); the rest of the sheet is declared here.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from config.checklist import VIOLATION_LINES


class AnswerKind(StrEnum):
    YES_NO = "yes_no"  # 有□ 无□
    SAMPLED = "sampled"  # 抽查 N 人，违法违规 M 人
    FINE = "fine"  # 有□ 无□，罚款 X 万元，没收 …
    PERSONS = "persons"  # 有□ 无□，N 人
    TOTAL = "total"  # 合计: computed from other items


_CATEGORIES = {line.number: line.category for line in VIOLATION_LINES}

GROUP_VIOLATIONS = "是否存在违法违规行为情况"
GROUP_INSTITUTION = "受到行政处罚机构情况"
GROUP_PERSONS = "受到处理人员情况"


@dataclass(frozen=True)
class ChecklistItem:
    code: str  # "6a", "33_doctor" … stable keys of the stored answers
    number: int  # the printed number (1–36)
    group: str
    label: str  # the printed text without its number
    sub: str = ""  # 免疫细胞治疗, 医师 …
    kind: AnswerKind = AnswerKind.YES_NO
    note: str = ""  # the 备注 column
    lh2_row: str | None = None  # row of 工作量化统计表二 the finding is counted in
    total_of: tuple[str, ...] = ()

    @property
    def category(self) -> str:
        """The clue category: items 1–28 are ``check_NN`` (``config.checklist``)."""
        return _CATEGORIES.get(self.number, "other")

    @property
    def title(self) -> str:
        return f"{self.number}.{self.label}" + (f"（{self.sub}）" if self.sub else "")

    @property
    def can_be_found(self) -> bool:
        """Whether an answer can report a finding that may become a clue."""
        return self.kind is not AnswerKind.TOTAL


@dataclass(frozen=True)
class Checklist:
    code: str
    title: str
    source: str
    items: tuple[ChecklistItem, ...]

    def item(self, code: str) -> ChecklistItem:
        for it in self.items:
            if it.code == code:
                return it
        raise KeyError(code)


V, INST, P = GROUP_VIOLATIONS, GROUP_INSTITUTION, GROUP_PERSONS
_Y, _S, _F, _N, _T = (
    AnswerKind.YES_NO,
    AnswerKind.SAMPLED,
    AnswerKind.FINE,
    AnswerKind.PERSONS,
    AnswerKind.TOTAL,
)

# (code, number, group, label, sub, kind, lh2 row): items 1–28 from the one table of
# ``config.checklist``, then the sheet's own items 29–36.
_Line = tuple[str, int, str, str, str, AnswerKind, str | None]
_VIOLATIONS: tuple[_Line, ...] = tuple(
    (line.answer, line.number, V, line.label, line.sub, _S if line.sampled else _Y, line.form_row)
    for line in VIOLATION_LINES
)
_ROWS: tuple[_Line, ...] = _VIOLATIONS + (
    ("29", 29, INST, "吊销医疗机构执业许可证", "", AnswerKind.YES_NO, "licence_revoked"),
    ("30", 30, INST, "停业整顿", "", AnswerKind.YES_NO, "business_suspended"),
    ("31", 31, INST, "罚款、没收", "", _F, "fined"),
    ("32", 32, INST, "其他行政处罚", "", AnswerKind.YES_NO, None),
    ("33_doctor", 33, P, "吊销执业证书", "医师", _N, "revoked_doctor"),
    ("33_nurse", 33, P, "吊销执业证书", "护士", _N, "revoked_nurse"),
    ("34_doctor", 34, P, "暂停执业", "医师", _N, "suspended_doctor"),
    ("34_nurse", 34, P, "暂停执业", "护士", _N, "suspended_nurse"),
    ("35_doctor", 35, P, "移送司法机关", "医师", _N, "judicial_doctor"),
    ("35_nurse", 35, P, "移送司法机关", "护士", _N, "judicial_nurse"),
    ("35_other", 35, P, "移送司法机关", "其他人员", _N, "judicial_other"),
    ("36_penalty", 36, P, "合计", "行政处罚", _T, None),
    ("36_judicial", 36, P, "合计", "移送司法机关", _T, None),
)  # fmt: skip

_TOTALS = {
    "36_penalty": ("33_doctor", "33_nurse", "34_doctor", "34_nurse"),
    "36_judicial": ("35_doctor", "35_nurse", "35_other"),
}

GUANGXI_2020 = Checklist(
    code="gx2020",
    title="广西卫生健康行业作风整治专项行动检查表",
    source="2020年广西卫生健康行业作风整治专项行动实施方案 附件2",
    items=tuple(
        ChecklistItem(
            code=code,
            number=number,
            group=group,
            label=label,
            sub=sub,
            kind=kind,
            note="每家抽查20人。不足者，全查" if code == "1" else "",
            lh2_row=row,
            total_of=_TOTALS.get(code, ()),
        )
        for code, number, group, label, sub, kind, row in _ROWS
    ),
)

CHECKLISTS: dict[str, Checklist] = {GUANGXI_2020.code: GUANGXI_2020}
DEFAULT_CHECKLIST = GUANGXI_2020.code
