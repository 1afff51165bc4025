"""重大线索: the list of clues flagged 重大 and a read-only page of one, for the body's
驻委纪检组 (and for the body's staff, who see the same list for their jurisdiction)."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask.typing import ResponseReturnValue
from flask_login import current_user

from cases.major import channel_label, get_major_clue, major_clues, major_steps
from web.db import db_session

bp = Blueprint("major", __name__, url_prefix="/major")


@bp.route("/")
def index() -> ResponseReturnValue:
    clues = major_clues(db_session(), current_user)
    return render_template("major/index.html", clues=clues, channel_label=channel_label)


@bp.route("/<int:clue_id>")
def show(clue_id: int) -> ResponseReturnValue:
    sess = db_session()
    clue = get_major_clue(sess, current_user, clue_id)
    return render_template(
        "major/show.html",
        clue=clue,
        steps=major_steps(sess, current_user, clue),
        channel_label=channel_label,
    )
