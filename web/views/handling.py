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
from cases.service import get_clue
from config.errors import DomainError
from web.db import db_session
from web.files import file_store, send_bytes

bp = Blueprint("handling", __name__, url_prefix="/clues")


def _with_id(fn, name):
    return lambda s, a, c, form: fn(s, a, c, _row_id(form.get(name) or ""), form)


def _row_id(text: str) -> int:
    # Not a small number: no row has it (the service answers "not found"), never a 500.
    text = text.strip()
    return int(text) if text.isdigit() and len(text) < 10 else 0


ACTIONS = {
    "subject": (records.add_subject, "已登记当事人。"),
    "facts": (records.update_facts, "已保存违规事实。"),
    "plan": (
        lambda s, a, c, f: records.update_verification_plan(s, a, c, f.get("plan", "")),
        "已保存核查方案。",
    ),
    "talk": (records.add_talk, "已登记谈话记录。"),
    "inquiry": (records.add_inquiry, "已登记函询。"),
    "inquiry_reply": (_with_id(records.record_inquiry_reply, "letter_id"), "已登记函询回复。"),
    "hand_down": (records.hand_down, "已交办下级核查。"),
    "sanction": (outcomes.add_sanction, "已登记处理决定。"),
    "sanction_executed": (
        _with_id(outcomes.record_sanction_executed, "sanction_id"),
        "已登记执行日期。",
    ),
    "referral": (outcomes.add_referral, "已登记移送。"),
    "referral_receipt": (_with_id(outcomes.record_referral_receipt, "referral_id"), "已登记回执。"),
    "feedback": (outcomes.record_feedback, "已登记反馈情况。"),
    "negative_list": (outcomes.add_to_negative_list, "已列入供应商负面名单。"),
}


@bp.route("/<int:clue_id>/records/<action>", methods=["POST"])
def record(clue_id: int, action: str):
    if action not in ACTIONS:
        return {"error": "unknown"}, 404
    sess = db_session()
    clue = get_clue(sess, current_user, clue_id)
    fn, message = ACTIONS[action]
    typed = request.form.to_dict()
    try:
        fn(sess, current_user, clue, typed)
    except DomainError as err:
        sess.rollback()
        flash(err.message, "error")
        # Show the page again with the form open and what was typed still in it.
        typed.pop("csrf_token", None)
        from web.views.clues import render_clue  # clues imports this module's context

        clue = get_clue(sess, current_user, clue_id)
        return render_clue(sess, clue, status=err.status, rfailed=action, rvalues=typed)
    sess.commit()
    flash(message, "success")
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
    return render_template(
        "clues/card.html",
        clue=clue,
        subjects=records.subjects(sess, clue),
        sanctions=outcomes.sanctions(sess, clue),
        referrals=outcomes.referrals(sess, clue),
        feedback=outcomes.feedback_records(sess, clue),
        history=history(sess, current_user, clue),
        attachments=attachments(sess, clue),
    )


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
    return {
        "sections": sections,
        "ref": reference,
        "subjects": records.subjects(sess, clue),
        "talks": records.talks(sess, clue),
        "inquiries": records.inquiries(sess, clue),
        "pending_due": _pending_dues(sess, clue),
        "children": records.children(sess, clue),
        "sanctions": outcomes.sanctions(sess, clue),
        "referrals": outcomes.referrals(sess, clue),
        "feedback": outcomes.feedback_records(sess, clue),
        "attachments": attachments(sess, clue),
        "lower_units": lower,
        "missing": missing_items(sess, clue) if closing else [],
        "history": history(sess, current_user, clue),
    }
