"""Reporting pages: my tasks, the form editor, the review queue, compliance and roll-ups.

Every page goes through ``reporting`` services, which check roles and jurisdiction again.
"""

from __future__ import annotations

from datetime import date

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from cases.attachments import Upload
from config.database import is_valid_id
from directory.jurisdiction import body_of, get_visible_unit
from reporting import attachments as files
from reporting import cells
from reporting.filing import note_opened
from reporting.forms import FORMS, form_for
from reporting.layout import body_rows, header_rows
from reporting.lifecycle import SUBMISSION_LIFECYCLE
from reporting.overview import compliance, export_rollup, export_submission, unit_rollup
from reporting.queries.tasks import task_list
from reporting.sending import preview_send, send_typed
from reporting.submissions import (
    amend,
    fire,
    get_obligation,
    get_submission,
    latest_submission,
    review_queue,
    save_draft,
    start_draft,
)
from web.db import db_session
from web.files import file_store, send_bytes
from web.unit_of_work import back_to, unit_of_work
from web.views.reporting_form import posted_version, refused, render_editor, typed_fields
from workflow.engine import local_today

bp = Blueprint("reporting", __name__, url_prefix="/reporting")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.route("/")
def tasks():
    """我的报表任务: this unit's obligations of the current and the next deadline."""
    page = task_list(db_session(), current_user, local_today())
    return render_template(
        "reporting/tasks.html",
        body=page.body,
        obligations=page.obligations,
        badges=page.badges,
        forms=FORMS,
        alerts=page.alerts,
    )


@bp.route("/obligations/<int:obligation_id>", methods=["GET", "POST"])
@unit_of_work(back_to("reporting.tasks"), passthrough=(404,))
def obligation(obligation_id: int):
    sess = db_session()
    ob = get_obligation(sess, current_user, obligation_id)
    if request.method == "POST":
        sub = start_draft(sess, current_user, ob)
        return redirect(url_for("reporting.submission", submission_id=sub.id))
    latest = latest_submission(sess, ob)
    if latest is not None:
        return redirect(url_for("reporting.submission", submission_id=latest.id))
    form = form_for(ob.form_code, ob.period_start.year)
    return render_template("reporting/start.html", ob=ob, form=form)


@bp.route("/submissions/<int:submission_id>")
@unit_of_work()
def submission(submission_id: int):
    sess = db_session()
    sub = get_submission(sess, current_user, submission_id)
    note_opened(sess, current_user, sub)  # committed: from now on it cannot be withdrawn
    return render_editor(sess, sub)


@bp.route("/submissions/<int:submission_id>/save", methods=["POST"])
@unit_of_work(refused, passthrough=())
def save(submission_id: int):
    sess = db_session()
    sub = get_submission(sess, current_user, submission_id)
    typed, signatures = typed_fields()
    save_draft(
        sess, current_user, sub, typed, signatures=signatures, expected_version=posted_version()
    )
    flash("已保存。", "success")
    return redirect(url_for("reporting.submission", submission_id=sub.id))


@bp.route("/submissions/<int:submission_id>/send", methods=["POST"])
@unit_of_work(refused, passthrough=())
def send(submission_id: int):
    """报送 from the editor's form: save what is on screen with every check, then send.

    With JavaScript the browser has already asked for confirmation (with the totals) and
    posts ``confirmed=1``; without it, the figures are saved and the page asks, showing
    the totals, with a second 报送 inside the same form."""
    sess = db_session()
    sub = get_submission(sess, current_user, submission_id)
    typed, signatures = typed_fields()
    zero = request.form.get("zero_report") == "1"
    if request.form.get("confirmed") != "1":
        save_draft(
            sess, current_user, sub, typed, signatures=signatures, expected_version=posted_version()
        )
        preview_send(sess, current_user, sub, zero_report=zero)
        return render_editor(sess, sub, confirm=True)  # the figures are saved
    send_typed(
        sess,
        current_user,
        sub,
        typed,
        signatures=signatures,
        expected_version=posted_version(),
        zero_report=zero,
    )
    flash(f"已报送，当前状态：{sub.state_label}。上级审核人员打开之前，可以撤回。", "success")
    return redirect(url_for("reporting.submission", submission_id=sub.id))


@bp.route("/submissions/<int:submission_id>/fire/<trigger>", methods=["POST"])
@unit_of_work(back_to("reporting.submission", "submission_id"), passthrough=(404,))
def fire_view(submission_id: int, trigger: str):
    sess = db_session()
    sub = get_submission(sess, current_user, submission_id)
    version = int(request.form.get("version") or 0) or None
    fire(sess, current_user, sub, trigger, request.form.to_dict(), expected_version=version)
    label = SUBMISSION_LIFECYCLE.by_trigger[trigger].label
    flash(f"已完成“{label}”，当前状态：{sub.state_label}。", "success")
    return redirect(url_for("reporting.submission", submission_id=sub.id))


