"""Maps domain errors and HTTP errors to a page (zh-CN) or a structured JSON error for the API."""

from __future__ import annotations

from flask import Flask, current_app, g, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from config.errors import CalendarUnknown, DomainError

HTTP_MESSAGES = {
    400: "请求有误。",
    401: "需要登录。",
    403: "您无权访问该页面。",
    404: "页面不存在，或不在您的管辖范围内。",
    405: "不支持该请求方式。",
    409: "数据已被他人修改，请刷新后重试。",
    413: "上传的文件太大。",
    422: "提交的数据有误。",
    429: "操作过于频繁，请稍后再试。",
    500: "服务器内部错误，请稍后再试或联系管理员。",
    503: "服务暂时不可用，请稍后再试。",
}


def public_message(err: DomainError) -> str:
    """What a page may say about a domain error. A 5xx one is the server's own trouble
    (a missing key file, a mail server down): its message may name server paths and
    hosts, so it goes to the log for the operator and the page says only that it failed."""
    if err.status < 500:
        return err.message
    current_app.logger.error("%s (%s): %s", err.code, request.path, err.message)
    return HTTP_MESSAGES.get(err.status, HTTP_MESSAGES[500])


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def error_response(status: int, code: str, message: str, details: object = None):
    if _wants_json():
        body: dict = {"error": {"code": code, "message": message}}
        if details is not None:
            body["error"]["details"] = details
        return body, status
    return render_template("errors/error.html", status=status, message=message), status


def remember_unknown_year(err: DomainError, context: str) -> None:
    """Keep a calendar alert for a year someone needed, in its own transaction
    (the work that raised ``CalendarUnknown`` is rolled back)."""
    if not isinstance(err, CalendarUnknown) or not isinstance(err.details, dict):
        return
    from workflow.calendar_service import record_unknown_year

    session = current_app.extensions["qingfeng_sessions"]()
    try:
        record_unknown_year(session, int(err.details["year"]), context)
        session.commit()
    finally:
        session.close()


def init_app(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def _domain(err: DomainError):
        remember_unknown_year(err, request.path)
        if err.status >= 500:
            return error_response(err.status, "internal", public_message(err))
        return error_response(err.status, err.code, err.message, err.details)

    @app.errorhandler(CSRFError)
    def _csrf(err: CSRFError):
        return error_response(400, "csrf", "表单已过期或来源无效，请刷新页面后重新提交。")

    @app.errorhandler(HTTPException)
    def _http(err: HTTPException):
        status = err.code or 500
        message = HTTP_MESSAGES.get(status, err.description or "请求失败。")
        return error_response(status, f"http_{status}", message)

    @app.errorhandler(Exception)
    def _unexpected(err: Exception):
        app.logger.exception("unhandled error")
        # A failed flush leaves the request's session unusable; the error page (its
        # signed-in header) must still render.
        session = g.get("db_session")
        if session is not None:
            session.rollback()
        return error_response(500, "internal", HTTP_MESSAGES[500])
