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
from web.unit_of_work import back_to, commit_now, unit_of_work

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


def _enrol_refused(err: DomainError):
    """A wrong code: the enrolment page again, the message under the field."""
    form = CodeForm()
    form.code.errors = [err.message]
    return _enrol_page(form, pending_secret(db_session(), current_user, totp_keys()))


@bp.route("/totp/enrol", methods=["GET", "POST"])
@unit_of_work(_enrol_refused, flash_error=False)
def enrol():
    sess = db_session()
    if totp_enabled(sess, current_user):
        flash("已启用两步验证。", "info")
        return redirect(url_for("security.index"))
    secret = pending_secret(sess, current_user, totp_keys())
    if secret is None:
        secret = begin_enrolment(sess, current_user, totp_keys())
        commit_now()  # the secret the QR code shows must outlive a wrong first code
    form = CodeForm()
    if form.validate_on_submit():
        codes = confirm_enrolment(sess, current_user, totp_keys(), form.code.data or "")
        flash("两步验证已启用。", "success")
        return _no_store(Response(render_template("security/recovery.html", codes=codes)))
    return _enrol_page(form, secret)


def _enrol_page(form, secret):
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
@unit_of_work(back_to("security.index"))
def disable():
    form = CodeForm()
    if form.validate_on_submit():
        disable_totp(db_session(), current_user, totp_keys(), form.code.data or "")
        flash("两步验证已停用。", "success")
    return redirect(url_for("security.index"))


@bp.route("/totp/recovery-codes", methods=["POST"])
@unit_of_work(back_to("security.index"))
def recovery_codes():
    """New recovery codes need a current code, so a borrowed session cannot take them."""
    sess = db_session()
    form = CodeForm()
    if form.validate_on_submit():
        if verify_second_factor(sess, current_user, totp_keys(), form.code.data or ""):
            codes = regenerate_recovery_codes(sess, current_user, totp_keys())
            return _no_store(Response(render_template("security/recovery.html", codes=codes)))
        flash("验证码不正确。", "error")
    return redirect(url_for("security.index"))
