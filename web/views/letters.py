"""Letters at a clue's steps: 生成文书 (a draft filled from the clue, edited, previewed as
PDF), issuing it (文号, sealed DOCX and PDF), and downloading what was issued."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from cases.service import get_clue
from config.errors import DomainError
from documents.letter_context import FIELDS
from documents.letter_render import letter_pdf
from documents.letters import document_file, draft, issue
from web.db import db_session
from web.files import file_store, send_bytes
from web.unit_of_work import unit_of_work

bp = Blueprint("letters", __name__, url_prefix="/clues")


def _posted() -> dict[str, str]:
    return {name: request.form.get(name, "") for name in FIELDS}


def _page(clue, d, text: dict[str, str], status: int = 200):
    return render_template(
        "clues/letter.html",
        clue=clue,
        kind=d.kind,
        letter=d.letter,
        text=text,
        fields=FIELDS,
        template=d.template,
    ), status


def _refused(err: DomainError, clue_id: int, kind: str):
    sess = db_session()
    clue = get_clue(sess, current_user, clue_id)
    d = draft(sess, current_user, clue, kind)  # raises again if the letter itself is refused
    return _page(clue, d, _posted(), err.status)


@bp.route("/<int:clue_id>/letters/<kind>", methods=["GET", "POST"])
@unit_of_work(_refused, passthrough=(403, 404))
def compose(clue_id: int, kind: str):
    sess = db_session()
    clue = get_clue(sess, current_user, clue_id)
    if request.method == "GET":
        d = draft(sess, current_user, clue, kind)
        return _page(clue, d, d.letter.text)
    d = draft(sess, current_user, clue, kind, _posted())
    if request.form.get("action") == "preview":
        pdf = letter_pdf(d.letter.context(), d.kind)
        return send_bytes(pdf, "application/pdf", f"{d.kind.name}（预览）.pdf")
    row = issue(sess, current_user, clue, kind, _posted(), file_store())
    flash(f"已制发《{d.kind.name}》，文号 {row.number_text}。", "success")
    return redirect(url_for("clues.show", clue_id=clue.id) + "#letters-h")


@bp.route("/<int:clue_id>/documents/<int:doc_id>.<fmt>")
@unit_of_work()
def download(clue_id: int, doc_id: int, fmt: str):
    sess = db_session()
    clue = get_clue(sess, current_user, clue_id)
    name, content_type, data = document_file(sess, current_user, clue, doc_id, fmt, file_store())
    return send_bytes(data, content_type, name)
