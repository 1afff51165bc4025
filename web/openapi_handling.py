"""OpenAPI description of a clue's handling records and of the red-packet register
(``web.views.api_handling``).

``RECORD_ACTIONS`` and ``REDPACKET_FIELDS`` are also what that view checks a request body
against (known fields, JSON types, the ranges of id and amount columns), so the
description and the endpoints cannot drift apart. The business rules — which fields are
required, choices, dates, lengths — stay with the services in ``cases/``; a schema-valid
body may still be refused by them with 422.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cases.audit import SECTION_STATES
from cases.reference import (
    POSTS,
    REFERRAL_TARGETS,
    SANCTION_KINDS,
    SUBJECT_KINDS,
    VIOLATION_CATEGORIES,
)
from cases.states import ClueState
from web.openapi_parts import MAX_ID, error_responses, json_request, json_response, path_id

# Amounts are NUMERIC(14, 4) 万元 and NUMERIC(12, 2) 元: ten integer digits either way.
AMOUNT_LIMIT = 10**10


def _text(max_len: int = 0) -> dict[str, Any]:
    return {"type": "string", **({"maxLength": max_len} if max_len else {})}


def _choice(values: Any) -> dict[str, Any]:
    return {"type": "string", "enum": list(values)}


def _amount(places: int) -> dict[str, Any]:
    return {
        "type": ["string", "number"],
        "minimum": 0,
        "exclusiveMaximum": AMOUNT_LIMIT,
        "pattern": rf"^[0-9]{{1,10}}(\.[0-9]{{1,{places}}})?$",
    }


def _opt(schema: dict[str, Any]) -> dict[str, Any]:
    """The same field, optional: ``null`` (or leaving it out) means not given."""
    types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
    extra = {"enum": [*schema["enum"], None]} if "enum" in schema else {}
    return {**schema, "type": [*types, "null"], **extra}


ID = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
DATE = {"type": "string", "format": "date"}


@dataclass(frozen=True)
class RecordAction:
    summary: str
    status: int  # 201: a new record; 200: an existing one updated
    answer: str  # the component schema of the answer
    fields: dict[str, dict[str, Any]]
    required: tuple[str, ...] = ()
    target: str | None = None  # the body field naming the existing record it updates


RECORD_ACTIONS: dict[str, RecordAction] = {
    "subject": RecordAction(
        "登记当事人（人员须填写岗位）",
        201,
        "Subject",
        {
            "kind": _choice(SUBJECT_KINDS),
            "name": _text(100),
            "post": _opt(_choice(POSTS)),
            "institution_id": _opt(ID),
            "institution_name": _opt(_text(200)),
            "note": _opt(_text()),
        },
        ("kind", "name"),
    ),
    "facts": RecordAction(
        "填写违规事实（问题类别、涉案金额、追回资金，万元）",
        200,
        "Facts",
        {
            "category": _choice(VIOLATION_CATEGORIES),
            "amount_involved": _opt(_amount(4)),
            "funds_recovered": _opt(_amount(4)),
        },
        ("category",),
    ),
    "plan": RecordAction("保存核查方案", 200, "Facts", {"plan": _text()}, ("plan",)),
    "talk": RecordAction(
        "登记谈话记录",
        201,
        "Talk",
        {
            "talked_on": DATE,
            "person": _text(100),
            "talkers": _opt(_text(200)),
            "content": _text(),
        },
        ("talked_on", "person", "content"),
    ),
    "inquiry": RecordAction(
        "登记函询（回复期限为发函后 15 个工作日）",
        201,
        "Inquiry",
        {"recipient": _text(100), "sent_on": DATE},
        ("recipient", "sent_on"),
    ),
    "inquiry_reply": RecordAction(
        "登记函询回复",
        200,
        "Inquiry",
        {"letter_id": ID, "reply_received_on": DATE, "reply_summary": _text()},
        ("letter_id", "reply_received_on", "reply_summary"),
        target="letter_id",
    ),
    "hand_down": RecordAction(
        "交办下级单位核查（生成下级线索）",
        201,
        "HandedDown",
        {"target_unit_id": ID, "due": DATE, "note": _text()},
        ("target_unit_id", "due", "note"),
    ),
    "sanction": RecordAction(
        "登记处理决定（人员：第一种形态、组织处理；机构：行政处罚）",
        201,
        "Sanction",
        {
            "subject_id": ID,
            "kind": _choice(SANCTION_KINDS),
            "decided_on": DATE,
            "executed_on": _opt(DATE),
            "amount": _opt(_amount(4)),
            "note": _opt(_text()),
        },
        ("subject_id", "kind", "decided_on"),
    ),
    "sanction_executed": RecordAction(
        "登记处理决定的执行日期",
        200,
        "Sanction",
        {"sanction_id": ID, "executed_on": DATE},
        ("sanction_id", "executed_on"),
        target="sanction_id",
    ),
    "referral": RecordAction(
        "登记移送（跟踪回执和办理结果）",
        201,
        "Referral",
        {"target": _choice(REFERRAL_TARGETS), "organ": _text(200), "sent_on": DATE},
        ("target", "organ", "sent_on"),
    ),
    "referral_receipt": RecordAction(
        "登记移送回执及办理结果",
        200,
        "Referral",
        {
            "referral_id": ID,
            "received_on": DATE,
            "outcome": _opt(_text()),
            "outcome_on": _opt(DATE),
        },
        ("referral_id", "received_on"),
        target="referral_id",
    ),
    "feedback": RecordAction(
        "登记反馈情况（匿名举报的公开答复，或无需反馈及理由；实名举报用办理操作反馈）",
        201,
        "Feedback",
        {
            "mode": _choice(["anonymous", "not_applicable"]),
            "public_wording": _opt(_text()),
            "internal_note": _opt(_text()),
            "na_reason": _opt(_text()),
        },
        ("mode",),
    ),
    "negative_list": RecordAction(
        "将回扣类线索的供应商列入负面名单",
        201,
        "NegativeListEntry",
        {"supplier": _text(200), "reason": _text()},
        ("supplier", "reason"),
    ),
}

REDPACKET_FIELDS: dict[str, dict[str, Any]] = {
    "staff_name": _text(100),
    "department": _text(100),
    "patient_name": _opt(_text(100)),
    "amount_yuan": {**_amount(2), "exclusiveMinimum": 0},
    "received_on": DATE,
    "surrendered_on": DATE,
    "receipt_no": _text(64),
}
REDPACKET_REQUIRED = (
    "staff_name",
    "department",
    "amount_yuan",
    "received_on",
    "surrendered_on",
    "receipt_no",
)


def _object(**props: Any) -> dict[str, Any]:
    """An answer object: every property always present, nothing else."""
    return {
        "type": "object",
        "required": list(props),
        "properties": props,
        "additionalProperties": False,
    }


STR = {"type": "string"}
INT = {"type": "integer"}
NSTR = {"type": ["string", "null"]}  # a text that may be missing
NDAY = {"type": ["string", "null"], "format": "date"}
MOMENT = {"type": "string", "format": "date-time"}
UNIT = _object(id=INT, name=STR)
STATE = _choice(s.value for s in ClueState)


def _ref(name: str) -> dict[str, Any]:
    return {"$ref": f"#/components/schemas/{name}"}


def _list(name: str) -> dict[str, Any]:
    return {"type": "array", "items": _ref(name)}


HANDLING_SCHEMAS: dict[str, Any] = {
    "Facts": _object(
        category=STR,
        category_label=STR,
        amount_involved=NSTR,  # 万元, as a decimal string
        funds_recovered=NSTR,
        findings=NSTR,
        findings_text=STR,
        verification_plan=STR,
    ),
    "Subject": _object(
        id=INT,
        kind=_choice(SUBJECT_KINDS),
        name=STR,
        post=NSTR,
        post_label=STR,
        institution={**UNIT, "type": ["object", "null"]},
        institution_name=STR,
        note=STR,
        label=STR,
        created_at=MOMENT,
    ),
    "Talk": _object(
        id=INT, talked_on=DATE, person=STR, talkers=STR, content=STR, created_at=MOMENT
    ),
    "Inquiry": _object(
        id=INT,
        recipient=STR,
        sent_on=DATE,
        reply_due=NDAY,
        reply_received_on=NDAY,
        reply_summary=STR,
    ),
    "HandedDown": _object(
        id=INT,
        reference=STR,
        unit=UNIT,
        state=STATE,
        state_label=STR,
        superior_due=NDAY,
        findings=NSTR,
        findings_text=STR,
    ),
    "Sanction": _object(
        id=INT,
        subject_id=INT,
        subject_name=STR,
        kind=STR,
        kind_label=STR,
        decided_on=DATE,
        executed_on=NDAY,
        amount=NSTR,
        note=STR,
    ),
    "Referral": _object(
        id=INT,
        target=STR,
        target_label=STR,
        organ=STR,
        sent_on=DATE,
        receipt_due=NDAY,
        received_on=NDAY,
        outcome=STR,
        outcome_on=NDAY,
    ),
    # No internal note: the clue page does not show it either.
    "Feedback": _object(
        id=INT,
        mode=STR,
        mode_label=STR,
        method=NSTR,
        method_label=STR,
        given_on=NDAY,
        public_wording=STR,
        na_reason=STR,
        created_at=MOMENT,
    ),
    "NegativeListEntry": _object(id=INT, supplier=STR, reason=STR, listed_on=DATE),
    "ClueRecords": _object(
        clue_id=INT,
        state=STATE,
        editable={"type": "array", "items": _choice(SECTION_STATES)},
        facts=_ref("Facts"),
        subjects=_list("Subject"),
        talks=_list("Talk"),
        inquiries=_list("Inquiry"),
        handed_down=_list("HandedDown"),
        sanctions=_list("Sanction"),
        referrals=_list("Referral"),
        feedback=_list("Feedback"),
    ),
    "RedPacket": _object(
        id=INT,
        unit=UNIT,
        staff_name=STR,
        department=STR,
        patient_name=STR,
        amount_yuan=STR,  # 元, two decimals
        received_on=DATE,
        surrendered_on=DATE,
        receipt_no=STR,
        created_at=MOMENT,
    ),
}


def _body(fields: dict[str, Any], required: tuple[str, ...]) -> dict[str, Any]:
    return json_request(
        {
            "type": "object",
            "required": list(required),
            "properties": fields,
            "additionalProperties": False,
        }
    )


HANDLING_PATHS: dict[str, Any] = {
    "/api/clues/{clue_id}/records": {
        "get": {
            "summary": "线索的办理记录：当事人、违规事实、谈话函询、交办、处理处置、移送、反馈",
            "description": "与线索页面所示相同；不含举报人身份。editable 为当前可修改的部分。",
            "parameters": [path_id("clue_id")],
            "responses": {"200": json_response(_ref("ClueRecords")), **error_responses(401, 404)},
        }
    },
    **{
        f"/api/clues/{{clue_id}}/records/{name}": {
            "post": {
                "summary": action.summary,
                "description": "本线索的承办人和本单位领导，在相应办理阶段可用。",
                "parameters": [path_id("clue_id")],
                "requestBody": _body(action.fields, action.required),
                "responses": {
                    str(action.status): json_response(_ref(action.answer)),
                    **error_responses(401, 403, 404, 409, 422),
                },
            }
        }
        for name, action in RECORD_ACTIONS.items()
    },
    "/api/redpackets": {
        "get": {
            "summary": "红包上缴登记（填报员：本机构；科室人员：本单位及下级）",
            "parameters": [
                {"name": "unit_id", "in": "query", "schema": {**ID, "minimum": 0}},
                {"name": "from", "in": "query", "schema": DATE},
                {"name": "to", "in": "query", "schema": DATE},
                {
                    "name": "limit",
                    "in": "query",
                    "schema": {"type": "integer", "minimum": 1, "maximum": 500},
                },
            ],
            "responses": {
                "200": json_response(_object(items=_list("RedPacket"), count=INT)),
                **error_responses(401, 403, 422),
            },
        },
        "post": {
            "summary": "登记红包上缴（医疗机构填报员）",
            "requestBody": _body(REDPACKET_FIELDS, REDPACKET_REQUIRED),
            "responses": {
                "201": json_response(_ref("RedPacket"), "已登记"),
                **error_responses(401, 403, 422),
            },
        },
    },
}
