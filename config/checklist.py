"""The 28 violation items of the 检查表, declared once.

Source: seed ``000_…`` (2020年广西卫生健康行业作风整治专项行动实施方案), 附件2
广西卫生健康行业作风整治专项行动检查表, items 1–28, word for word; 附件4 (工作量化统计表二)
counts the same items in the same words. Three stored code schemes meet in each line, and
they stay as they are in the databases already in use:

- ``category`` (``check_06``): a clue's violation category (``cases.reference``);
- ``answer`` (``6a``): the key of an inspection answer (``campaigns.checklists``);
- ``form_row`` (``forbidden_cell``): the row of 统计表二 (``reporting/forms/lh2.py``).

Item 6 is printed in two sub-lines (免疫细胞治疗 / 其他), answered and counted apart but one
clue category. Item 18 has no row of its own in 统计表二, which counts the adverts removed
and the media closed instead (entered by hand).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ViolationLine:
    number: int  # the printed number, 1–28
    label: str  # the printed text without its number
    answer: str  # campaigns: stored answer key
    form_row: str | None  # reporting: row code of 统计表二
    sub: str = ""  # the printed sub-line (item 6)
    sampled: bool = False  # answered as 抽查 N 人，违法违规 M 人 (else 有□ 无□)

    @property
    def category(self) -> str:
        """The clue category (``check_NN``) stored on clues."""
        return f"check_{self.number:02d}"


_L = ViolationLine
VIOLATION_LINES: tuple[ViolationLine, ...] = (
    _L(1, "医师出租、出借、转让《医师执业证书》（挂证）", "1", "hired_license", sampled=True),
    _L(2, "无证行医", "2", "unlicensed", sampled=True),
    _L(3, "医疗机构买卖、转让、租借《医疗机构执业许可证》或《医师执业证书》", "3", "license_trade"),
    _L(4, "超出登记范围开展诊疗活动", "4", "beyond_scope"),
    _L(5, "使用非卫生技术人员从事医疗卫生技术工作", "5", "non_technical", sampled=True),
    _L(6, "违规开展禁止类技术", "6a", "forbidden_cell", sub="免疫细胞治疗"),
    _L(6, "违规开展禁止类技术", "6b", "forbidden_other", sub="其他"),
    _L(7, "违规开展限制类技术", "7", "restricted"),
    _L(8, "索取或收受患者及其家属“红包”行为", "8", "redpacket"),
    _L(9, "制售假药", "9", "fake_drugs"),
    _L(10, "出具虚假证明", "10", "false_certificates"),
    _L(11, "利用执业之便收取回扣、提成等谋取不正当利益的行为", "11", "kickback"),
    _L(12, "违规开展肝、肾、心、肺等大型器官移植", "12", "organ_transplant"),
    _L(13, "未按要求公示药品、医用材料及医疗服务价格", "13", "prices_not_shown"),
    _L(14, "乱收费和不正当价格行为", "14", "overcharging"),
    _L(15, "欺骗、强迫诊疗或消费，诱导医疗或过度医疗等违规行为", "15", "induced_care"),
    _L(16, "其他违反医疗法律法规行为", "16", "other_violations"),
    _L(17, "骗取医疗保险基金", "17", "insurance_fraud"),
    _L(18, "在网站、微信群、QQ群、微博、微信公众号等网络媒体发布违法医疗广告或虚假信息", "18",
       None),
    _L(19, "医疗机构开展医疗美容项目未经过核准和备案", "19", "cosmetic_unapproved"),
    _L(20, "负责实施医疗美容项目的主诊医师未具备规定的条件", "20", "cosmetic_doctor"),
    _L(21, "从事医疗美容护理工作的人员未具备规定的条件", "21", "cosmetic_nurse"),
    _L(22, "违规开展产前诊断", "22", "prenatal"),
    _L(23, "违规开展人类辅助生殖", "23", "assisted_reproduction"),
    _L(24, "违规开展“两非”行为", "24", "two_nons"),
    _L(25, "违规开展计划生育手术", "25", "family_planning"),
    _L(26, "经销人员在医疗机构内的违规营销行为", "26", "sales_reps"),
    _L(27, "存在医德医风失范，影响行业良好形象的行为", "27", "ethics"),
    _L(28, "未加强机构行风建设，缺乏行风工作机制", "28", "no_mechanism"),
)  # fmt: skip

# The 28 printed items in order, one label each (item 6's sub-lines share theirs).
CHECKLIST_ITEMS: tuple[str, ...] = tuple(dict.fromkeys(line.label for line in VIOLATION_LINES))


def line_for_row(form_row: str) -> ViolationLine:
    """The line counted in row ``form_row`` of 统计表二."""
    for line in VIOLATION_LINES:
        if line.form_row == form_row:
            return line
    raise KeyError(form_row)
