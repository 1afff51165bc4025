"""Administrators: the hotlines and addresses the portal's public notice shows."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import TextAreaField

from config.errors import DomainError
from directory.permissions import Capability, require
from tips.portal_contacts import portal_contacts, set_portal_contacts
from web.db import db_session
from web.unit_of_work import unit_of_work

bp = Blueprint("portal_settings", __name__, url_prefix="/admin/portal")


class ContactsForm(FlaskForm):
    hotlines = TextAreaField("举报电话（每行一条，例如“行风举报电话：12345（工作日 8:30—17:30）”）")
    addresses = TextAreaField("来信来访地址（每行一条）")


def _refused(err: DomainError):
    """The form again with what was typed; the refusal is flashed."""
    return render_template("admin/portal.html", form=ContactsForm(), current=None), err.status


@bp.route("", methods=["GET", "POST"])
@unit_of_work(_refused)
def edit():
    require(current_user, Capability.SYSTEM_MANAGE)
    sess = db_session()
    form = ContactsForm()
    current = portal_contacts(sess)
    if form.validate_on_submit():
        set_portal_contacts(
            sess, current_user, hotlines=form.hotlines.data, addresses=form.addresses.data
        )
        flash("举报平台公告的联系方式已保存，公众页面立即生效。", "success")
        return redirect(url_for("portal_settings.edit"))
    if not form.is_submitted():
        form.hotlines.data = "\n".join(current.hotlines)
        form.addresses.data = "\n".join(current.addresses)
    status = 422 if form.errors else 200
    return render_template("admin/portal.html", form=form, current=current), status
