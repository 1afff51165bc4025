"""The signed-in user's own security page: TOTP enrolment, recovery codes, disabling."""

from __future__ import annotations

import io

import segno
from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired

from config.errors import DomainError
from directory.totp import (
    begin_enrolment,
    confirm_enrolment,
    disable_totp,
    pending_secret,
    provisioning_uri,
    regenerate_recovery_codes,
    remaining_recovery_codes,
    totp_enabled,
    totp_required,
    verify_second_factor,
)
from web.auth import totp_keys
from web.db import db_session

bp = Blueprint("security", __name__, url_prefix="/me")


class CodeForm(FlaskForm):
    code = StringField("验证码", validators=[DataRequired("请输入验证码。")])


def _no_store(response: Response) -> Response:
    # Secrets and recovery codes must not stay in a browser or proxy cache.
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/security")
def index():
    sess = db_session()
    return _no_store(
        Response(
            render_template(
                "security/index.html",
                enabled=totp_enabled(sess, current_user),
                required=totp_required(current_user),
                remaining=remaining_recovery_codes(sess, current_user),
                form=CodeForm(),
            )
        )
    )


@bp.route("/totp/enrol", methods=["GET", "POST"])
def enrol():
    sess = db_session()
    if totp_enabled(sess, current_user):
        flash("已启用两步验证。", "info")
        return redirect(url_for("security.index"))
    secret = pending_secret(sess, current_user, totp_keys())
    if secret is None:
        secret = begin_enrolment(sess, current_user, totp_keys())
        sess.commit()
    form = CodeForm()
    if form.validate_on_submit():
        try:
            codes = confirm_enrolment(sess, current_user, totp_keys(), form.code.data or "")
        except DomainError as err:
            sess.rollback()
            form.code.errors = [err.message]
        else:
            sess.commit()
            flash("两步验证已启用。", "success")
            return _no_store(Response(render_template("security/recovery.html", codes=codes)))
    status = 422 if form.errors else 200
    page = render_template(
        "security/enrol.html",
        form=form,
        secret=secret,
        uri=provisioning_uri(current_user, secret),
    )
    return _no_store(Response(page, status=status))


@bp.route("/totp/qr.svg")
def qr():
    """The pending enrolment's otpauth URI as a QR code, drawn here (no CDN, no script)."""
    secret = pending_secret(db_session(), current_user, totp_keys())
    if secret is None:
        abort(404)
    buffer = io.BytesIO()
    segno.make(provisioning_uri(current_user, secret), error="m").save(
        buffer, kind="svg", scale=5, border=2
    )
    return _no_store(Response(buffer.getvalue(), mimetype="image/svg+xml"))


@bp.route("/totp/disable", methods=["POST"])
def disable():
    sess = db_session()
    form = CodeForm()
    if form.validate_on_submit():
        try:
            disable_totp(sess, current_user, totp_keys(), form.code.data or "")
        except DomainError as err:
            sess.rollback()
            flash(err.message, "error")
        else:
            sess.commit()
            flash("两步验证已停用。", "success")
    return redirect(url_for("security.index"))


@bp.route("/totp/recovery-codes", methods=["POST"])
def recovery_codes():
    """New recovery codes need a current code, so a borrowed session cannot take them."""
    sess = db_session()
    form = CodeForm()
    if form.validate_on_submit():
        if verify_second_factor(sess, current_user, totp_keys(), form.code.data or ""):
            try:
                codes = regenerate_recovery_codes(sess, current_user, totp_keys())
            except DomainError as err:
                sess.rollback()
                flash(err.message, "error")
                return redirect(url_for("security.index"))
            sess.commit()
            return _no_store(Response(render_template("security/recovery.html", codes=codes)))
        sess.commit()
        flash("验证码不正确。", "error")
    return redirect(url_for("security.index"))
