"""Campaign pages: list, overview, task import and board, inspections, the public notice.

Every page goes through ``campaigns`` services, which check roles and jurisdiction again.
"""

from __future__ import annotations

from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from campaigns.checklists import GROUP_VIOLATIONS
from campaigns.inspections import (
    NewInspection,
    checklist_of,
    finding_to_clue,
    findings,
    get_inspection,
    list_inspections,
    record_inspection,
)
from campaigns.models import TASK_STATUS_LABELS, TaskStatus
from campaigns.overview import compliance, inspection_progress
from campaigns.queries.scope import inspectable_institutions, scope_choices
from campaigns.scope import describe
from campaigns.service import (
    NewCampaign,
    add_phase,
    can_manage,
    create_campaign,
    current_phase,
    get_campaign,
    list_campaigns,
    set_notice,
)
from campaigns.tasks import add_progress, effective_status, get_task, import_tasks, office_board
from campaigns.tasks import tasks_by_office as by_office
from config.errors import DomainError, ValidationError
from config.reference import STAT_CLASS_LABELS
from directory.models import UnitKind
from directory.permissions import Capability, can, require
from web.db import db_session
from web.unit_of_work import back_to, to_referrer, unit_of_work
from workflow.engine import local_today

bp = Blueprint("campaigns", __name__, url_prefix="/campaigns")


@bp.route("/")
def index():
    sess = db_session()
    return render_template(
        "campaigns/index.html",
        campaigns=list_campaigns(sess, current_user),
        can_create=can(current_user, Capability.CAMPAIGNS_MANAGE),
    )


def _phases(text: str) -> list[tuple[str, date, date]]:
    """One phase a line: 名称 开始日期 结束日期 (e.g. 自查自纠 2020-07-15 2020-08-31)."""
    phases = []
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = line.split()
        try:
            phases.append((" ".join(parts[:-2]), date.fromisoformat(parts[-2]),
                           date.fromisoformat(parts[-1])))  # fmt: skip
        except (ValueError, IndexError) as exc:
            raise ValueError(f"实施阶段第 {n} 行格式应为“名称 开始日期 结束日期”。") from exc
    return phases


def _scope_ids(values: list[str]) -> tuple[int, ...]:
    if not all(v.isdigit() for v in values):
        raise ValidationError("未找到所选的范围单位。")
    return tuple(int(v) for v in values)


def _new_form(sess, values: MultiDict[str, str], status: int = 200):
    """The form with the bodies below the actor's body offered as the campaign's scope."""
    units = scope_choices(sess, current_user)
    return render_template(
        "campaigns/new.html",
        values=values,
        scope_units=units,
        class_labels=STAT_CLASS_LABELS,
        chosen_units=set(values.getlist("scope_units")),
        chosen_classes=set(values.getlist("scope_classes")),
    ), status


@bp.route("/new", methods=["GET", "POST"])
@unit_of_work(lambda _err: _new_form(db_session(), request.form, 422))
def new():
    """新建专项行动: the notice's name, number, dates, phases and public announcement."""
    sess = db_session()
    require(current_user, Capability.CAMPAIGNS_MANAGE)  # before the form is read or shown
    if request.method == "POST":
        f = request.form
        try:
            phases = _phases(f.get("phases", ""))
            campaign = create_campaign(
                sess,
                current_user,
                NewCampaign(
                    name=f.get("name", ""),
                    doc_number=f.get("doc_number", ""),
                    starts_on=date.fromisoformat(f.get("starts_on", "")),
                    ends_on=date.fromisoformat(f.get("ends_on", "")),
                    issued_on=date.fromisoformat(f["issued_on"]) if f.get("issued_on") else None,
                    scope_unit_ids=_scope_ids(f.getlist("scope_units")),
                    scope_classes=tuple(f.getlist("scope_classes")),
                ),
            )
            for name, start, end in phases:
                add_phase(sess, current_user, campaign, name, start, end)
            set_notice(
                sess, current_user, campaign, title=f.get("notice_title", ""),
                text=f.get("notice_text", ""), hotline=f.get("hotline", ""),
                mailbox=f.get("mailbox", ""), address=f.get("address", ""),
                published=f.get("published") == "1",
            )  # fmt: skip
        except ValueError as err:
            phase_error = str(err).startswith("实施阶段")
            message = str(err) if phase_error else "日期格式不正确（例如 2020-07-15）。"
            raise ValidationError(message) from None
        flash("专项行动已创建。可导入任务分工表。", "success")
        return redirect(url_for("campaigns.overview", campaign_id=campaign.id))
    return _new_form(sess, MultiDict())


@bp.route("/<int:campaign_id>")
def overview(campaign_id: int):
    """专项行动概览: phases on a timeline, tasks by office, inspections, reporting compliance."""
    sess = db_session()
    campaign = get_campaign(sess, current_user, campaign_id)
    today = local_today()
    return render_template(
        "campaigns/overview.html",
        campaign=campaign,
        scope=describe(campaign),
        today=today,
        phase=current_phase(campaign, today),
        board=by_office(campaign),
        status={t.id: effective_status(t, today) for t in campaign.tasks},
        labels=TASK_STATUS_LABELS,
        progress=inspection_progress(sess, current_user, campaign),
        inspections=list_inspections(sess, current_user, campaign)[:20],
        compliance=compliance(sess, current_user, campaign, today),
        manage=can_manage(sess, current_user, campaign),
    )


def _import_refused(err: DomainError, campaign_id: int):
    """Back to the campaign with the message and each line the table was refused for."""
    for line in err.details if isinstance(err.details, list) else []:
        flash(str(line), "error")
    return redirect(url_for("campaigns.overview", campaign_id=campaign_id))


