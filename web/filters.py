"""Template filters and globals: local time, labels, navigation by role."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Flask, current_app
from flask_login import current_user

from config.localtime import LOCAL_TZ
from directory.roles import Role
from reporting.forms import FORMS, form_for

# (label, endpoint, roles allowed) — the menu a role sees.
NAVIGATION: tuple[tuple[str, str, frozenset[Role]], ...] = (
    ("工作台", "home.index", frozenset(Role)),
    ("问题线索", "clues.index", frozenset({Role.CLERK, Role.HANDLER, Role.LEADER, Role.INSPECTOR})),
    (
        "线索台账",
        "ledger.index",
        frozenset({Role.CLERK, Role.HANDLER, Role.LEADER, Role.INSPECTOR}),
    ),
    ("红包上缴", "ledger.redpackets", frozenset(set(Role) - {Role.ADMIN})),
    ("报表任务", "reporting.tasks", frozenset({Role.REPORTER, Role.HANDLER, Role.LEADER})),
    ("报表审核", "reporting.review", frozenset({Role.HANDLER, Role.LEADER})),
    (
        "报送情况",
        "reporting.compliance_view",
        frozenset({Role.HANDLER, Role.LEADER, Role.INSPECTOR, Role.ADMIN}),
    ),
    (
        "统计图表",
        "stats.index",
        frozenset({Role.CLERK, Role.HANDLER, Role.LEADER, Role.INSPECTOR, Role.ADMIN}),
    ),
    ("举报登记", "intake.desk", frozenset({Role.CLERK, Role.HANDLER, Role.LEADER})),
    ("举报", "tips.index", frozenset({Role.CLERK, Role.HANDLER, Role.LEADER, Role.INSPECTOR})),
    ("邮箱待登记", "mailbox.queue", frozenset({Role.CLERK, Role.HANDLER, Role.LEADER})),
    (
        "专项行动",
        "campaigns.index",
        frozenset({Role.CLERK, Role.HANDLER, Role.LEADER, Role.INSPECTOR, Role.ADMIN}),
    ),
    ("用户管理", "admin.users", frozenset({Role.ADMIN})),
    ("组织机构", "admin.units", frozenset({Role.ADMIN, Role.INSPECTOR, Role.LEADER})),
    ("导入机构", "admin.import_directory", frozenset({Role.ADMIN})),
    ("工作日历", "calendar.index", frozenset({Role.ADMIN})),
    ("定时任务", "scheduler.index", frozenset({Role.ADMIN})),
    ("搜索", "search.index", frozenset(Role)),
    ("账户安全", "security.index", frozenset(Role)),
)


def nav_items(role: Role) -> list[tuple[str, str]]:
    items = []
    for label, endpoint, roles in NAVIGATION:
        if role in roles and endpoint in current_app.view_functions:
            items.append((label, endpoint))
    return items


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

    @app.context_processor
    def _globals():
        nav = nav_items(Role(current_user.role)) if current_user.is_authenticated else []
        return {"nav": nav}
