"""Template filters and globals: local time, labels, navigation and ``can()`` by capability."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, NamedTuple

from flask import Flask, current_app
from flask_login import current_user

from config.localtime import LOCAL_TZ, cn_date, cn_datetime
from directory.permissions import Capability, can
from documents.gongwen import chinese_ordinal
from reporting.forms import FORMS, form_for

C = Capability

class NavItem(NamedTuple):
    label: str
    endpoint: str
    capability: Capability


class NavMenu(NamedTuple):
    """One menu of the top bar; ``label`` empty: its items stand as links of their own."""

    label: str
    items: tuple[NavItem, ...]


N = NavItem

# The one declaration of the menus, grouped by task: what a user sees is what their role may
# do (a menu with nothing left for a role is not shown). The three intake entries are named
# so they cannot be mistaken for one another: register a new tip, the mailbox's letters
# waiting to be registered, and every tip received.
MENUS: tuple[NavMenu, ...] = (
    NavMenu("", (N("工作台", "home.index", C.WORKBENCH),)),
    NavMenu(
        "受理登记",
        (
            N("登记新举报", "intake.desk", C.INTAKE),
            N("邮箱来信待登记", "mailbox.queue", C.INTAKE),
            N("全部举报件", "tips.index", C.TIPS_READ),
        ),
    ),
    NavMenu(
        "问题线索",
        (
            N("线索列表", "clues.index", C.CLUES_READ),
            N("线索台账", "ledger.index", C.CLUES_READ),
            N("红包上缴", "ledger.redpackets", C.REDPACKETS),
            # The body's own leaders flag; its 驻委纪检组 reads (one entry shown either way).
            N("重大线索", "major.index", C.MAJOR_FLAG),
            N("重大线索", "major.index", C.MAJOR_READ),
            N("典型案例通报", "bulletins.index", C.BULLETINS_DRAFT),
        ),
    ),
    NavMenu(
        "统计报送",
        (
            N("报表任务", "reporting.tasks", C.REPORTS_FILL),
            N("报表审核", "reporting.review", C.REPORTS_REVIEW),
            N("报送情况", "reporting.compliance_view", C.REPORTS_COMPLIANCE),
            N("报送规则", "report_rules.index", C.REPORTS_RULES),
            N("登记册", "registers.index", C.REGISTERS),
            N("统计图表", "stats.index", C.STATS),
        ),
    ),
    NavMenu(
        "专项工作",
        (
            N("专项行动", "campaigns.index", C.CAMPAIGNS_READ),
            N("整改台账", "rectification.index", C.RECTIFY_READ),
            N("督办看板", "supervision.board_view", C.BOARD),
            N("督查通报", "supervision_notices.index", C.WORKBENCH),
        ),
    ),
    NavMenu(
        "系统管理",
        (
            N("用户管理", "admin.users", C.DIRECTORY_MANAGE),
            N("组织机构", "admin.units", C.UNITS_READ),
            N("导入机构", "admin.import_directory", C.DIRECTORY_MANAGE),
            N("文种与文号", "documents_admin.types", C.DIRECTORY_MANAGE),
            N("文书模板", "letter_templates.index", C.DIRECTORY_MANAGE),
            N("工作日历", "calendar.index", C.CALENDAR_MANAGE),
            N("定时任务", "scheduler.index", C.SYSTEM_MANAGE),
            N("举报平台联系方式", "portal_settings.edit", C.SYSTEM_MANAGE),
        ),
    ),
    NavMenu("", (N("搜索", "search.index", C.WORKBENCH),)),
)
# Under the user's name: their own settings.
USER_MENU: tuple[NavItem, ...] = (
    N("通知设置", "inbox.channels", C.WORKBENCH),
    N("账户安全", "security.index", C.WORKBENCH),
)
# Every entry, flat (capability checks and tests read this).
NAVIGATION: tuple[NavItem, ...] = tuple(i for m in MENUS for i in m.items) + USER_MENU


def _visible(actor: Any, items: tuple[NavItem, ...]) -> list[NavItem]:
    """The entries ``actor`` may open, each endpoint once (an entry may be declared for two
    capabilities, as 重大线索 is)."""
    shown: dict[str, NavItem] = {}
    for item in items:
        if can(actor, item.capability) and item.endpoint in current_app.view_functions:
            shown.setdefault(item.endpoint, item)
    return list(shown.values())


def nav_menus(actor: Any) -> list[NavMenu]:
    """The menus ``actor`` sees, each with only the entries their role may open."""
    menus = [NavMenu(m.label, tuple(_visible(actor, m.items))) for m in MENUS]
    return [m for m in menus if m.items]


def user_menu(actor: Any) -> list[NavItem]:
    return _visible(actor, USER_MENU)


def nav_items(actor: Any) -> list[tuple[str, str]]:
    return [(i.label, i.endpoint) for m in nav_menus(actor) for i in m.items] + [
        (i.label, i.endpoint) for i in user_menu(actor)
    ]


def can_current(capability: str) -> bool:
    """Jinja ``can('intake')``: may the signed-in user do this? An undeclared name raises."""
    return current_user.is_authenticated and can(current_user, Capability(capability))


def _aware(value: datetime) -> datetime:
    """Stored instants are UTC; SQLite hands them back without a zone."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def local_time(value: datetime | None, fmt: str = "") -> str:
    """An instant in the office's time: 2026年12月4日 09:30 (``fmt`` "date": the day only;
    any other ``fmt`` is a strftime format, for machine-readable attributes)."""
    if value is None:
        return ""
    if not fmt:
        return cn_datetime(_aware(value))
    if fmt == "date":
        return cn_date(_aware(value))
    return _aware(value).astimezone(LOCAL_TZ).strftime(fmt)


def iso(value: Any) -> str:
    """A date for a form field or attribute (``<input type="date">`` wants 2026-12-04)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return _aware(value).astimezone(LOCAL_TZ).date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def shown(value: Any) -> Any:
    """What ``{{ … }}`` prints: nothing for None, dates and instants as the office writes
    them (2026年12月4日, 2026年12月4日 09:30, local time); anything else as it is."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return cn_datetime(_aware(value))
    if isinstance(value, date):
        return cn_date(value)
    return value


def moment_date(value: datetime | None) -> str:
    """2026年12月5日: a stored instant's local date as 公文 print it (no leading zeros)."""
    return cn_date(_aware(value)) if value else ""


def form_title(obligation: Any) -> str:
    """An obligation's form title printed with its period's year (never the seed's)."""
    if obligation.form_code not in FORMS:
        return str(obligation.form_code)
    return form_for(obligation.form_code, obligation.period_start.year).title


def init_app(app: Flask) -> None:
    # Every printed value goes through ``shown`` (compiled into templates on first render).
    app.jinja_env.finalize = shown
    app.add_template_filter(local_time, "local_time")
    app.add_template_filter(iso, "iso")
    app.add_template_filter(form_title, "form_title")
    app.add_template_filter(chinese_ordinal, "cn_ordinal")
    app.add_template_filter(moment_date, "cn_date")
    app.add_template_global(can_current, "can")

    @app.context_processor
    def _globals():
        if not current_user.is_authenticated:
            return {"nav": [], "user_nav": []}
        return {"nav": nav_menus(current_user), "user_nav": user_menu(current_user)}
