"""Template filters and globals: local time, labels, navigation and ``can()`` by capability."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Flask, current_app
from flask_login import current_user

from config.localtime import LOCAL_TZ
from directory.permissions import Capability, can
from reporting.forms import FORMS, form_for

C = Capability

# (label, endpoint, capability) — the menu a user sees is what their role may do.
NAVIGATION: tuple[tuple[str, str, Capability], ...] = (
    ("工作台", "home.index", C.WORKBENCH),
    ("问题线索", "clues.index", C.CLUES_READ),
    ("线索台账", "ledger.index", C.CLUES_READ),
    ("整改台账", "rectification.index", C.RECTIFY_READ),
    ("督办看板", "supervision.board_view", C.BOARD),
    ("督查通报", "supervision_notices.index", C.WORKBENCH),
    ("重大线索", "major.index", C.MAJOR_FLAG),
    ("重大线索", "major.index", C.MAJOR_READ),
    ("红包上缴", "ledger.redpackets", C.REDPACKETS),
    ("报表任务", "reporting.tasks", C.REPORTS_FILL),
    ("报表审核", "reporting.review", C.REPORTS_REVIEW),
    ("报送情况", "reporting.compliance_view", C.REPORTS_COMPLIANCE),
    ("报送规则", "report_rules.index", C.REPORTS_RULES),
    ("登记册", "registers.index", C.REGISTERS),
    ("统计图表", "stats.index", C.STATS),
    ("举报登记", "intake.desk", C.INTAKE),
    ("举报", "tips.index", C.TIPS_READ),
    ("邮箱待登记", "mailbox.queue", C.INTAKE),
    ("专项行动", "campaigns.index", C.CAMPAIGNS_READ),
    ("用户管理", "admin.users", C.DIRECTORY_MANAGE),
    ("组织机构", "admin.units", C.UNITS_READ),
    ("导入机构", "admin.import_directory", C.DIRECTORY_MANAGE),
    ("文种与文号", "documents_admin.types", C.DIRECTORY_MANAGE),
    ("文书模板", "letter_templates.index", C.DIRECTORY_MANAGE),
    ("工作日历", "calendar.index", C.CALENDAR_MANAGE),
    ("定时任务", "scheduler.index", C.SYSTEM_MANAGE),
    ("搜索", "search.index", C.WORKBENCH),
    ("账户安全", "security.index", C.WORKBENCH),
)


def nav_items(actor: Any) -> list[tuple[str, str]]:
    return [
        (label, endpoint)
        for label, endpoint, capability in NAVIGATION
        if can(actor, capability) and endpoint in current_app.view_functions
    ]


def can_current(capability: str) -> bool:
    """Jinja ``can('intake')``: may the signed-in user do this? An undeclared name raises."""
    return current_user.is_authenticated and can(current_user, Capability(capability))


def local_time(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    if value is None:
        return ""
    return value.astimezone(LOCAL_TZ).strftime(fmt)


def form_title(obligation: Any) -> str:
    """An obligation's form title printed with its period's year (never the seed's)."""
    if obligation.form_code not in FORMS:
        return str(obligation.form_code)
    return form_for(obligation.form_code, obligation.period_start.year).title


def init_app(app: Flask) -> None:
    app.add_template_filter(local_time, "local_time")
    app.add_template_filter(form_title, "form_title")
    app.add_template_global(can_current, "can")

    @app.context_processor
    def _globals():
        nav = nav_items(current_user) if current_user.is_authenticated else []
        return {"nav": nav}
