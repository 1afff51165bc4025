"""OpenAPI description of a clue's handling records and of the red-packet register
(``web.views.api_handling``).

The request bodies are generated from the declarations the endpoints use
(``cases.record_actions.RECORD_ACTIONS``, ``cases.redpacket.REDPACKET_FIELDS``): each
``FieldSpec`` gives its own JSON Schema, which the view also checks a body against, so
the description and the endpoints cannot drift apart. The records' answers are derived
from the same fields (``cases.record_answers``). Rules that span fields stay with
the services; a schema-valid body may still be refused by them with 422.
"""

from __future__ import annotations

from typing import Any

from cases.audit import SECTION_STATES
from cases.record_actions import RECORD_ACTIONS
from cases.record_answers import ANSWERS
from cases.record_views import RECORD_LISTS
from cases.redpacket import REDPACKET_FIELDS
from cases.states import ClueState
from web.openapi_parts import MAX_ID, error_responses, json_request, json_response, path_id
from workflow.fields import body_schema


def _choice(values: Any) -> dict[str, Any]:
    return {"type": "string", "enum": list(values)}


ID = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
DATE = {"type": "string", "format": "date"}


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
MOMENT = {"type": "string", "format": "date-time"}
UNIT = _object(id=INT, name=STR)
STATE = _choice(s.value for s in ClueState)


def _ref(name: str) -> dict[str, Any]:
    return {"$ref": f"#/components/schemas/{name}"}


def _list(name: str) -> dict[str, Any]:
    return {"type": "array", "items": _ref(name)}


HANDLING_SCHEMAS: dict[str, Any] = {
    # Each record's answer, derived from its actions' fields (``cases.record_answers``).
    **{name: answer.schema() for name, answer in ANSWERS.items()},
    "ClueRecords": _object(
        clue_id=INT,
        state=STATE,
        editable={"type": "array", "items": _choice(SECTION_STATES)},
        facts=_ref("Facts"),
        **{lst.key: _list(lst.answer) for lst in RECORD_LISTS},
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


HANDLING_PATHS: dict[str, Any] = {
    "/api/clues/{clue_id}/records": {
        "get": {
            "summary": "线索的办理记录：当事人、违规事实、谈话函询、交办、处理处置、移送、反馈、"
            "供应商负面名单",
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
                "requestBody": json_request(body_schema(action.fields)),
                "responses": {
                    ("201" if action.creates else "200"): json_response(_ref(action.answer)),
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
            "requestBody": json_request(body_schema(REDPACKET_FIELDS)),
            "responses": {
                "201": json_response(_ref("RedPacket"), "已登记"),
                **error_responses(401, 403, 422),
            },
        },
    },
}
