"""Every handling record a clue takes, declared once: its name, the section of the clue
page it belongs to (and so the states it is offered in, ``cases.audit.SECTION_STATES``),
its fields, the service that applies it and the message the page shows.

The clue page's forms (``render_fields``), its form handler, the JSON API, the body check
and the OpenAPI description all read ``RECORD_ACTIONS``. Adding a field to a record is one
``FieldSpec`` here (plus its column and migration); its width is read from the column.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from cases import outcomes, records
from cases.audit import SECTION_STATES, require_section
from cases.handling_models import (
    ClueSubject,
    InquiryLetter,
    NegativeListEntry,
    Referral,
    TalkRecord,
)
from cases.models import Clue
from cases.reference import (
    POSTS,
    REFERRAL_TARGETS,
    SANCTION_GROUPS,
    SANCTION_KINDS,
    SUBJECT_KINDS,
    VIOLATION_CATEGORIES,
)
from directory.models import User
from workflow.fields import FieldKind, FieldSpec, clean, column_width

K = FieldKind
Apply = Callable[[Session, User, Clue, Mapping[str, Any]], Any]


@dataclass(frozen=True)
class RecordAction:
    name: str
    section: str  # a key of SECTION_STATES: who may use it, and in which states
    summary: str  # what it does (zh-CN), for the API description
    fields: tuple[FieldSpec, ...]
    apply: Apply
    message: str  # the page's confirmation (zh-CN)
    answer: str  # the record the JSON API answers with (an OpenAPI component)
    target: str | None = None  # the field naming the existing record it updates
    creates: bool = True  # 201 with a new record; False: an existing one updated (200)

    @property
    def states(self) -> frozenset[str]:
        return SECTION_STATES[self.section]

    def field(self, name: str) -> FieldSpec:
        return next(f for f in self.fields if f.name == name)

    def __call__(self, session: Session, actor: User, clue: Clue, data: Mapping[str, Any]):
        """Check who, where and when (``require_section``), clean every field, apply."""
        require_section(session, actor, clue, self.section)
        return self.apply(session, actor, clue, clean(self.fields, data))


def _text(name: str, label: str, column: Any = None, *, required: bool = True) -> FieldSpec:
    """A one-line text as wide as its column."""
    width = column_width(column) if column is not None else 0
    return FieldSpec(name, label, K.TEXT, required=required, max_len=width)


def _long(name: str, label: str, *, required: bool = True) -> FieldSpec:
    return FieldSpec(name, label, K.TEXTAREA, required=required)


def _choice(name: str, label: str, choices: Mapping[str, str], **kw: Any) -> FieldSpec:
    return FieldSpec(name, label, K.CHOICE, choices=tuple(choices.items()), **kw)


def _date(name: str, label: str, *, required: bool = True) -> FieldSpec:
    return FieldSpec(name, label, K.DATE, required=required)


def _amount(name: str, label: str) -> FieldSpec:
    return FieldSpec(name, label, K.DECIMAL, required=False, places=4)


def _record(name: str, label: str) -> FieldSpec:
    return FieldSpec(name, label, K.RECORD)


_SANCTION_GROUPS = tuple((label, tuple(kinds.items())) for label, kinds in SANCTION_GROUPS.values())

_ACTIONS = (
    RecordAction(
        "subject",
        "subjects",
        "登记当事人（人员须填写岗位）",
        (
            _choice("kind", "类型", SUBJECT_KINDS),
            _text("name", "姓名/名称", ClueSubject.name),
            _choice("post", "岗位", POSTS, required=False),
            FieldSpec("institution_id", "所在机构", K.UNIT, required=False),
            _text("institution_name", "所在机构名称", ClueSubject.institution_name, required=False),
            _long("note", "备注", required=False),
        ),
        records.add_subject,
        "已登记当事人。",
        "Subject",
    ),
    RecordAction(
        "facts",
        "facts",
        "填写违规事实（问题类别、涉案金额、追回资金，万元）",
        (
            _choice("category", "问题类别", VIOLATION_CATEGORIES),
            _amount("amount_involved", "涉案金额（万元）"),
            _amount("funds_recovered", "追回资金（万元）"),
        ),
        records.update_facts,
        "已保存违规事实。",
        "Facts",
        creates=False,
    ),
    RecordAction(
        "plan",
        "verification",
        "保存核查方案",
        (_long("plan", "核查方案"),),
        records.update_verification_plan,
        "已保存核查方案。",
        "Facts",
        creates=False,
    ),
    RecordAction(
        "talk",
        "talks",
        "登记谈话记录",
        (
            _date("talked_on", "谈话日期"),
            _text("person", "谈话对象", TalkRecord.person),
            _text("talkers", "谈话人", TalkRecord.talkers, required=False),
            _long("content", "谈话内容"),
        ),
        records.add_talk,
        "已登记谈话记录。",
        "Talk",
    ),
    RecordAction(
        "inquiry",
        "talks",
        "登记函询（回复期限为发函后 15 个工作日）",
        (_text("recipient", "被函询人", InquiryLetter.recipient), _date("sent_on", "发函日期")),
        records.add_inquiry,
        "已登记函询。",
        "Inquiry",
    ),
    RecordAction(
        "inquiry_reply",
        "talks",
        "登记函询回复",
        (
            _record("letter_id", "函询"),
            _date("reply_received_on", "收到回复日期"),
            _long("reply_summary", "回复内容摘要"),
        ),
        records.record_inquiry_reply,
        "已登记函询回复。",
        "Inquiry",
        target="letter_id",
        creates=False,
    ),
    RecordAction(
        "hand_down",
        "hand_down",
        "交办下级单位核查（生成下级线索）",
        (
            FieldSpec("target_unit_id", "交办单位", K.UNIT),
            _date("due", "办理期限"),
            _long("note", "交办要求"),
        ),
        records.hand_down,
        "已交办下级核查。",
        "HandedDown",
    ),
    RecordAction(
        "sanction",
        "sanctions",
        "登记处理决定（人员：第一种形态、组织处理；机构：行政处罚）",
        (
            _record("subject_id", "当事人"),
            FieldSpec(
                "kind",
                "处理方式",
                K.CHOICE,
                choices=tuple(SANCTION_KINDS.items()),
                groups=_SANCTION_GROUPS,
            ),
            _date("decided_on", "决定日期"),
            _date("executed_on", "执行日期", required=False),
            _amount("amount", "金额（万元）"),
            _long("note", "说明", required=False),
        ),
        outcomes.add_sanction,
        "已登记处理决定。",
        "Sanction",
    ),
    RecordAction(
        "sanction_executed",
        "sanctions",
        "登记处理决定的执行日期",
        (_record("sanction_id", "处理决定"), _date("executed_on", "执行日期")),
        outcomes.record_sanction_executed,
        "已登记执行日期。",
        "Sanction",
        target="sanction_id",
        creates=False,
    ),
    RecordAction(
        "referral",
        "referrals",
        "登记移送（跟踪回执和办理结果）",
        (
            _choice("target", "移送机关类别", REFERRAL_TARGETS),
            _text("organ", "接收机关", Referral.organ),
            _date("sent_on", "移送日期"),
        ),
        outcomes.add_referral,
        "已登记移送。",
        "Referral",
    ),
    RecordAction(
        "referral_receipt",
        "referrals",
        "登记移送回执及办理结果",
        (
            _record("referral_id", "移送"),
            _date("received_on", "回执日期"),
            _long("outcome", "办理结果", required=False),
            _date("outcome_on", "结果日期", required=False),
        ),
        outcomes.record_referral_receipt,
        "已登记回执。",
        "Referral",
        target="referral_id",
        creates=False,
    ),
    RecordAction(
        "referral_outcome",
        "referrals",
        "登记移送后接收机关反馈的处理结果（签收后未反馈结果的，到期前提醒）",
        (
            _record("referral_id", "移送"),
            _long("outcome", "处理结果"),
            _date("outcome_on", "结果日期"),
        ),
        outcomes.record_referral_outcome,
        "已登记处理结果。",
        "Referral",
        target="referral_id",
        creates=False,
    ),
    RecordAction(
        "feedback",
        "feedback",
        "登记反馈情况（匿名举报的公开答复，或无需反馈及理由；实名举报用办理操作反馈）",
        (
            _choice(
                "mode",
                "反馈情形",
                {"anonymous": "匿名举报：网上平台公开答复", "not_applicable": "无需反馈"},
            ),
            _long("public_wording", "对外答复内容（公开）", required=False),
            FieldSpec(
                "internal_note", "内部备注（不公开）", K.TEXTAREA, required=False, private=True
            ),
            _long("na_reason", "无需反馈的理由", required=False),
        ),
        outcomes.record_feedback,
        "已登记反馈情况。",
        "Feedback",
    ),
    RecordAction(
        "negative_list",
        "sanctions",
        "将回扣类线索的供应商列入负面名单",
        (
            _text("supplier", "供应商名称", NegativeListEntry.supplier),
            _long("reason", "列入理由"),
        ),
        outcomes.add_to_negative_list,
        "已列入供应商负面名单。",
        "NegativeListEntry",
    ),
)

RECORD_ACTIONS: dict[str, RecordAction] = {a.name: a for a in _ACTIONS}
assert len(RECORD_ACTIONS) == len(_ACTIONS), "an action is declared twice"
assert all(a.section in SECTION_STATES for a in _ACTIONS), "an action names no section"


def perform(session: Session, actor: User, clue: Clue, action: str, data: Mapping[str, Any]):
    """Record ``action`` on the clue from raw form or JSON input; the caller commits."""
    return RECORD_ACTIONS[action](session, actor, clue, data)
