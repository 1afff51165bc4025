"""Inspection checklists as data; the default is the 广西 检查表 (seed ``000_…``, 附件2).

The sheet has 36 numbered items in three groups. Items 6 and 33–36 are split into
sub-lines (免疫细胞治疗/其他, 医师/护士/其他人员); each sub-line is answered on its own.
Answers are of four kinds, as printed: 有□ 无□; 抽查 N 人，违法违规 M 人; 有□ 无□，罚款 X
万元，没收 …; 有□ 无□，N 人. Item 36 (合计) is computed from 33–35, never typed.
Items 1–28 are the violation categories of ``cases.reference`` (``check_01`` …).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class AnswerKind(StrEnum):
    YES_NO = "yes_no"  # 有□ 无□
    SAMPLED = "sampled"  # 抽查 N 人，违法违规 M 人
    FINE = "fine"  # 有□ 无□，罚款 X 万元，没收 …
    PERSONS = "persons"  # 有□ 无□，N 人
    TOTAL = "total"  # 合计: computed from other items


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
        """The clue category: items 1–28 are ``check_NN`` in ``cases.reference``."""
        return f"check_{self.number:02d}" if self.number <= 28 else "other"

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
_S, _F, _N, _T = AnswerKind.SAMPLED, AnswerKind.FINE, AnswerKind.PERSONS, AnswerKind.TOTAL

# (code, number, group, label, sub, kind, lh2 row)
_ROWS: tuple[tuple[str, int, str, str, str, AnswerKind, str | None], ...] = (
    ("1", 1, V, "医师出租、出借、转让《医师执业证书》（挂证）", "", _S, "hired_license"),
    ("2", 2, V, "无证行医", "", _S, "unlicensed"),
    ("3", 3, V, "医疗机构买卖、转让、租借《医疗机构执业许可证》或《医师执业证书》", "",
     AnswerKind.YES_NO, "license_trade"),
    ("4", 4, V, "超出登记范围开展诊疗活动", "", AnswerKind.YES_NO, "beyond_scope"),
    ("5", 5, V, "使用非卫生技术人员从事医疗卫生技术工作", "", _S, "non_technical"),
    ("6a", 6, V, "违规开展禁止类技术", "免疫细胞治疗", AnswerKind.YES_NO, "forbidden_cell"),
    ("6b", 6, V, "违规开展禁止类技术", "其他", AnswerKind.YES_NO, "forbidden_other"),
    ("7", 7, V, "违规开展限制类技术", "", AnswerKind.YES_NO, "restricted"),
    ("8", 8, V, "索取或收受患者及其家属“红包”行为", "", AnswerKind.YES_NO, "redpacket"),
    ("9", 9, V, "制售假药", "", AnswerKind.YES_NO, "fake_drugs"),
    ("10", 10, V, "出具虚假证明", "", AnswerKind.YES_NO, "false_certificates"),
    ("11", 11, V, "利用执业之便收取回扣、提成等谋取不正当利益的行为", "", AnswerKind.YES_NO,
     "kickback"),
    ("12", 12, V, "违规开展肝、肾、心、肺等大型器官移植", "", AnswerKind.YES_NO,
     "organ_transplant"),
    ("13", 13, V, "未按要求公示药品、医用材料及医疗服务价格", "", AnswerKind.YES_NO,
     "prices_not_shown"),
    ("14", 14, V, "乱收费和不正当价格行为", "", AnswerKind.YES_NO, "overcharging"),
    ("15", 15, V, "欺骗、强迫诊疗或消费，诱导医疗或过度医疗等违规行为", "", AnswerKind.YES_NO,
     "induced_care"),
    ("16", 16, V, "其他违反医疗法律法规行为", "", AnswerKind.YES_NO, "other_violations"),
    ("17", 17, V, "骗取医疗保险基金", "", AnswerKind.YES_NO, "insurance_fraud"),
    # 统计表二 counts adverts removed (条) and media closed (个), not the finding itself.
    ("18", 18, V, "在网站、微信群、QQ群、微博、微信公众号等网络媒体发布违法医疗广告或虚假信息",
     "", AnswerKind.YES_NO, None),
    ("19", 19, V, "医疗机构开展医疗美容项目未经过核准和备案", "", AnswerKind.YES_NO,
     "cosmetic_unapproved"),
    ("20", 20, V, "负责实施医疗美容项目的主诊医师未具备规定的条件", "", AnswerKind.YES_NO,
     "cosmetic_doctor"),
    ("21", 21, V, "从事医疗美容护理工作的人员未具备规定的条件", "", AnswerKind.YES_NO,
     "cosmetic_nurse"),
    ("22", 22, V, "违规开展产前诊断", "", AnswerKind.YES_NO, "prenatal"),
    ("23", 23, V, "违规开展人类辅助生殖", "", AnswerKind.YES_NO, "assisted_reproduction"),
    ("24", 24, V, "违规开展“两非”行为", "", AnswerKind.YES_NO, "two_nons"),
    ("25", 25, V, "违规开展计划生育手术", "", AnswerKind.YES_NO, "family_planning"),
    ("26", 26, V, "经销人员在医疗机构内的违规营销行为", "", AnswerKind.YES_NO, "sales_reps"),
    ("27", 27, V, "存在医德医风失范，影响行业良好形象的行为", "", AnswerKind.YES_NO, "ethics"),
    ("28", 28, V, "未加强机构行风建设，缺乏行风工作机制", "", AnswerKind.YES_NO, "no_mechanism"),
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