@bp.route("/submissions/<int:submission_id>/amend", methods=["POST"])
@unit_of_work(back_to("reporting.submission", "submission_id"), passthrough=(404,))
def amend_view(submission_id: int):
    sess = db_session()
    sub = get_submission(sess, current_user, submission_id)
    new = amend(sess, current_user, sub, request.form.get("reason", ""))
    flash(f"已创建第 {new.number} 版更正稿，请修改后重新报送。", "success")
    return redirect(url_for("reporting.submission", submission_id=new.id))


def _max_bytes() -> int:
    return current_app.config["QINGFENG"].max_upload_bytes


@bp.route("/submissions/<int:submission_id>/attachments", methods=["POST"])
@unit_of_work(back_to("reporting.submission", "submission_id", code=303), passthrough=(404,))
def upload_attachments(submission_id: int):
    sess = db_session()
    sub = get_submission(sess, current_user, submission_id)
    back = redirect(url_for("reporting.submission", submission_id=submission_id), 303)
    chosen = [
        Upload(f.filename or "", f.read())
        for f in request.files.getlist("files")
        if f and (f.filename or "").strip()
    ]
    # The files are stored in this transaction: they commit with their rows.
    result = files.add_attachments(sess, current_user, sub, chosen, file_store(), _max_bytes())
    for problem in result.rejected:
        flash(problem, "error")
    if result.saved:
        flash(f"已上传 {len(result.saved)} 个附件。", "success")
    return back


@bp.route("/submissions/<int:submission_id>/attachments/<int:attachment_id>")
def attachment(submission_id: int, attachment_id: int):
    sess = db_session()
    sub = get_submission(sess, current_user, submission_id)
    row, data = files.attachment_file(sess, current_user, sub, attachment_id, file_store())
    return send_bytes(data, row.content_type, row.filename)


@bp.route(
    "/submissions/<int:submission_id>/attachments/<int:attachment_id>/delete", methods=["POST"]
)
@unit_of_work(back_to("reporting.submission", "submission_id", code=303), passthrough=(404,))
def delete_attachment(submission_id: int, attachment_id: int):
    sess = db_session()
    sub = get_submission(sess, current_user, submission_id)
    back = redirect(url_for("reporting.submission", submission_id=submission_id), 303)
    name = files.remove_attachment(sess, current_user, sub, attachment_id, file_store())
    flash(f"已删除附件“{name}”。", "success")
    return back


@bp.route("/submissions/<int:submission_id>/export.xlsx")
def export_one(submission_id: int):
    sess = db_session()
    sub = get_submission(sess, current_user, submission_id)
    name, data = export_submission(sess, current_user, sub)
    return _xlsx(name, data)


def _xlsx(name: str, data: bytes) -> Response:
    from urllib.parse import quote

    response = Response(data, mimetype=XLSX)
    response.headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


@bp.route("/review")
def review():
    sess = db_session()
    queue = review_queue(sess, current_user)
    return render_template(
        "reporting/review.html",
        queue=queue,
        files=files.files_by_submission(sess, current_user, queue),
    )


def _period_arg() -> date:
    text = request.args.get("period", "")
    try:
        year, month = (int(x) for x in text.split("-")[:2])
        return date(year, month, 1)
    except ValueError:
        today = local_today()
        return date(today.year - (today.month == 1), (today.month - 2) % 12 + 1, 1)


def _unit_arg(sess):
    unit_id = request.args.get("unit_id", type=int)
    if unit_id is not None and not is_valid_id(unit_id):
        unit_id = None
    if unit_id is None:
        return body_of(sess, current_user.unit)
    return get_visible_unit(sess, current_user, unit_id)


@bp.route("/compliance")
def compliance_view():
    sess = db_session()
    period, unit = _period_arg(), _unit_arg(sess)
    summaries, detail = compliance(sess, current_user, unit, period, local_today())
    return render_template(
        "reporting/compliance.html",
        unit=unit,
        period=period,
        summaries=summaries,
        detail=detail,
        forms=FORMS,
        today=local_today(),
    )


@bp.route("/rollup")
def rollup_view():
    sess = db_session()
    period, unit = _period_arg(), _unit_arg(sess)
    form_code = request.args.get("form", "zl3")
    if form_code not in FORMS:
        abort(404)
    result = unit_rollup(sess, current_user, unit, form_code, period)
    if request.args.get("format") == "xlsx":
        label = f"{period.year}年{period.month}月"
        name, data = export_rollup(sess, current_user, unit, form_code, period, label)
        return _xlsx(name, data)
    return render_template(
        "reporting/rollup.html",
        unit=unit,
        period=period,
        form=result.form,
        headers=header_rows(result.form),
        rows=body_rows(result.form),
        values={cells.key_text(k): v for k, v in result.values.items()},
        units=result.units,
        form_code=form_code,
        forms=FORMS,
    )
