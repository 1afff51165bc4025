"""Filling a letter from its clue: the editable text (title, addressee, body, attachments,
抄送) and the fixed parts (issuer, 文号, date, the rows of a table form).

A reporter's name is never read here (it is sealed, DESIGN "Reporter protection"): the
addressee of a 受理告知书 or 反馈意见书 starts as “举报人”, and the handler who knows the
reporter writes the name in before issue. The written text lives only in the issued files,
which the file store keeps encrypted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from cases.models import Clue
from cases.reference import CHANNEL_LABELS, category_label
from cases.states import FINDINGS_LABELS, ROUTE_LABELS, STATE_LABELS
from config.localtime import local_date
from directory.models import OrgUnit, User
from documents.letter_kinds import LetterKind

# Editable fields: name → (label, max length, multi-line).
FIELDS: dict[str, tuple[str, int, bool]] = {
    "title": ("标题", 100, False),
    "addressee": ("主送", 100, False),
    "body": ("正文", 5000, True),
    "attachments": ("附件（每行一件）", 500, True),
    "cc": ("抄送", 200, False),
}
NUMBER_PENDING = "（文号于发文时生成）"


@dataclass
class Letter:
    """Everything a template needs; ``context()`` is what docxtpl and the HTML see."""

    kind: LetterKind
    issuer: str
    number: str
    date: str
    ledger_no: str
    text: dict[str, str]
    rows: list[tuple[str, str]] = field(default_factory=list)

    def context(self) -> dict:
        paragraphs = [p.strip() for p in self.text.get("body", "").splitlines() if p.strip()]
        attachments = [
            a.strip() for a in self.text.get("attachments", "").splitlines() if a.strip()
        ]
        return {
            "kind": self.kind.name,
            "issuer": self.issuer,
            "number": self.number,
            "date": self.date,
            "ledger_no": self.ledger_no,
            "title": self.text.get("title", ""),
            "addressee": self.text.get("addressee", ""),
            "paragraphs": paragraphs,
            "body": "\n".join(paragraphs),
            "attachments": attachments,
            "cc": self.text.get("cc", ""),
            "signer": self.issuer,
            "printed_by": self.issuer,
            "printed_on": self.date,
            "rows": [{"label": k, "value": v} for k, v in self.rows],
            "receipt": self.kind.receipt,
        }


def cn_date(moment: datetime) -> str:
    day = local_date(moment)
    return f"{day.year}年{day.month}月{day.day}日"


def _facts(clue: Clue, accused: str) -> tuple[str, str]:
    """(what the reporter did, what the office received), in the letters' words."""
    received = cn_date(clue.received_at)
    channel = CHANNEL_LABELS.get(clue.channel, "其他")
    number = f"（线索编号{clue.ledger_no or '待编号'}）"
    summary = clue.summary.removeprefix("实名").removeprefix("反映")  # “反映反映…” otherwise
    what = f"{accused}{summary}"
    reported = f"你于{received}通过{channel}反映的{what}问题{number}"
    return reported, f"我单位于{received}经{channel}收到反映{what}问题的线索{number}"


def default_text(kind: LetterKind, clue: Clue, accused: str) -> dict[str, str]:
    reported, facts = _facts(clue, accused)
    title = f"关于{clue.summary[:40]}问题的{kind.name}"
    texts = {
        "accept_notice": (
            "举报人：",
            f"{reported}，我单位已收悉。经审查，已依规受理，"
            "将按照有关规定办理，办理结果将适时告知。\n感谢你对正风肃纪工作的支持。"
            "请遵守有关规定，不得捏造、歪曲事实，不得诬告陷害他人。",
        ),
        "talk_notice": (
            f"{accused or '（姓名）'}：",
            f"根据工作需要，经批准，请你于    年  月  日  时到    "
            f"就{clue.summary}有关问题接受谈话。请按时到达，不得无故缺席。",
        ),
        "inquiry_letter": (
            f"{accused or '（被函询人）'}：",
            f"{facts}。根据有关规定，经批准，现对你进行函询。"
            "请你对函询问题作出说明，于收到本函之日起15个工作日内书面回复，"
            "并由所在单位主要负责人签署意见。",
        ),
        "referral": (
            "（接收机关）：",
            f"{facts}。经初步核实，有关问题涉嫌违法，"
            "不属于我单位管辖，根据有关规定，现将问题线索及相关材料移送你单位，请依法处理，"
            "并将处理结果反馈我单位。",
        ),
        "supervise": (
            f"{accused or '（承办单位）'}：",
            f"{facts}。现将该问题线索交你单位办理，"
            "请高度重视，认真核查，于规定期限内将办理结果书面报告我单位。",
        ),
        "feedback": (
            "举报人：",
            f"你反映的{clue.summary}问题，我单位已依规办理。经核查，"
            f"{clue.findings_text or '有关情况已查明'}。特此反馈。如有异议，可在收到本意见书之日起"
            "30日内向我单位书面提出。",
        ),
    }
    addressee, body = texts.get(kind.code, ("", ""))
    if kind.form:
        body = _form_opinion(kind, clue)
    attachments = "问题线索相关材料" if kind.code == "referral" else ""
    return {
        "title": title,
        "addressee": addressee,
        "body": body,
        "attachments": attachments,
        "cc": "",
    }


def _form_opinion(kind: LetterKind, clue: Clue) -> str:
    if kind.code == "verify_approval":
        return f"拟对该线索进行初步核实。核实方案：{clue.verification_plan or '（填写核实方案）'}"
    if kind.code == "closeout_approval":
        return f"该线索已办理完毕，处理结果已反馈，拟予销号。{clue.findings_text}"
    return ROUTE_LABELS.get(clue.route or clue.proposed_route or "", "（拟办意见）")


def form_rows(clue: Clue, accused: str, handler: User | None) -> list[tuple[str, str]]:
    return [
        ("线索编号", clue.ledger_no or "待编号"),
        ("受理时间", cn_date(clue.received_at)),
        ("来源渠道", CHANNEL_LABELS.get(clue.channel, "其他")),
        ("反映对象", accused or "—"),
        ("问题类别", category_label(clue.category)),
        ("主要问题", clue.summary),
        ("处置方式", ROUTE_LABELS.get(clue.route or clue.proposed_route or "", "—")),
        ("核查结论", FINDINGS_LABELS.get(clue.findings or "", "—")),
        ("当前环节", STATE_LABELS.get(clue.state, clue.state)),
        ("承办人", handler.display_name if handler is not None else "—"),
    ]


def accused_name(clue: Clue, unit: OrgUnit | None) -> str:
    """The institution the clue names, or nothing (the summary then says who)."""
    return unit.name if unit is not None else ""
