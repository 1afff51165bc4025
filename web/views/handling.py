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

from cases import outcomes, records
from cases.attachments import Upload, add_attachments, attachment_content, attachments
from cases.audit import history
from cases.queries.card import clue_card
from cases.record_actions import RECORD_ACTIONS
from cases.service import get_clue
from config.errors import DomainError
from web.db import db_session
from web.files import file_store, send_bytes

bp = Blueprint("handling", __name__, url_prefix="/clues")


@bp.route("/<int:clue_id>/records/<action>", methods=["POST"])
def record(clue_id: int, action: str):
    if action not in RECORD_ACTIONS:
        return {"error": "unknown"}, 404
    sess = db_session()
    clue = get_clue(sess, current_user, clue_id)
    record_action = RECORD_ACTIONS[action]
    typed = request.form.to_dict()
    try:
        record_action(sess, current_user, clue, typed)
    except DomainError as err:
        sess.rollback()
        flash(err.message, "error")
        # Show the page again with the form open and what was typed still in it.
        typed.pop("csrf_token", None)
        from web.views.clues import render_clue  # clues imports this module's context

        clue = get_clue(sess, current_user, clue_id)
        return render_clue(sess, clue, status=err.status, rfailed=action, rvalues=typed)
    sess.commit()
    flash(record_action.message, "success")
    return redirect(url_for("clues.show", clue_id=clue_id))


@bp.route("/<int:clue_id>/attachments", methods=["POST"])
def upload(clue_id: int):
    sess = db_session()
    clue = get_clue(sess, current_user, clue_id)
    settings = current_app.config["QINGFENG"]
    files = [Upload(f.filename or "", f.read()) for f in request.files.getlist("files") if f]
    try:
        result = add_attachments(
            sess, current_user, clue, files, file_store(), settings.max_upload_bytes
        )
    except DomainError as err:
        sess.rollback()
        flash(err.message, "error")
        return redirect(url_for("clues.show", clue_id=clue_id)), 303
    sess.commit()
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


def _pending_dues(sess, clue) -> dict[tuple[str, int], str]:
    """ "待定（YYYY 年工作日历未确认）" by (kind, id) for the clue's referrals and inquiries."""
    from sqlalchemy import select

    from workflow.pending import PendingDeadline

    rows = sess.scalars(select(PendingDeadline).where(PendingDeadline.clue_id == clue.id))
    return {(r.kind, r.subject_id): r.due_label for r in rows}


def handling_context(sess, clue) -> dict:
    """What the clue page's handling sections show, and which of them take changes now."""
    from sqlalchemy import select

    from cases import reference
    from cases.audit import open_sections
    from cases.closeout import missing_items
    from cases.states import ClueState
    from directory.models import OrgUnit, UnitKind

    sections = open_sections(sess, current_user, clue)
    lower = []
    if sections & {"subjects", "hand_down"}:
        lower = sess.scalars(
            select(OrgUnit)
            .where(
                OrgUnit.path.startswith(clue.unit.path, autoescape=True),
                OrgUnit.id != clue.unit_id,
                OrgUnit.kind != UnitKind.OFFICE,
            )
            .order_by(OrgUnit.path)
            .limit(500)
        ).all()
    closing = clue.state in (ClueState.FEEDBACK, ClueState.PENDING_WRITE_OFF)
    subjects = records.subjects(sess, clue)
    return {
        "sections": sections,
        "record_actions": RECORD_ACTIONS,
        "ref": reference,
        "subjects": subjects,
        "subject_choices": [(s.id, s.label) for s in subjects],
        "unit_choices": [(u.id, u.name) for u in lower],
        "talks": records.talks(sess, clue),
        "inquiries": records.inquiries(sess, clue),
        "pending_due": _pending_dues(sess, clue),
        "children": records.children(sess, clue),
        "sanctions": outcomes.sanctions(sess, clue),
        "referrals": outcomes.referrals(sess, clue),
        "feedback": outcomes.feedback_records(sess, clue),
        "attachments": attachments(sess, clue),
        "missing": missing_items(sess, clue) if closing else [],
        "history": history(sess, current_user, clue),
    }
