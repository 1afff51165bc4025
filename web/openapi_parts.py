"""Building blocks shared by the modules that describe the JSON API (``web.openapi``,
``web.openapi_handling``): the structured error, responses and path parameters."""

from __future__ import annotations

from typing import Any

from config.database import MAX_ID as MAX_ID  # the one bound of every id

ERROR = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "details": {},
            },
        }
    },
}
OBJECT = {"type": "object"}


def error_responses(*codes: int) -> dict[str, Any]:
    codes = tuple(sorted({400, *codes}))  # 400: malformed input (e.g. NUL characters)
    return {
        str(code): {
            "description": "错误",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
        }
        for code in codes
    }


def json_response(schema: dict[str, Any], description: str = "成功") -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def json_request(schema: dict[str, Any]) -> dict[str, Any]:
    return {"required": True, "content": {"application/json": {"schema": schema}}}


def path_id(name: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "path",
        "required": True,
        "schema": {"type": "integer", "minimum": 0, "maximum": MAX_ID},
    }
