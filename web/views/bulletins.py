"""通报 pages: pick typical cases from the ledger, edit the anonymised text, issue (文号,
DOCX, PDF), download and publish to the portal. The services check who may and where."""

from __future__ import annotations

from datetime import date, timedelta

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from cases.reference import SANCTION_KINDS, VIOLATION_CATEGORIES
from config.errors import DomainError, ValidationError
from config.reference import STAT_CLASS_LABELS
from directory.permissions import Capability, can
from directory.queries.units import visible_bodies
from documents import bulletins
from documents.bulletin_cases import MAX_PERIOD_DAYS, CaseFilter, candidates
from documents.bulletins import BulletinEdit, CaseEdit
from web.db import db_session
from web.files import file_store, send_bytes
from web.unit_of_work import back_to, unit_of_work
from workflow.engine import local_today

bp = Blueprint("bulletins", __name__, url_prefix="/bulletins")
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@bp.get("/")
def index():
    sess = db_session()
    return render_template("bulletins/index.html", rows=bulletins.listing(sess, current_user))


def _date(name: str, default: date) -> date:
    """A typed date, or the default for an empty or malformed one (the page shows which)."""
    try:
        return date.fromisoformat(request.values.get(name, "")[:10])
    except ValueError:
        return default


def _filter() -> CaseFilter:
    today = local_today()
    scope = request.values.get("scope_unit_id", "")
    start = _date("period_from", date(today.year, 1, 1))
    end = _date("period_to", today)
    start, end = min(start, end), max(start, end)
    return CaseFilter(
        period_from=max(start, end - timedelta(days=MAX_PERIOD_DAYS)),
        period_to=end,
        scope_unit_id=int(scope) if scope.isdigit() and len(scope) < 10 else None,
        category=request.values.get("category", "")[:32],
        stat_class=request.values.get("stat_class", "")[:32],
        sanction=request.values.get("sanction", "")[:32],
    )


def _scopes(sess):
    return visible_bodies(sess, current_user, limit=300)


def _new_page(f: CaseFilter | None, found, status: int = 200, picked=()):
    sess = db_session()
    today = local_today()
    return render_template(
        "bulletins/new.html",
        f=f or CaseFilter(date(today.year, 1, 1), today),
        found=found,
        picked={str(i) for i in picked},
        scopes=_scopes(sess),
        categories=VIOLATION_CATEGORIES,
        classes=STAT_CLASS_LABELS,
        sanctions=SANCTION_KINDS,
        title=request.values.get("title", ""),
    ), status


@bp.get("/new")
def new():
    f = _filter()
    found = candidates(db_session(), current_user, f)
    return _new_page(f, found)


def _draft_refused(_err: DomainError):
    f = _filter()
    found = candidates(db_session(), current_user, f)
    return _new_page(f, found, 422, request.form.getlist("clue_id"))


@bp.post("/new")
@unit_of_work(_draft_refused, passthrough=(403, 404))
def create():
    ids = [int(i) for i in request.form.getlist("clue_id") if i.isdigit() and len(i) < 10]
    bulletin = bulletins.draft(
        db_session(), current_user, _filter(), ids, request.form.get("title", "")
    )
    flash(f"已生成通报草稿，共{len(ids)}起案例，已按规则隐去当事人姓名，请审核修改。", "success")
    return redirect(url_for("bulletins.show", bulletin_id=bulletin.id), 303)


def _show(bulletin_id: int, *, errors=None, status: int = 200):
    sess = db_session()
    bulletin = bulletins.get(sess, current_user, bulletin_id)
    return render_template(
        "bulletins/show.html",
        b=bulletin,
        errors=errors or {},
        may_edit=bulletin.state == "draft" and can(current_user, Capability.BULLETINS_DRAFT),
        may_issue=can(current_user, Capability.BULLETINS_ISSUE),
    ), status


@bp.get("/<int:bulletin_id>")
def show(bulletin_id: int):
    return _show(bulletin_id)


def _version() -> int | None:
    raw = request.form.get("version", "")
    return int(raw) if raw.isdigit() and len(raw) < 10 else -1


def _edit_form() -> BulletinEdit:
    form = request.form
    cases = []
    for raw in form.getlist("case_id"):
        if not raw.isdigit() or len(raw) >= 10:
            raise ValidationError("提交的案例与通报不符，请刷新页面后重新编辑。")
        cases.append(
            CaseEdit(
                int(raw),
                form.get(f"heading_{raw}", ""),
                form.get(f"text_{raw}", ""),
                keep=form.get(f"drop_{raw}") != "y",
            )
        )
    return BulletinEdit(
        form.get("title", ""),
        form.get("recipients", ""),
        form.get("intro", ""),
        form.get("closing", ""),
        tuple(cases),
    )


def _edit_refused(err: DomainError, bulletin_id: int):
    errors = err.details if isinstance(err.details, dict) else {}
    return _show(bulletin_id, errors=errors, status=409 if err.status == 409 else 422)


@bp.post("/<int:bulletin_id>/edit")
@unit_of_work(_edit_refused)
def edit(bulletin_id: int):
    sess = db_session()
    bulletins.edit(sess, current_user, bulletin_id, _edit_form(), _version())
    if request.form.get("then") == "issue":
        return _issue(bulletin_id, None)
    flash("通报已保存。", "success")
    return redirect(url_for("bulletins.show", bulletin_id=bulletin_id), 303)


def _issue(bulletin_id: int, version: int | None):
    b = bulletins.issue(db_session(), current_user, bulletin_id, file_store(), version)
    flash(f"通报已印发，文号：{b.number_text}。", "success")
    return redirect(url_for("bulletins.show", bulletin_id=bulletin_id), 303)


@bp.post("/<int:bulletin_id>/issue")
@unit_of_work(back_to("bulletins.show", "bulletin_id", code=303))
def issue(bulletin_id: int):
    return _issue(bulletin_id, _version())


@bp.post("/<int:bulletin_id>/publish")
@unit_of_work(back_to("bulletins.show", "bulletin_id", code=303))
def publish(bulletin_id: int):
    bulletins.publish(db_session(), current_user, bulletin_id)
    flash("通报已在门户网站“通知公告”中公开。", "success")
    return redirect(url_for("bulletins.show", bulletin_id=bulletin_id), 303)


@bp.get("/<int:bulletin_id>/file.<fmt>")
def download(bulletin_id: int, fmt: str):
    name, data = bulletins.issued_file(db_session(), current_user, bulletin_id, fmt, file_store())
    return send_bytes(data, DOCX if fmt == "docx" else "application/pdf", name)

