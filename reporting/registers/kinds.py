"""The registers and what each records, with the seed words they come from."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RegisterKind:
    code: str
    label: str
    source: str  # the seed's words
    subtypes: tuple[tuple[str, str], ...]
    participants: str = ""  # label of the head-count column, "" when none
    counterpart: str = ""  # label of the "who" column, "" when none
    target: bool = False  # taken against an institution below (统计表二)
    answered: bool = False  # has a reply date (建议书)
    feeds: str = ""  # the form cells it fills

    def subtype_label(self, code: str) -> str:
        return dict(self.subtypes).get(code, code)


KINDS: dict[str, RegisterKind] = {
    k.code: k
    for k in (
        RegisterKind(
            "warning",
            "警示教育活动",
            "鹿卫医〔2021〕22号：开展警示教育",
            (
                ("meeting", "警示教育大会"),
                ("case", "案例通报学习"),
                ("base", "参观廉政教育基地"),
                ("trial", "组织旁听审判"),
                ("other", "其他"),
            ),
            participants="参加人数",
            feeds="统计表（一）第（9）列、统计表（三）第1列",
        ),
        RegisterKind(
            "study",
            "专题学习和培训",
            "桂卫医发〔2021〕28号：每月至少安排一次专题学习",
            (("study", "专题学习"), ("training", "培训班")),
            participants="参加人数",
            feeds="统计表（三）第2、3列（培训班次数、人数）",
        ),
        RegisterKind(
            "talk",
            "约谈和三谈一访",
            "鹿卫医〔2021〕22号：约谈、三谈一访",
            (("talk", "约谈"), ("supplier", "约谈供应商"), ("three_one", "三谈一访")),
            counterpart="对象",
            feeds="统计表（三）第7列（约谈供应商）",
        ),
        RegisterKind(
            "advice",
            "纪律检查建议书和监察建议书",
            "统计表（一）：收到检查监察建议书、执行完成回复数",
            (("discipline", "纪律检查建议书"), ("supervision", "监察建议书")),
            counterpart="发出机关",
            answered=True,
            feeds="统计表（一）第（6）（7）列",
        ),
        RegisterKind(
            "notice",
            "通报批评和通报表彰",
            "鹿卫医〔2021〕22号：通报批评、通报表彰",
            (("criticism", "通报批评"), ("commendation", "通报表彰")),
            counterpart="通报对象",
        ),
        RegisterKind(
            "measure",
            "对医疗机构的处理措施",
            "统计表（二）：对定点医疗机构约谈、通报批评、限期整改",
            (("talk", "约谈"), ("criticised", "通报批评"), ("deadline", "限期整改")),
            target=True,
            feeds="统计表（二）第4–6列（按机构类别）",
        ),
    )
}
