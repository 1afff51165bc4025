"""Sign-in and sign-out. Deny by default: every endpoint needs a user unless listed open."""

from __future__ import annotations

import time
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import LoginManager, current_user, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired

from config.database import utcnow
from directory.models import User
from directory.service import LoginRefused
from directory.throttle import ThrottlePolicy, client_wait, record_failure, sign_in, wait_message
from directory.totp import TotpKeys, totp_enabled, totp_required, verify_second_factor
from web.db import db_session

bp = Blueprint("auth", __name__)
login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "请先登录。"
login_manager.login_message_category = "info"

# Endpoints reachable without signing in. Blueprints for the public portal add theirs.
OPEN_ENDPOINTS = {"auth.login", "auth.login_code", "static", "api.openapi"}
OPEN_PREFIXES: set[str] = {"portal"}
# What an administrator without a second factor may reach: enrolment and signing out.
ENROLMENT_ENDPOINTS = {"security.index", "security.enrol", "security.qr", "auth.logout", "static"}
# The half-signed-in state (password checked, code not yet) lasts this long.
PENDING_SECONDS = 300
PENDING_MAX_CODES = 5


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    app.before_request(_require_login)


@login_manager.request_loader
def _load_user_from_token(req) -> User | None:
    header = req.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        return None
    from directory.tokens import user_for_token

    sess = db_session()
    found = user_for_token(sess, header.removeprefix("Bearer ").strip())
    if found is not None:
        sess.commit()  # last_used_at
    return found


@login_manager.user_loader
def _load_user(user_id: str) -> User | None:
    try:
        user = db_session().get(User, int(user_id))
    except ValueError:
        return None
    return user if user is not None and user.active else None


def totp_keys() -> TotpKeys:
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    keys = app.extensions.get("qingfeng_totp_keys")
    if keys is None:
        keys = TotpKeys.from_secret(app.config["QINGFENG"].secret_key)
        app.extensions["qingfeng_totp_keys"] = keys
    return keys


def throttle_policy() -> ThrottlePolicy:
    settings = current_app.config["QINGFENG"]
    return ThrottlePolicy(
        max_failures=settings.login_max_failures,
        lock_minutes=settings.login_lock_minutes,
        ip_max_failures=settings.login_ip_max_failures,
        ip_window_minutes=settings.login_ip_window_minutes,
    )


def _client_ip() -> str:
    # Behind a reverse proxy, wrap the app in werkzeug's ProxyFix so this is the real client.
    return request.remote_addr or "unknown"


def _session_expired() -> str | None:
    """Why the signed-in session ends now: idle too long, or older than the absolute limit."""
    settings = current_app.config["QINGFENG"]
    now = time.time()
    seen, started = session.get("seen_at"), session.get("signed_in_at")
    if started is None or now - started > settings.session_hours * 3600:
        return "登录已超过有效期，请重新登录。"
    if seen is None or now - seen > settings.idle_minutes * 60:
        return f"您已超过 {settings.idle_minutes} 分钟未操作，为安全起见已自动退出，请重新登录。"
    session["seen_at"] = now
    return None


def _require_login():
    endpoint = request.endpoint or ""
    if endpoint in OPEN_ENDPOINTS or endpoint.split(".")[0] in OPEN_PREFIXES:
        return None
    # Session expiry applies to cookie sessions; an API token is checked on every request.
    token_request = "_user_id" not in session and request.headers.get(
        "Authorization", ""
    ).startswith("Bearer ")
    if current_user.is_authenticated and not token_request:
        expired = _session_expired()
        if expired is not None:
            logout_user()
            session.clear()
            flash(expired, "info")
    if not current_user.is_authenticated:
        if request.path.startswith("/api/"):
            return {"error": {"code": "unauthenticated", "message": "需要登录。"}}, 401
        return login_manager.unauthorized()
    if (
        endpoint not in ENROLMENT_ENDPOINTS
        and current_app.config["QINGFENG"].admin_totp_required
        and totp_required(current_user)
        and not totp_enabled(db_session(), current_user)
    ):
        if request.path.startswith("/api/"):
            message = "管理员须先设置两步验证。"
            return {"error": {"code": "totp_required", "message": message}}, 403
        flash("管理员账户必须启用两步验证：请先用手机验证器完成设置。", "info")
        return redirect(url_for("security.enrol"))
    return None


def _finish_sign_in(user: User) -> None:
    session.clear()
    session.permanent = True
    login_user(user)
    now = time.time()
    session["signed_in_at"] = now
    session["seen_at"] = now


class LoginForm(FlaskForm):
    username = StringField("用户名", validators=[DataRequired("请输入用户名。")])
    password = PasswordField("密码", validators=[DataRequired("请输入密码。")])


def _safe_next(target: str | None) -> str:
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/"):
            return target
    return url_for("home.index")


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    if form.validate_on_submit():
        sess = db_session()
        try:
            user = sign_in(
                sess,
                form.username.data or "",
                form.password.data or "",
                client_ip=_client_ip(),
                policy=throttle_policy(),
            )
        except LoginRefused as refused:
            sess.commit()  # keep the failure count
            flash(refused.message, "error")
            return render_template("auth/login.html", form=form), 401
        sess.commit()
        next_url = _safe_next(request.args.get("next"))
        if totp_enabled(sess, user):
            session.clear()
            session["pending_user_id"] = user.id
            session["pending_at"] = time.time()
            session["pending_next"] = next_url
            session["pending_failures"] = 0
            return redirect(url_for("auth.login_code"))
        _finish_sign_in(user)
        return redirect(next_url)
    return render_template("auth/login.html", form=form)


class CodeForm(FlaskForm):
    code = StringField("验证码", validators=[DataRequired("请输入验证码。")])


def _pending_user() -> User | None:
    user_id, started = session.get("pending_user_id"), session.get("pending_at")
    if user_id is None or started is None or time.time() - started > PENDING_SECONDS:
        return None
    user = db_session().get(User, user_id)
    return user if user is not None and user.active else None


@bp.route("/login/code", methods=["GET", "POST"])
def login_code():
    """Second step of signing in: a code from the authenticator app, or a recovery code."""
    user = _pending_user()
    if user is None:
        session.clear()
        flash("请重新输入用户名和密码。", "info")
        return redirect(url_for("auth.login"))
    form = CodeForm()
    if form.validate_on_submit():
        sess = db_session()
        wait = client_wait(sess, _client_ip(), throttle_policy(), utcnow())
        if wait is not None:
            flash(wait_message(wait), "error")
            return render_template("auth/code.html", form=form), 429
        if verify_second_factor(sess, user, totp_keys(), form.code.data or ""):
            sess.commit()
            next_url = session.get("pending_next") or url_for("home.index")
            _finish_sign_in(user)
            return redirect(_safe_next(next_url))
        record_failure(sess, _client_ip(), user.username, utcnow())
        sess.commit()
        session["pending_failures"] = session.get("pending_failures", 0) + 1
        if session["pending_failures"] >= PENDING_MAX_CODES:
            session.clear()
            flash("验证码错误次数过多，请重新登录。", "error")
            return redirect(url_for("auth.login"))
        flash("验证码不正确或已使用过，请输入验证器中的新验证码。", "error")
        return render_template("auth/code.html", form=form), 401
    return render_template("auth/code.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout():
    logout_user()
    session.clear()
    flash("您已安全退出。", "info")
    return redirect(url_for("auth.login"))
