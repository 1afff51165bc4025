"""The app factory: ``create_app(settings)`` built from small ``register_*`` steps."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

from flask import Flask, request
from sqlalchemy.orm import sessionmaker
from werkzeug.routing import IntegerConverter

from app_boot import bootstrap
from cases.intake_coverage import check_intake_coverage
from config.database import MAX_ID
from config.settings import Settings, SettingsError
from config.textlimits import unstorable
from web import auth, db, errors, filters
from web.extensions import csrf


class BoundedInt(IntegerConverter):
    """``<int:…>`` that no database integer column can overflow: larger ids are a 404."""

    def __init__(self, map, *args, **kwargs) -> None:  # noqa: A002 - werkzeug's signature
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def create_app(
    settings: Settings | None = None,
    *,
    session_factory: sessionmaker | None = None,
    check_intake: bool = True,
) -> Flask:
    """The web app. It refuses to start (``IntakeUncovered``) while a body that receives
    tips has nobody who may register them; maintenance CLI commands pass
    ``check_intake=False`` so the gap can be fixed."""
    settings = settings or Settings.from_env()
    require_reporter_key(settings)
    bootstrap(settings)
    app = Flask(__name__, instance_path=str(settings.instance_path))
    app.config.update(
        QINGFENG=settings,
        SECRET_KEY=settings.secret_key,
        MAX_CONTENT_LENGTH=settings.max_upload_bytes + 1024 * 1024,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.is_production,
        REMEMBER_COOKIE_SECURE=settings.is_production,
        REMEMBER_COOKIE_HTTPONLY=True,
        PERMANENT_SESSION_LIFETIME=timedelta(hours=settings.session_hours),
        WTF_CSRF_TIME_LIMIT=None,
        JSON_AS_ASCII=False,
    )
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.url_map.converters["int"] = BoundedInt
    db.init_app(app, session_factory)
    if check_intake:
        with app.extensions["qingfeng_sessions"]() as session:
            check_intake_coverage(session, settings)
    csrf.init_app(app)
    auth.init_app(app)
    errors.init_app(app)
    filters.init_app(app)
    register_blueprints(app)
    register_input_guard(app)
    register_security_headers(app)
    return app


def require_reporter_key(settings: Settings) -> None:
    """Production: refuse to start without a readable reporter key (or file key), telling
    the operator why.

    Without it every portal tip would be refused; the public must never be the first to
    find out (nor see the key's path). Development creates the key on first use.
    """
    if not settings.is_production:
        return
    from tips.protection import ReporterKeyError, keyring_for

    try:
        keyring_for(settings)
    except ReporterKeyError as err:
        raise SettingsError(
            f"{err.message} 没有举报人信息密钥，网站无法接收举报，因此拒绝启动。"
            "新安装请运行 qingfeng init 生成密钥；已有数据请恢复原密钥文件"
            "（QINGFENG_REPORTER_KEY_FILE）。"
        ) from err
    from config.filekeys import FileKeyError
    from config.filestore import file_keys_for

    try:  # the same for the key that seals every uploaded file
        file_keys_for(settings)
    except FileKeyError as err:
        raise SettingsError(
            f"{err} 没有附件加密密钥，网站无法保存或读取证据材料，因此拒绝启动。"
            "新安装请运行 qingfeng init 生成密钥；已有数据请恢复原密钥文件"
            "（QINGFENG_FILE_KEY_FILE）。"
        ) from err


def register_blueprints(app: Flask) -> None:
    from web.views import (
        admin,
        api,
        api_handling,
        calendar,
        campaigns,
        checklist_print,
        clues,
        documents_admin,
        exports,
        handling,
        home,
        inbox,
        intake,
        intake_check,
        ledger,
        letter_templates,
        letters,
        mailbox,
        major,
        portal,
        rectification,
        registers,
        report_rules,
        reporting,
        reporting_api,
        scheduler,
        search,
        security,
        stats,
        storage,
        supervision,
        supervision_notices,
        tips,
        tips_api,
    )

    blueprints = (
        auth.bp, home.bp, admin.bp, calendar.bp, clues.bp, inbox.bp, scheduler.bp,
        storage.bp, api.bp, api_handling.bp, handling.bp, ledger.bp, exports.bp,
        reporting.bp, reporting_api.bp, security.bp, intake.bp, tips.bp, mailbox.bp,
        portal.bp, tips_api.bp, stats.bp, search.bp, search.api_bp, intake_check.bp,
        intake_check.api_bp, campaigns.bp, registers.bp, checklist_print.bp,
        rectification.bp, supervision.bp, documents_admin.bp, letters.bp,
        letter_templates.bp, major.bp, supervision_notices.bp,
    )  # fmt: skip
    for blueprint in blueprints:
        app.register_blueprint(blueprint)
    # Token requests carry no cookie: these check cookie writes themselves (as api.py does).
    for blueprint in (api.bp, api_handling.bp, reporting_api.bp, intake_check.api_bp, tips_api.bp):
        csrf.exempt(blueprint)
    report_rules.register(app, csrf)  # page and API (the API checked as for api.bp)


def register_input_guard(app: Flask) -> None:
    """Refuse NUL characters and lone surrogates in any input: no text column can hold
    them (PostgreSQL rejects NUL outright, neither database can encode a lone surrogate),
    so they can only be a mistake or an attack. Every value of every field is looked at,
    repeated fields and upload names included, and every string of a JSON body."""

    @app.before_request
    def _no_unstorable():
        texts = [*_all_values(request.args), *_all_values(request.form)]
        texts += [f.filename or "" for f in request.files.getlist("attachments")]
        body = request.get_data(cache=True) if request.is_json else b""
        bad = b"\x00" in body or b"\\u0000" in body or any(unstorable(t) for t in texts)
        if not bad and body:
            bad = any(unstorable(t) for t in _json_strings(request.get_json(silent=True)))
        if bad:
            from web.errors import error_response

            return error_response(
                400,
                "bad_input",
                "输入中含有无法保存的字符（空字符或残缺的 Unicode 字符），请检查后重试。",
            )
        return None


def _all_values(multi) -> list[str]:
    return [v for _key, values in multi.lists() for v in (_key, *values) if isinstance(v, str)]


def _json_strings(value) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from _json_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _json_strings(item)


def register_security_headers(app: Flask) -> None:
    @app.after_request
    def _headers(response):
        # No inline script anywhere: every script is a local file.
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            "frame-ancestors 'none'; form-action 'self'; base-uri 'self'",
        )
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if app.config["SESSION_COOKIE_SECURE"]:
            response.headers.setdefault(
                "Strict-Transport-Security", "max-age=31536000; includeSubDomains"
            )
        return response
