"""Administrators: where the evidence is kept, and what the retention rule removes next."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template
from flask_login import current_user

from cases.retention import report_for_admin, stored_totals
from config.database import utcnow
from reporting.models import size_label
from web.db import db_session

bp = Blueprint("storage", __name__, url_prefix="/admin/storage")


@bp.route("")
def index():
    settings = current_app.config["QINGFENG"]
    sess = db_session()
    days = settings.evidence_retention_days
    due = report_for_admin(sess, current_user, days, utcnow())
    count, size = stored_totals(sess)
    return render_template(
        "admin/storage.html",
        store=settings.file_store,
        days=days,
        due=due,
        count=count,
        size=size_label(size) if count else "0 KB",
        two_person=settings.reveal_two_person,
        due_files=sum(len(d.files) for d in due),
        due_size=size_label(sum(d.size for d in due)),
        size_label=size_label,
    )
