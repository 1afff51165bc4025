"""搜索: one box over clues, tips and institutions within the user's jurisdiction."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user

from cases.search import search
from cases.states import STATE_LABELS
from web.db import db_session

bp = Blueprint("search", __name__, url_prefix="/search")


@bp.route("")
def index():
    result = search(db_session(), current_user, request.args.get("q", ""))
    return render_template("search.html", result=result, states=STATE_LABELS)
