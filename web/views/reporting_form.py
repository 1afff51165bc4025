"""The statistical form editor's page: what it shows, and the page again after a refusal.

Kept apart from the routes (``web.views.reporting``): one form holds every cell, the
signatures, 保存草稿 and 报送, so nothing typed can be left behind by pressing a button.
"""

from __future__ import annotations

from flask import current_app, redirect, render_template, request, url_for
from flask_login import current_user

from config.errors import DomainError, NotFound, PermissionDenied, ValidationError
from reporting import attachments as files
from reporting import cells
from reporting.access import is_filler
from reporting.filing import fillable, grand_total_cells, grand_totals, own_rows
from reporting.formdef import CellKind, FormKind
from reporting.forms import form_for
from reporting.layout import body_rows, header_rows
from reporting.lifecycle import SEND_TRIGGERS, SUBMISSION_LIFECYCLE
from reporting.prefill import mismatches, prefill
from reporting.queries.steps import lifecycle_steps
from reporting.queries.timeline import submission_timeline
from reporting.submissions import available, get_submission, latest_submission
from web.db import db_session


def typed_fields() -> tuple[dict[str, str], dict[str, str]]:
    """The cells and the signatures as posted by the editor's one form."""
    typed = {k: v for k, v in request.form.items() if "|" in k}
    signatures = {k: request.form.get(k, "") for k in ("leader_name", "filler_name", "contact")}
    return typed, signatures


def _sum_parts(form) -> dict[str, list[str]]:
    """For each computed cell, the cells it adds (the page recomputes totals while typing)."""
    parts: dict[str, list[str]] = {}
    for row in form.rows:
        for col in form.columns:
            if form.cell_kind(row.code, col.code) is not CellKind.COMPUTED:
                continue
            key = f"{row.code}|{col.code}"
            if row.sum_of:
                parts[key] = [f"{r}|{col.code}" for r in row.sum_of]
            else:
                parts[key] = [f"{row.code}|{c}" for c in col.sum_of]
    return parts


def render_editor(
    sess, sub, *, typed=None, signatures=None, errors=None, confirm=False, status=200
):
    """The editor; after a refused save or send, exactly what was typed (signatures too)."""
    ob = sub.obligation
    form = form_for(sub.form_code, ob.period_start.year)
    filler = is_filler(sess, current_user, sub.unit)
    stored = cells.decode(form, sub.values)
    ledger = prefill(sess, form, sub.unit, ob.period_start, ob.period_end)
    shown = {cells.key_text(k): v for k, v in stored.items()}
    if typed is not None:
        shown.update(typed)
    signed = {k: getattr(sub, k) for k in ("leader_name", "filler_name", "contact")}
    signed.update(signatures or {})
    actions = available(sess, current_user, sub)
    table = form.kind is FormKind.TABLE
    mine = own_rows(form, sub.unit)
    return render_template(
        "reporting/editor.html",
        sub=sub,
        ob=ob,
        form=form,
        is_text=form.kind is FormKind.TEXT,
        headers=header_rows(form) if form.kind is FormKind.TABLE else [],
        rows=body_rows(form) if form.kind is FormKind.TABLE else [],
        values=shown,
        signed=signed,
        unsaved=typed is not None,
        errors=errors or {},
        fillable=fillable(form, sub.unit) if table else frozenset(),
        own_rows=mine,
        own_label="、".join(form.row(r).name for r in sorted(mine)) if mine else "",
        sum_parts=_sum_parts(form) if table else {},
        totals=grand_totals(form, stored) if confirm else [],
        confirm=confirm,
        zero_report=request.form.get("zero_report") == "1",
        total_labels=dict(grand_total_cells(form)),
        ledger={cells.key_text(k): v for k, v in ledger.values.items()},
        pending={cells.key_text(k) for k in ledger.pending},
        warnings=[] if typed is not None else mismatches(form, stored, ledger),
        editable=sub.state in ("draft", "returned") and filler,
        can_amend=sub.state == "accepted" and filler and latest_submission(sess, ob) is sub,
        send=next((t for t in actions if t.trigger in SEND_TRIGGERS), None),
        actions=[t for t in actions if t.trigger not in SEND_TRIGGERS],
        entries=submission_timeline(sess, current_user, sub),
        steps=lifecycle_steps(SUBMISSION_LIFECYCLE, sub.state),
        lifecycle=SUBMISSION_LIFECYCLE,
        files=_files(sess, sub) if form.attachments_allowed or table else None,
    ), status


def posted_version() -> int | None:
    try:
        return int(request.form.get("version") or 0) or None
    except ValueError:
        return None


def refused(err: DomainError, submission_id: int):
    """A refused save or send (``on_error`` of ``@unit_of_work``): the page again with
    every typed value and the cells' messages.

    Nothing typed is lost, whatever the reason (a check, a stale version, a locked form).
    Someone who may not fill the form typed nothing into it: they go back to the page."""
    sess = db_session()
    sub = get_submission(sess, current_user, submission_id)  # out of reach: the error page
    if isinstance(err, PermissionDenied | NotFound):
        return redirect(url_for("reporting.submission", submission_id=submission_id))
    typed, signatures = typed_fields()
    details = err.details if isinstance(err, ValidationError) else None
    rows = details if isinstance(details, list) else []
    by_cell = {d["cell"]: d["message"] for d in rows if isinstance(d, dict) and "cell" in d}
    status = err.status if err.status >= 400 else 422
    return render_editor(
        sess, sub, typed=typed, signatures=signatures, errors=by_cell, status=status
    )


def _files(sess, sub) -> files.Panel:
    limit = current_app.config["QINGFENG"].max_upload_bytes
    return files.panel(sess, current_user, sub, limit)
