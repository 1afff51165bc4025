"""OpenAPI paths of search and of the duplicate check while typing (issue 18)."""

from __future__ import annotations

from typing import Any

from web.openapi_parts import OBJECT, json_request, json_response
from web.openapi_parts import error_responses as _errors

SEARCH_PATHS: dict[str, Any] = {
    "/api/search": {
        "get": {
            "summary": "搜索：编号（0007、2026-0007）、被反映人、医疗机构、内容（管辖范围内）",
            "parameters": [
                {"name": "q", "in": "query", "schema": {"type": "string", "maxLength": 1000}}
            ],
            "responses": {"200": json_response(OBJECT), **_errors(401)},
        }
    },
    "/api/intake/similar": {
        "post": {
            "summary": "登记前查重：本机关及上下级机关收到的相似举报（其他机关的内容不返回）",
            "requestBody": json_request(
                {
                    "type": "object",
                    "properties": {
                        "content": {"type": "string"},
                        "unit_id": {"type": "integer"},
                        "accused_names": {"type": "array", "items": {"type": "string"}},
                        "accused_unit_name": {"type": "string"},
                    },
                }
            ),
            "responses": {"200": json_response(OBJECT), **_errors(401, 403, 404, 422)},
        }
    },
}
