"""报送规则: where each form goes (receiving offices), its first and last period, one
period's deadline, and a notice's one-off obligations — the page and the JSON API.

Every route goes through ``reporting.routing`` / ``reporting.oneoff``, which check the
capability and the body again; a refused request rolls back, nothing half-written.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, Flask, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf.csrf import CSRFProtect
from werkzeug.datastructures import MultiDict

from config.errors import DomainError
from reporting.forms import FORMS
from reporting.models import ObligationRule
from reporting.oneoff import OneOffSummary, create_oneoff, kind_choices
from reporting.routing import (
    get_rule,
    remove_override,
    set_override,
    set_recipients,
    set_window,
)
from reporting.rules_page import rules_page
from web.db import db_session
from web.unit_of_work import unit_of_work
from web.views.api import csrf_unless_token
from workflow.engine import local_today
from workflow.pending import pending_label

bp = Blueprint("report_rules", __name__)
api = Blueprint("report_rules_api", __name__, url_prefix="/api/reporting")
api.before_request(csrf_unless_token)


def register(app: Flask, csrf: CSRFProtect) -> None:
    app.register_blueprint(bp)
    app.register_blueprint(api)
    csrf.exempt(api)  # cookie writes are checked in the blueprint, as for api.bp


def _page(values: MultiDict[str, str] | None = None, status: int = 200):
    sess = db_session()
    page = rules_page(sess, current_user)
    return render_template(
        "reporting/rules.html",
        page=page,
        forms=FORMS,
        kinds=kind_choices(),
        values=values or MultiDict(),
        pending_label=pending_label,
    ), status


@bp.get("/reporting/rules")
def index():
    return _page()


def _status(err: DomainError) -> int:
    return err.status if err.status in (403, 404) else 422


def _again(err: DomainError, **_: object):
    """The rules page again, with the refused form's values and the message."""
    return _page(request.form, _status(err))


@unit_of_work(_again, passthrough=())
def _on_rule(rule_id: int, action: Callable[[Any, ObligationRule], object], done: str):
    sess = db_session()
    action(sess, get_rule(sess, current_user, rule_id))
    flash(done, "success")
    return redirect(url_for("report_rules.index") + f"#rule-{rule_id}")


@bp.post("/reporting/rules/<int:rule_id>/recipients")
def recipients(rule_id: int):
    offices = request.form.getlist("offices")
    return _on_rule(
        rule_id,
        lambda s, r: set_recipients(s, current_user, r, offices),
        "接收处室已保存。",
    )


@bp.post("/reporting/rules/<int:rule_id>/window")
def window(rule_id: int):
    f = request.form
    return _on_rule(
        rule_id,
        lambda s, r: set_window(s, current_user, r, f.get("first", ""), f.get("last", "")),
        "报送起止期间已保存。",
    )


@bp.post("/reporting/rules/<int:rule_id>/overrides")
def override(rule_id: int):
    f = request.form
    return _on_rule(
        rule_id,
        lambda s, r: set_override(
            s, current_user, r, f.get("period", ""), f.get("due", ""), f.get("reason", "")
        ),
        "该期报送期限已调整。",
    )


@bp.post("/reporting/rules/<int:rule_id>/overrides/<int:override_id>/delete")
def drop_override(rule_id: int, override_id: int):
    return _on_rule(
        rule_id,
        lambda s, r: remove_override(s, current_user, r, override_id),
        "已恢复按规则计算的期限。",
    )


def _oneoff_data(form: MultiDict[str, str]) -> dict[str, object]:
    keys = ("label", "source", "form_code", "scope_unit_id", "due", "working_days")
    data: dict[str, object] = {k: form.get(k, "") for k in keys}
    data |= {k: form.get(k, "") for k in ("counted_from", "period_start", "period_end")}
    data["unit_kinds"] = form.getlist("unit_kinds")
    data["offices"] = form.getlist("offices")
    return data


def _created_message(summary: OneOffSummary) -> str:
    if summary.pending_year:
        return (
            f"已下达“{summary.rule.label}”，{summary.units} 个单位须报送；报送期限"
            f"{pending_label(summary.pending_year)}，日历确认后自动计算。"
        )
    return f"已下达“{summary.rule.label}”，{summary.units} 个单位须报送。"


@bp.post("/reporting/oneoff")
@unit_of_work(_again, passthrough=())
def new_oneoff():
    summary = create_oneoff(db_session(), current_user, _oneoff_data(request.form), local_today())
    flash(_created_message(summary), "success")
    return redirect(url_for("report_rules.index") + f"#rule-{summary.rule.id}")


# -- JSON API -----------------------------------------------------------------------------------


def _rule_json(row) -> dict[str, object]:
    rule = row.rule
    return {
        "id": rule.id,
        "code": rule.code,
        "label": rule.label,
        "form": rule.form_code,
        "cycle": rule.cycle,
        "deadline": row.deadline,
        "due": rule.fixed_due.isoformat() if rule.fixed_due else None,
        "first_period": rule.first_period.isoformat() if rule.first_period else None,
        "last_period": rule.last_period.isoformat() if rule.last_period else None,
        "recipients": [{"id": r.office_id, "name": r.office.name} for r in rule.recipients],
        "overrides": [
            {"id": o.id, "period_start": o.period_start.isoformat(), "due_on": o.due_on.isoformat()}
            for o, _label in row.overrides
        ],
        "obligations": row.obligations,
        "pending": row.pending,
    }


@api.get("/rules")
def api_rules():
    page = rules_page(db_session(), current_user)
    return {
        "standing": [_rule_json(r) for r in page.standing],
        "oneoff": [_rule_json(r) for r in page.oneoffs],
    }


def _json_body() -> dict[str, Any]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise _BadJson()
    return body


class _BadJson(DomainError):
    status = 400
    code = "bad_request"

    def __init__(self) -> None:
        super().__init__("请求内容应为 JSON 对象。")


@api.post("/oneoff")
@unit_of_work()
def api_oneoff():
    summary = create_oneoff(db_session(), current_user, _json_body(), local_today())
    rule = summary.rule
    return {
        "id": rule.id,
        "label": rule.label,
        "obligations": summary.units,
        "pending_year": summary.pending_year,
        "due": rule.fixed_due.isoformat() if rule.fixed_due else None,
    }, 201


@api.post("/rules/<int:rule_id>/recipients")
@unit_of_work()
def api_recipients(rule_id: int):
    sess = db_session()
    rule = get_rule(sess, current_user, rule_id)  # who may, before what was sent
    offices = _json_body().get("offices")
    if not isinstance(offices, list):
        raise _BadJson()
    chosen = set_recipients(sess, current_user, rule, offices)
    return {"recipients": [{"id": o.id, "name": o.name} for o in chosen]}
