"""The in-app inbox, the unread count in the header, and one's own notification channels."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, RadioField, URLField
from wtforms.validators import Optional

from config.errors import DomainError
from notifications import inbox as inbox_service
from notifications.models import MODE_LABELS, Channel, DeliveryMode
from notifications.service import preferences, set_preference
from web.db import db_session
from web.forms import options
from web.unit_of_work import unit_of_work

bp = Blueprint("inbox", __name__)


@bp.app_context_processor
def _unread():
    if not current_user.is_authenticated:
        return {}
    return {"inbox_unread": inbox_service.unread_count(db_session(), current_user)}


class EmptyForm(FlaskForm):
    """CSRF only: for the mark-read buttons."""


@bp.route("/inbox")
def index():
    rows = inbox_service.messages(db_session(), current_user)
    return render_template("inbox/index.html", messages=rows, form=EmptyForm())


@bp.route("/inbox/<int:message_id>/read", methods=["POST"])
@unit_of_work()
def mark_read(message_id: int):
    form = EmptyForm()
    if not form.validate_on_submit():
        flash("表单已过期，请刷新后重试。", "error")
        return redirect(url_for("inbox.index"))
    sess = db_session()
    inbox_service.mark_read(sess, current_user, message_id)
    return redirect(url_for("inbox.index"))


@bp.route("/inbox/<int:message_id>/open", methods=["POST"])
@unit_of_work()
def open_message(message_id: int):
    """Mark read and follow the message's link (always a path on this site)."""
    form = EmptyForm()
    sess = db_session()
    if not form.validate_on_submit():
        flash("表单已过期，请刷新后重试。", "error")
        return redirect(url_for("inbox.index"))
    message = inbox_service.mark_read(sess, current_user, message_id)
    # Only a path on this site: "//host" and "/\\host" would leave it (an open redirect).
    local = message.link.startswith("/") and not message.link.startswith(("//", "/\\"))
    link = message.link if local else ""
    return redirect(link or url_for("inbox.index"))


@bp.route("/inbox/read-all", methods=["POST"])
@unit_of_work()
def mark_all_read():
    if EmptyForm().validate_on_submit():
        sess = db_session()
        count = inbox_service.mark_all_read(sess, current_user)
        flash(f"已将 {count} 条消息标记为已读。", "success")
    return redirect(url_for("inbox.index"))


MODE_CHOICES = options((m.value, MODE_LABELS[m]) for m in DeliveryMode)


class ChannelsForm(FlaskForm):
    email_enabled = BooleanField("接收电子邮件提醒")
    email_address = EmailField("提醒邮箱（留空则使用账号邮箱）", validators=[Optional()])
    email_mode = RadioField(
        "电子邮件的期限提醒", choices=MODE_CHOICES, default="digest", validate_choice=False
    )
    webhook_enabled = BooleanField("推送到群机器人（Webhook）")
    webhook_url = URLField("Webhook 地址", validators=[Optional()])
    webhook_mode = RadioField(
        "群机器人的期限提醒", choices=MODE_CHOICES, default="digest", validate_choice=False
    )


def _channels_refused(err: DomainError):
    """The form again with what was typed (the refusal is flashed)."""
    return render_template("inbox/channels.html", form=ChannelsForm()), err.status


@bp.route("/me/notifications", methods=["GET", "POST"])
@unit_of_work(_channels_refused)
def channels():
    sess = db_session()
    prefs = preferences(sess, current_user)
    form = ChannelsForm()
    if not form.is_submitted():
        email, hook = prefs.get(Channel.EMAIL), prefs.get(Channel.WEBHOOK)
        form.email_enabled.data = email.enabled if email else bool(current_user.email)
        form.email_address.data = email.address if email else ""
        form.email_mode.data = email.mode if email else DeliveryMode.DIGEST.value
        form.webhook_enabled.data = hook.enabled if hook else False
        form.webhook_url.data = hook.address if hook else ""
        form.webhook_mode.data = hook.mode if hook else DeliveryMode.DIGEST.value
    if form.validate_on_submit():
        set_preference(
            sess,
            current_user,
            current_user,
            Channel.EMAIL,
            enabled=bool(form.email_enabled.data),
            address=form.email_address.data or "",
            mode=form.email_mode.data,
        )
        set_preference(
            sess,
            current_user,
            current_user,
            Channel.WEBHOOK,
            enabled=bool(form.webhook_enabled.data),
            address=form.webhook_url.data or "",
            mode=form.webhook_mode.data,
        )
        flash("通知设置已保存。", "success")
        return redirect(url_for("inbox.channels"))
    status = 422 if form.errors else 200
    return render_template("inbox/channels.html", form=form), status