@bp.route("/<int:campaign_id>/tasks/import", methods=["POST"])
@unit_of_work(_import_refused, passthrough=(404,))
def import_task_table(campaign_id: int):
    sess = db_session()
    campaign = get_campaign(sess, current_user, campaign_id)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        flash("请选择任务分工表文件（.csv 或 .xlsx）。", "error")
        return redirect(url_for("campaigns.overview", campaign_id=campaign.id))
    result = import_tasks(
        sess,
        current_user,
        campaign,
        upload.filename,
        upload.read(),
        create_missing_offices=request.form.get("create_offices") == "1",
    )
    created = "，新建处室：" + "、".join(result.offices_created) if result.offices_created else ""
    flash(f"已导入 {result.report.created} 项任务{created}。", "success")
    return redirect(url_for("campaigns.overview", campaign_id=campaign_id))


@bp.route("/board")
def board():
    """本处室任务看板: the tasks of the signed-in user's office."""
    sess = db_session()
    office = current_user.unit
    rows = office_board(sess, current_user, office) if office.kind == UnitKind.OFFICE else []
    today = local_today()
    return render_template(
        "campaigns/board.html",
        office=office,
        rows=rows,
        status={t.id: effective_status(t, today) for t, _ in rows},
        labels=TASK_STATUS_LABELS,
        choices=[TaskStatus.NOT_STARTED, TaskStatus.IN_PROGRESS, TaskStatus.DONE],
    )


@bp.route("/tasks/<int:task_id>/progress", methods=["POST"])
@unit_of_work(to_referrer("campaigns.board"), passthrough=(404,))
def progress(task_id: int):
    sess = db_session()
    task = get_task(sess, current_user, task_id)
    add_progress(
        sess, current_user, task, request.form.get("note", ""), request.form.get("status", "")
    )
    flash("进展已记录。", "success")
    return redirect(url_for("campaigns.board"))


def _answers(form, checklist) -> dict:
    answers: dict[str, dict[str, str]] = {}
    for item in checklist.items:
        fields = ("found", "sampled", "violating", "persons", "fine", "confiscated", "note")
        given = {f: form.get(f"{item.code}.{f}", "") for f in fields}
        answers[item.code] = {k: v for k, v in given.items() if v}
        if given["found"] != "1":
            answers[item.code].pop("found", None)
    return answers


def _inspection_refused(_err: DomainError, campaign_id: int):
    """The checklist again with every answer given."""
    require(current_user, Capability.INTAKE)
    sess = db_session()
    campaign = get_campaign(sess, current_user, campaign_id)
    return _inspection_form(sess, campaign, checklist_of(campaign), request.form, 422)


@bp.route("/<int:campaign_id>/inspections/new", methods=["GET", "POST"])
@unit_of_work(_inspection_refused, passthrough=(404,))
def new_inspection(campaign_id: int):
    """现场检查表 (tablet): one column under 800px, large touch targets."""
    sess = db_session()
    require(current_user, Capability.INTAKE)  # inspectors read; reporters are inspected
    campaign = get_campaign(sess, current_user, campaign_id)
    checklist = checklist_of(campaign)
    if request.method == "POST":
        try:
            inspection = record_inspection(
                sess,
                current_user,
                campaign,
                NewInspection(
                    institution_id=int(request.form.get("institution_id") or 0),
                    inspected_on=date.fromisoformat(request.form.get("inspected_on", "")),
                    inspectors=request.form.get("inspectors", ""),
                    accompanying=request.form.get("accompanying", ""),
                    answers=_answers(request.form, checklist),
                ),
            )
        except ValueError:
            raise ValidationError("检查日期格式不正确。") from None
        flash("检查记录已保存。发现的问题可逐项转为线索。", "success")
        return redirect(url_for("campaigns.inspection", inspection_id=inspection.id))
    return _inspection_form(sess, campaign, checklist, {}, 200)


def _inspection_form(sess, campaign, checklist, values, status):
    return render_template(
        "campaigns/inspection_form.html",
        campaign=campaign,
        checklist=checklist,
        institutions=inspectable_institutions(sess, current_user, campaign),
        values=values,
        violations=GROUP_VIOLATIONS,
        today=local_today(),
    ), status


@bp.route("/inspections/<int:inspection_id>")
def inspection(inspection_id: int):
    sess = db_session()
    record = get_inspection(sess, current_user, inspection_id)
    linked = {link.item_code: link.clue_id for link in record.clues}
    return render_template(
        "campaigns/inspection.html",
        inspection=record,
        checklist=checklist_of(record.campaign),
        found=findings(record),
        linked=linked,
    )


@bp.route("/inspections/<int:inspection_id>/clue", methods=["POST"])
@unit_of_work(back_to("campaigns.inspection", "inspection_id"), passthrough=(404,))
def to_clue(inspection_id: int):
    """One step: a finding becomes a clue (专项检查) linked to this inspection."""
    sess = db_session()
    record = get_inspection(sess, current_user, inspection_id)
    clue = finding_to_clue(sess, current_user, record, request.form.get("item", ""))
    flash(f"已转为线索 #{clue.id}。", "success")
    return redirect(url_for("clues.show", clue_id=clue.id))


@bp.route("/<int:campaign_id>/notice")
def notice(campaign_id: int):
    """The public announcement, printable (seed 004 附件4 pattern)."""
    sess = db_session()
    campaign = get_campaign(sess, current_user, campaign_id)
    return render_template("campaigns/notice.html", campaign=campaign)
