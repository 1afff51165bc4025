"""Message templates (zh-CN): a subject and a plain-text body per template id.

Templates see only reference numbers, dates, counts and a link — never the content of
a tip (DESIGN.md: reminders "carry the reference number and a link, not the content").
The variables a template uses are the only context keys ``enqueue`` accepts.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from jinja2 import Environment, StrictUndefined, Template, meta

from config.errors import ValidationError

# template id -> (subject, body). ``link`` (from ``path``) and ``base_url`` are added when
# rendering, from the settings.
TEMPLATES: dict[str, tuple[str, str]] = {
    "obligation_due": (
        "【清风】报送提醒：{{ ref }} 还有 {{ days_left }} 个工作日到期",
        "{{ unit }}：\n{{ title }}（{{ ref }}）应于 {{ deadline }} 前报送，"
        "还有 {{ days_left }} 个工作日。\n请登录清风平台办理：{{ link }}",
    ),
    "obligation_overdue": (
        "【清风】报送逾期：{{ ref }} 已超过报送期限",
        "{{ unit }}：\n{{ title }}（{{ ref }}）的报送期限为 {{ deadline }}，目前尚未报送。"
        "\n请尽快登录清风平台办理：{{ link }}",
    ),
    "clue_due": (
        "【清风】办理提醒：线索 {{ ref }} 还有 {{ days_left }} 个工作日到期",
        "线索 {{ ref }} 当前环节「{{ stage }}」应于 {{ deadline }} 前办结，"
        "还有 {{ days_left }} 个工作日。\n请登录清风平台查看：{{ link }}",
    ),
    "clue_overdue": (
        "【清风】办理逾期：线索 {{ ref }} 已超期",
        "线索 {{ ref }} 当前环节「{{ stage }}」的办理期限为 {{ deadline }}，现已超期。"
        "\n请尽快登录清风平台办理：{{ link }}",
    ),
    "clue_escalated": (
        "【清风】督办：线索 {{ ref }} 超期未办结",
        "线索 {{ ref }} 当前环节「{{ stage }}」的办理期限为 {{ deadline }}，"
        "已超期 {{ days_over }} 个工作日，承办人：{{ handler }}。"
        "\n请登录清风平台督办：{{ link }}",
    ),
    # Rectification items (notifications.rectification_reminders): number, unit, deadline.
    "rectification_due": (
        "【清风】整改提醒：{{ ref }} 还有 {{ days_left }} 个工作日到期",
        "整改事项 {{ ref }} 应于 {{ deadline }} 前完成整改并报告，"
        "还有 {{ days_left }} 个工作日。\n请登录清风平台查看：{{ link }}",
    ),
    "rectification_overdue": (
        "【清风】整改逾期：{{ ref }} 已超过整改期限",
        "整改事项 {{ ref }} 的整改期限为 {{ deadline }}，目前尚未报告整改完成。"
        "\n请尽快登录清风平台办理：{{ link }}",
    ),
    "rectification_escalated": (
        "【清风】督办：整改事项 {{ ref }} 超期未完成",
        "整改事项 {{ ref }} 的整改期限为 {{ deadline }}，已超期 {{ days_over }} 个工作日，"
        "责任人：{{ person }}。\n请登录清风平台督办：{{ link }}",
    ),
    # Referral receipts (notifications.referral_reminders): the kind of organ, not its case.
    "referral_due": (
        "【清风】回执提醒：线索 {{ ref }} 的移送回执"
        "{% if days_left %}还有 {{ days_left }} 个工作日到期{% else %}今日到期{% endif %}",
        "线索 {{ ref }} 已于 {{ sent_on }} 移送{{ target }}，应于 {{ deadline }} 前取得接收机关回执"
        "{% if days_left %}，还有 {{ days_left }} 个工作日{% else %}，今日到期{% endif %}。"
        "\n请登录清风平台查看并登记回执：{{ link }}",
    ),
    "referral_overdue": (
        "【清风】回执逾期：线索 {{ ref }} 的移送回执已超期",
        "线索 {{ ref }} 于 {{ sent_on }} 移送{{ target }}，回执期限为 {{ deadline }}，"
        "至今未登记回执。\n请尽快催收并登记：{{ link }}",
    ),
    "referral_escalated": (
        "【清风】督办：线索 {{ ref }} 的移送回执超期未取得",
        "线索 {{ ref }} 于 {{ sent_on }} 移送{{ target }}，回执期限为 {{ deadline }}，"
        "已超期 {{ days_over }} 个工作日，承办人：{{ handler }}。"
        "\n请登录清风平台督办：{{ link }}",
    ),
    "referral_outcome_due": (
        "【清风】结果提醒：线索 {{ ref }} 的移送处理结果"
        "{% if days_left %}还有 {{ days_left }} 个工作日到期{% else %}今日到期{% endif %}",
        "线索 {{ ref }} 于 {{ sent_on }} 移送{{ target }}，接收机关已签收，应于 {{ deadline }}"
        " 前了解并登记处理结果"
        "{% if days_left %}，还有 {{ days_left }} 个工作日{% else %}，今日到期{% endif %}。"
        "\n请登录清风平台登记处理结果：{{ link }}",
    ),
    "referral_outcome_overdue": (
        "【清风】结果逾期：线索 {{ ref }} 的移送处理结果已超期",
        "线索 {{ ref }} 于 {{ sent_on }} 移送{{ target }}，处理结果期限为 {{ deadline }}，"
        "至今未登记处理结果。\n请尽快了解并登记：{{ link }}",
    ),
    "referral_outcome_escalated": (
        "【清风】督办：线索 {{ ref }} 的移送处理结果超期未登记",
        "线索 {{ ref }} 于 {{ sent_on }} 移送{{ target }}，处理结果期限为 {{ deadline }}，"
        "已超期 {{ days_over }} 个工作日，承办人：{{ handler }}。"
        "\n请登录清风平台督办：{{ link }}",
    ),
    # An unconfirmed year (notifications.calendar_alerts): administrators and leaders only.
    "calendar_unconfirmed": (
        "【清风】{{ year }} 年工作日历尚未确认",
        "{{ year }} 年的工作日历尚未确认（{{ reasons }}）。"
        "落在该年的期限暂为“待定”，照常登记，确认后自动计算并安排提醒。"
        "{% if admin %}\n请按国务院办公厅关于 {{ year }} 年部分节假日安排的通知"
        "录入并确认：{{ link }}"
        "{% else %}\n管理员录入并确认后无需另行操作。查看：{{ link }}{% endif %}",
    ),
    "clue_assigned": (
        "【清风】新交办：线索 {{ ref }}",
        "您有一条新交办的线索 {{ ref }}，办理期限 {{ deadline }}。\n请登录清风平台查看：{{ link }}",
    ),
    # ``action`` names what happened (e.g. "已受理", "已转办"), never what the tip says.
    "event": (
        "【清风】{{ ref }} 有新动态",
        "{{ ref }}：{{ action }}。\n请登录清风平台查看：{{ link }}",
    ),
    "digest": (
        "【清风】您有 {{ count }} 条未读消息",
        "您在清风平台有 {{ count }} 条未读消息：\n"
        "{% for item in items %}· {{ item.title }} {{ base_url }}{{ item.path }}\n{% endfor %}"
        "{% if count > items|length %}……另有 {{ count - items|length }} 条\n{% endif %}"
        "查看全部：{{ link }}\n期限提醒不在此列，另见每日办理提醒汇总。",
    ),
    # The day's reminders to one person on one channel (notifications.reminder_digest):
    # each item is the subject line of the reminder it replaces, and its link.
    "reminder_digest": (
        "【清风】{{ day }} 办理提醒汇总：{{ count }} 项"
        "{% for group in groups %}，{{ group.label }} {{ group.count }}{% endfor %}",
        "您今日共有 {{ count }} 项期限提醒，汇总如下：\n"
        "{% for group in groups %}\n【{{ group.label }}】{{ group.count }} 项\n"
        "{% for item in group['items'] %}"
        "· {{ item.title }} {{ base_url }}{{ item.path }}\n{% endfor %}"
        "{% if group.count > group['items']|length %}"
        "……另有 {{ group.count - group['items']|length }} 项\n{% endif %}"
        "{% endfor %}\n"
        "逐条提醒已保存在站内消息中：{{ base_url }}/inbox\n"
        "如需逐条接收，请在“通知设置”中更改：{{ link }}",
    ),
}

# Context keys every template may carry besides its own variables.
COMMON_KEYS = frozenset({"path"})

_env = Environment(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=False)  # noqa: S701 — plain-text mail, never HTML


@dataclass(frozen=True)
class Rendered:
    subject: str
    body: str
    link: str


@cache
def _compiled(template_id: str) -> tuple[Template, Template]:
    subject, body = TEMPLATES[template_id]
    return _env.from_string(subject), _env.from_string(body)


@cache
def template_keys(template_id: str) -> frozenset[str]:
    """The context keys ``template_id`` may receive: the variables it uses, plus ``path``."""
    if template_id not in TEMPLATES:
        raise ValidationError(f"未知的通知模板：{template_id}")
    found: set[str] = set()
    for source in TEMPLATES[template_id]:
        found |= meta.find_undeclared_variables(_env.parse(source))
    return frozenset(found - {"link", "base_url"}) | COMMON_KEYS


def check_context(template_id: str, context: dict[str, Any]) -> None:
    """Refuse context keys a template does not use, so no tip content is ever stored or sent."""
    extra = sorted(set(context) - template_keys(template_id))
    if extra:
        raise ValidationError(
            "通知只能包含编号、期限和链接等字段，不得携带线索内容；多余字段：" + "、".join(extra)
        )


def link_for(base_url: str, path: str) -> str:
    if not path:
        return base_url.rstrip("/") + "/"
    return base_url.rstrip("/") + "/" + path.lstrip("/")


def render(template_id: str, context: dict[str, Any], base_url: str) -> Rendered:
    """Render a message; the link is built from ``base_url`` (Settings) and the context's path."""
    subject_tpl, body_tpl = _compiled(template_id)
    link = link_for(base_url, str(context.get("path", "")))
    values = {**context, "link": link, "base_url": base_url.rstrip("/")}
    return Rendered(subject_tpl.render(values).strip(), body_tpl.render(values).strip(), link)
