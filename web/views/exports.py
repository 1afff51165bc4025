"""Ledger exports in the background: start, watch the progress, download (cases.export_jobs)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from urllib.parse import quote

from flask import Blueprint, Response, current_app, jsonify, redirect, render_template, url_for
from flask_login import current_user

from cases.export_jobs import STATUS_LABELS, job_file, job_of, run_export, start_ledger_export
from config.database import utcnow
from web.db import db_session
from web.files import file_store
from web.unit_of_work import commit_now
from web.views.ledger import XLSX, _filter, _require_ledger_role

bp = Blueprint("exports", __name__)


def _in_background(fn: Callable[..., None], *args: object) -> None:
    threading.Thread(target=fn, args=args, daemon=True, name="qingfeng-export").start()


@bp.route("/ledger/exports", methods=["POST"])
def start():
    """Record the export of what the user sees under the ledger's filter, and start it."""
    _require_ledger_role()
    sess = db_session()
    job = start_ledger_export(sess, current_user, _filter())
    commit_now()  # the writer reads the job in a session of its own
    spawn = current_app.extensions.get("qingfeng_spawn", _in_background)
    spawn(run_export, current_app.extensions["qingfeng_sessions"], job.id, file_store())
    return redirect(url_for("exports.show", job_id=job.id), 303)


@bp.route("/ledger/exports/<int:job_id>")
def show(job_id: int):
    _require_ledger_role()
    job = job_of(db_session(), current_user, job_id)
    status = job.shown_status(utcnow())
    return render_template(
        "ledger/export_job.html", job=job, status=status, label=STATUS_LABELS[status]
    )


@bp.route("/ledger/exports/<int:job_id>/status")
def status(job_id: int):
    """The job's progress as JSON, polled by the progress page (web/static/export_job.js)."""
    _require_ledger_role()
    job = job_of(db_session(), current_user, job_id)
    shown = job.shown_status(utcnow())
    return jsonify(
        status=shown,
        label=STATUS_LABELS[shown],
        done=job.done,
        total=job.total,
        percent=job.percent,
        download=url_for("exports.download", job_id=job.id) if shown == "done" else None,
    )


@bp.route("/ledger/exports/<int:job_id>/file")
def download(job_id: int):
    _require_ledger_role()
    sess = db_session()
    job = job_of(sess, current_user, job_id)
    if job.status != "done":  # not yet written: back to its progress
        return redirect(url_for("exports.show", job_id=job.id), 303)
    data = job_file(sess, file_store(), job)
    disposition = f"attachment; filename=ledger.xlsx; filename*=UTF-8''{quote(job.file_name)}"
    return Response(data, mimetype=XLSX, headers={"Content-Disposition": disposition})
