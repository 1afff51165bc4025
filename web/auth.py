"""Sign-in and sign-out. Deny by default: every endpoint needs a user unless listed open."""

from __future__ import annotations

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

from directory.models import User
from directory.service import LoginRefused, authenticate
from web.db import db_session

bp = Blueprint("auth", __name__)
login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "请先登录。"
login_manager.login_message_category = "info"

# Endpoints reachable without signing in. Blueprints for the public portal add theirs.
OPEN_ENDPOINTS = {"auth.login", "static"}
OPEN_PREFIXES: set[str] = {"portal"}


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    app.before_request(_require_login)


@login_manager.user_loader
def _load_user(user_id: str) -> User | None:
    try:
        user = db_session().get(User, int(user_id))
    except ValueError:
        return None
    return user if user is not None and user.active else None


def _require_login():
    endpoint = request.endpoint or ""
    if endpoint in OPEN_ENDPOINTS or endpoint.split(".")[0] in OPEN_PREFIXES:
        return None
    if not current_user.is_authenticated:
        if request.path.startswith("/api/"):
            return {"error": {"code": "unauthenticated", "message": "需要登录。"}}, 401
        return login_manager.unauthorized()
    return None


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
        settings = current_app.config["QINGFENG"]
        sess = db_session()
        try:
            user = authenticate(
                sess,
                form.username.data or "",
                form.password.data or "",
                max_failures=settings.login_max_failures,
                lock_minutes=settings.login_lock_minutes,
            )
        except LoginRefused as refused:
            sess.commit()  # keep the failure count
            flash(refused.message, "error")
            return render_template("auth/login.html", form=form), 401
        sess.commit()
        session.clear()
        session.permanent = True
        login_user(user)
        return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout():
    logout_user()
    session.clear()
    flash("您已安全退出。", "info")
    return redirect(url_for("auth.login"))
