"""Handling records on the clue page (当事人, 处理处置, 移送, 反馈, attachments), the printable
clue card, and attachment downloads. Services check permission, state and jurisdiction."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from cases.attachments import Upload, add_attachments, attachment_content
from cases.queries.card import clue_card
from cases.record_actions import RECORD_ACTIONS
from cases.service import get_clue
from config.errors import DomainError
from documents.dossier import dossier_pdf
from web.db import db_session
from web.files import file_store, send_bytes
from web.unit_of_work import back_to, unit_of_work
from web.views.clue_page import render_clue

bp = Blueprint("handling", __name__, url_prefix="/clues")


def _record_failed(err: DomainError, clue_id: int, action: str):
    """Show the page again with the form open and what was typed still in it."""
    typed = request.form.to_dict()
    typed.pop("csrf_token", None)
    sess = db_session()
    clue = get_clue(sess, current_user, clue_id)
    return render_clue(sess, clue, status=err.status, rfailed=action, rvalues=typed)


@bp.route("/<int:clue_id>/records/<action>", methods=["POST"])
@unit_of_work(_record_failed, passthrough=(404,))
def record(clue_id: int, action: str):
    if action not in RECORD_ACTIONS:
        return {"error": "unknown"}, 404
    sess = db_session()
    clue = get_clue(sess, current_user, clue_id)
    record_action = RECORD_ACTIONS[action]
    record_action(sess, current_user, clue, request.form.to_dict())
    flash(record_action.message, "success")
    return redirect(url_for("clues.show", clue_id=clue_id))


@bp.route("/<int:clue_id>/attachments", methods=["POST"])
@unit_of_work(back_to("clues.show", "clue_id", code=303), passthrough=(404,))
def upload(clue_id: int):
    sess = db_session()
    clue = get_clue(sess, current_user, clue_id)
    settings = current_app.config["QINGFENG"]
    files = [Upload(f.filename or "", f.read()) for f in request.files.getlist("files") if f]
    result = add_attachments(
        sess, current_user, clue, files, file_store(), settings.max_upload_bytes
    )
    for problem in result.rejected:
        flash(problem, "error")
    if result.saved:
        flash(f"已上传 {len(result.saved)} 个附件。", "success")
    return redirect(url_for("clues.show", clue_id=clue_id))


@bp.route("/<int:clue_id>/attachments/<int:attachment_id>")
def download(clue_id: int, attachment_id: int):
    sess = db_session()
    clue = get_clue(sess, current_user, clue_id)
    row, data = attachment_content(sess, clue, attachment_id, file_store())
    return send_bytes(data, row.content_type, row.filename)


@bp.route("/<int:clue_id>/card")
def card(clue_id: int):
    """The printable clue card (线索处置卡)."""
    sess = db_session()
    clue = get_clue(sess, current_user, clue_id)
    return render_template("clues/card.html", clue=clue, card=clue_card(sess, current_user, clue))


@bp.route("/<int:clue_id>/dossier.pdf")
@unit_of_work()
def dossier(clue_id: int):
    """The clue's 案卷 as one PDF (its export is audited, hence the unit of work)."""
    sess = db_session()
    clue = get_clue(sess, current_user, clue_id)
    name, data = dossier_pdf(sess, current_user, clue, file_store())
    return send_bytes(data, "application/pdf", name)
