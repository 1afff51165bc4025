"""统计图表: clue and reporting figures drawn with the vendored Chart.js, each also a table."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_login import current_user

from cases.charts import clues_by_category, clues_by_channel, clues_by_month, overdue_by_unit
from directory.permissions import Capability, can
from reporting.charts import compliance_by_period
from reporting.forms import FORMS
from web.db import db_session

bp = Blueprint("stats", __name__, url_prefix="/stats")


@bp.route("/")
def index():
    if not can(current_user, Capability.STATS):
        abort(403)
    sess = db_session()
    form_code = request.args.get("form", "zl3")
    if form_code not in FORMS:
        form_code = "zl3"
    return render_template(
        "stats/index.html",
        charts=[
            ("by-month", "line", clues_by_month(sess, current_user)),
            ("by-channel", "doughnut", clues_by_channel(sess, current_user)),
            ("by-category", "bar", clues_by_category(sess, current_user)),
            ("overdue", "bar", overdue_by_unit(sess, current_user)),
        ],
        compliance=compliance_by_period(sess, current_user, form_code),
        form=FORMS[form_code],
        forms=FORMS,
        form_code=form_code,
    )
