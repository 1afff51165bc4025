"""The OpenAPI 3.1 description of the JSON API, served at ``/api/openapi.json``."""

from __future__ import annotations

from typing import Any

from cases.lifecycle import CLUE_LIFECYCLE
from web.openapi_handling import HANDLING_PATHS, HANDLING_SCHEMAS
from web.openapi_parts import ERROR, OBJECT
from web.openapi_parts import error_responses as _errors
from web.openapi_parts import json_response as _json
from web.openapi_parts import path_id as _id
from web.openapi_search import SEARCH_PATHS

# 报送 with what is on screen: the same fields as saving a draft, all optional.
_SEND_BODY: dict[str, Any] = {
    "type": "object",
    "properties": {
        "values": OBJECT,
        "version": {"type": "integer"},
        "leader_name": {"type": "string"},
        "filler_name": {"type": "string"},
        "contact": {"type": "string"},
        "zero_report": {"type": "boolean"},
    },
    "additionalProperties": False,
}

CLUE = {
    "type": "object",
    "required": ["id", "reference", "state", "version", "summary"],
    "properties": {
        "id": {"type": "integer"},
        "reference": {"type": "string"},
        "ledger_no": {"type": ["string", "null"]},
        "state": {"type": "string", "enum": [s.value for s in CLUE_LIFECYCLE.states]},
        "state_label": {"type": "string"},
        "version": {"type": "integer"},
        "channel": {"type": "string"},
        "category": {"type": "string"},
        "summary": {"type": "string"},
        "unit_id": {"type": "integer"},
        "handler_id": {"type": ["integer", "null"]},
        "received_at": {"type": "string", "format": "date-time"},
        "next_due_on": {"type": ["string", "null"], "format": "date"},
    },
}
CLUE_ID = _id("clue_id")
# The step's fields, as listed under ``actions[].fields`` of GET /api/clues/{clue_id}.
TRANSITION_DATA = {
    "type": "object",
    "description": "该步骤的字段（见线索详情 actions[].fields）。批准处置方式时可填 route_due。",
    "properties": {
        "route_due": {
            "type": "string",
            "format": "date",
            "description": "办理期限（批准初步核实、谈话函询、暂存待查、按规定移交时）："
            "不填按该处置方式的默认期限（actions[].fields[].default）计；不能早于今天，"
            "不能晚于一年后；日期无效时返回 422，details.route_due 说明原因。",
        },
    },
    "additionalProperties": True,
}
TIPS_PATHS: dict[str, Any] = {
    "/api/tips": {
        "get": {
            "summary": "管辖范围内的举报（不含举报人身份）",
            "parameters": [
                {"name": "channel", "in": "query", "schema": {"type": "string"}},
                {"name": "since", "in": "query", "schema": {"type": "string", "format": "date"}},
                {"name": "until", "in": "query", "schema": {"type": "string", "format": "date"}},
                {
                    "name": "registered",
                    "in": "query",
                    "schema": {"type": "string", "enum": ["true", "false"]},
                },
                {
                    "name": "limit",
                    "in": "query",
                    "schema": {"type": "integer", "minimum": 1, "maximum": 500},
                },
            ],
            "responses": {"200": _json(OBJECT), **_errors(400, 401, 422)},
        },
        "post": {
            "summary": "登记一件举报（同时生成待受理线索）",
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "required": ["channel", "content"],
                            "properties": {
                                "channel": {"type": "string"},
                                "content": {"type": "string"},
                                "summary": {"type": "string"},
                                "unit_id": {"type": "integer"},
                                "named": {"type": "boolean"},
                                "identity": OBJECT,
                                "meta": OBJECT,
                                "accused_unit_name": {"type": "string"},
                                "accused": {"type": "array", "items": OBJECT},
                                "category": {"type": "string"},
                            },
                        }
                    }
                },
            },
            "responses": {
                "201": _json(OBJECT, "已登记"),
                **_errors(400, 401, 403, 404, 409, 413, 422),
            },
        },
    },
    "/api/tips/{tip_id}": {
        "get": {
            "summary": "一件举报",
            "parameters": [_id("tip_id")],
            "responses": {"200": _json(OBJECT), **_errors(401, 404)},
        },
    },
}
REPORTING_PATHS: dict[str, Any] = {
    "/api/obligations": {
        "get": {
            "summary": "本单位（或下级）的报表任务",
            "parameters": [
                {"name": "scope", "in": "query", "schema": {"type": "string", "enum": ["below"]}},
                {"name": "form", "in": "query", "schema": {"type": "string"}},
            ],
            "responses": {"200": _json(OBJECT), **_errors(401)},
        }
    },
    "/api/obligations/{obligation_id}": {
        "get": {
            "summary": "一项报表任务",
            "parameters": [_id("obligation_id")],
            "responses": {"200": _json(OBJECT), **_errors(401, 403, 404)},
        },
    },
    "/api/obligations/{obligation_id}/draft": {
        "post": {
            "summary": "开始填报（草稿）",
            "parameters": [_id("obligation_id")],
            "responses": {"201": _json(OBJECT, "已创建"), **_errors(400, 401, 403, 404, 409, 422)},
        },
    },
    "/api/submissions/{submission_id}": {
        "get": {
            "summary": "一份报表",
            "parameters": [_id("submission_id")],
            "responses": {"200": _json(OBJECT), **_errors(401, 403, 404)},
        },
        "put": {
            "summary": "保存草稿",
            "parameters": [_id("submission_id")],
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "required": ["values"],
                            "properties": {
                                "values": OBJECT,
                                "version": {"type": "integer"},
                                "leader_name": {"type": "string"},
                                "filler_name": {"type": "string"},
                                "contact": {"type": "string"},
                            },
                        }
                    }
                },
            },
            "responses": {"200": _json(OBJECT), **_errors(400, 401, 403, 404, 409, 422)},
        },
    },
    **{
        f"/api/submissions/{{submission_id}}/{step}": {
            "post": {
                "summary": label,
                "description": (
                    "带 values 时先按“保存草稿”的全部检查保存这些数字，再报送；任何一处不通过"
                    "都整体拒绝（422，details 逐格列出），什么也不改。不带请求体则报送已保存的"
                    "数字。全表为空时拒绝，除非 zero_report 为 true（零报告）。"
                ),
                "parameters": [_id("submission_id")],
                "requestBody": {
                    "required": False,
                    "content": {"application/json": {"schema": _SEND_BODY}},
                },
                "responses": {"200": _json(OBJECT), **_errors(400, 401, 403, 404, 409, 422)},
            },
        }
        for step, label in (("submit", "报送"), ("resubmit", "重新报送"))
    },
    "/api/submissions/{submission_id}/withdraw": {
        "post": {
            "summary": "撤回报送",
            "description": "上级审核人员打开之前，本单位填报人员可以撤回已报送的报表。",
            "parameters": [_id("submission_id")],
            "requestBody": {
                "required": False,
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "properties": {"version": {"type": "integer"}},
                            "additionalProperties": False,
                        }
                    }
                },
            },
            "responses": {"200": _json(OBJECT), **_errors(400, 401, 403, 404, 409, 422)},
        },
    },
    **{
        f"/api/submissions/{{submission_id}}/{step}": {
            "post": {
                "summary": label,
                "description": "上级单位的承办人、领导审核下级报送的报表；version 用于乐观锁。",
                "parameters": [_id("submission_id")],
                "requestBody": {
                    "required": bool(required),
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": required,
                                "properties": {
                                    "reason": {"type": "string", "description": reason},
                                    "version": {"type": "integer"},
                                },
                                "additionalProperties": False,
                            }
                        }
                    },
                },
                "responses": {"200": _json(OBJECT), **_errors(400, 401, 403, 404, 409, 422)},
            },
        }
        for step, label, reason, required in (
            ("accept", "审核接收（报表随即锁定）", "审核意见（选填）", []),
            ("return", "退回修改", "退回理由", ["reason"]),
        )
    },
}

SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {
        "title": "清风 Qingfeng API",
        "version": "1.0.0",
        "description": "问题线索接口。使用 Authorization: Bearer <令牌> 认证。",
    },
    "components": {
        "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        "schemas": {"Error": ERROR, "Clue": CLUE, **HANDLING_SCHEMAS},
    },
    "security": [{"bearer": []}],
    "paths": {
        "/api/clues": {
            "get": {
                "summary": "管辖范围内的线索（按编号倒序，键集分页）",
                "parameters": [
                    {
                        "name": "state",
                        "in": "query",
                        "schema": {
                            "type": "string",
                            "enum": [s.value for s in CLUE_LIFECYCLE.states],
                        },
                    },
                    {"name": "cursor", "in": "query", "schema": {"type": "integer"}},
                    {
                        "name": "limit",
                        "in": "query",
                        "schema": {"type": "integer", "minimum": 1, "maximum": 200},
                    },
                ],
                "responses": {
                    "200": _json(
                        {
                            "type": "object",
                            "required": ["items", "next_cursor"],
                            "properties": {
                                "items": {
                                    "type": "array",
                                    "items": {"$ref": "#/components/schemas/Clue"},
                                },
                                "next_cursor": {"type": ["integer", "null"]},
                            },
                        }
                    ),
                    **_errors(401, 422),
                },
            }
        },
        "/api/clues/{clue_id}": {
            "get": {
                "summary": "一条线索，含期限和当前可执行的操作",
                "parameters": [CLUE_ID],
                "responses": {
                    "200": _json({"$ref": "#/components/schemas/Clue"}),
                    **_errors(401, 404),
                },
            }
        },
        "/api/clues/{clue_id}/timeline": {
            "get": {
                "summary": "办理记录",
                "parameters": [CLUE_ID],
                "responses": {
                    "200": _json({"type": "array", "items": {"type": "object"}}),
                    **_errors(401, 404),
                },
            }
        },
        "/api/clues/{clue_id}/transitions": {
            "post": {
                "summary": "执行一步办理操作",
                "parameters": [CLUE_ID],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["trigger"],
                                "properties": {
                                    "trigger": {
                                        "type": "string",
                                        "enum": sorted(CLUE_LIFECYCLE.by_trigger),
                                    },
                                    "version": {"type": "integer"},
                                    "data": TRANSITION_DATA,
                                },
                            }
                        }
                    },
                },
                "responses": {
                    "200": _json({"$ref": "#/components/schemas/Clue"}),
                    **_errors(400, 401, 403, 404, 409, 422),
                },
            }
        },
    },
}

SPEC["paths"].update(TIPS_PATHS)
SPEC["paths"].update(REPORTING_PATHS)
SPEC["paths"].update(HANDLING_PATHS)
SPEC["paths"].update(SEARCH_PATHS)
