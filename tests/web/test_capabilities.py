"""Capabilities are declared once (``directory.permissions``) and every one is used.

Navigation, templates (``can('…')``) and services name capabilities, never role tuples:
a name that is not declared, a declared one nobody uses, or a role without a row fails here.
"""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import pytest

from directory.permissions import CAPABILITY_LABELS, ROLES, Capability, Role, roles_with
from web.filters import NAVIGATION, nav_items, nav_menus

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("campaigns", "cases", "config", "directory", "notifications", "reporting", "tips")
PACKAGES += ("rectification", "supervision")
PACKAGES += ("web", "workflow")
TEMPLATE_CAN = re.compile(r"""\bcan\(\s*['"]([^'"]*)['"]\s*\)""")
CODE_CAN = re.compile(r"\bCapability\.([A-Z_]+)\b")


def _templates() -> list[Path]:
    return sorted((ROOT / "web" / "templates").rglob("*.html"))


def _template_names() -> set[str]:
    return {name for path in _templates() for name in TEMPLATE_CAN.findall(path.read_text())}


def _code_members() -> set[str]:
    found: set[str] = set()
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if path != ROOT / "directory" / "permissions.py":
                found.update(CODE_CAN.findall(path.read_text()))
    return found


def test_every_role_has_one_row_with_a_label_a_scope_and_capabilities():
    assert set(ROLES) == set(Role)
    for role, spec in ROLES.items():
        assert spec.label and spec.scope and spec.grants, role


def test_every_capability_has_a_chinese_label_and_someone_holding_it():
    assert set(CAPABILITY_LABELS) == set(Capability)
    assert all(roles_with(capability) for capability in Capability)


def test_every_capability_named_in_templates_and_navigation_is_declared():
    declared = {str(c) for c in Capability}
    assert _template_names() <= declared, _template_names() - declared
    assert all(isinstance(capability, Capability) for _, _, capability in NAVIGATION)


def test_every_declared_capability_is_used():
    used = {str(c) for _, _, c in NAVIGATION} | _template_names()
    used |= {str(Capability[name]) for name in _code_members()}
    assert used == {str(c) for c in Capability}, {str(c) for c in Capability} - used


def test_no_template_decides_by_role():
    """Templates ask ``can('…')``; the role is only shown (``role_label``)."""
    offenders = [
        str(path.relative_to(ROOT))
        for path in _templates()
        if re.search(r"current_user\.role\b(?!_label)", path.read_text())
    ]
    assert offenders == []


# Each demo role's menu, as it was when the menu listed roles (the behaviour is unchanged).
MENUS: dict[Role, tuple[str, ...]] = {
    Role.ADMIN: (
        "工作台",
        "整改台账",
        "报送情况",
        "报送规则",
        "统计图表",
        "专项行动",
        "用户管理",
        "组织机构",
        "导入机构",
        "工作日历",
        "定时任务",
        "搜索",
        "账户安全",
    ),
    Role.INSPECTOR: (
        "工作台",
        "问题线索",
        "线索台账",
        "整改台账",
        "督办看板",
        "红包上缴",
        "报送情况",
        "统计图表",
        "举报",
        "专项行动",
        "组织机构",
        "搜索",
        "账户安全",
    ),
    Role.LEADER: (
        "工作台",
        "问题线索",
        "线索台账",
        "整改台账",
        "督办看板",
        "红包上缴",
        "报表任务",
        "报表审核",
        "报送情况",
        "报送规则",
        "登记册",
        "统计图表",
        "举报登记",
        "举报",
        "邮箱待登记",
        "专项行动",
        "组织机构",
        "搜索",
        "账户安全",
    ),
    Role.HANDLER: (
        "工作台",
        "问题线索",
        "线索台账",
        "整改台账",
        "红包上缴",
        "报表任务",
        "报表审核",
        "报送情况",
        "报送规则",
        "登记册",
        "统计图表",
        "举报登记",
        "举报",
        "邮箱待登记",
        "专项行动",
        "搜索",
        "账户安全",
    ),
    Role.CLERK: (
        "工作台",
        "问题线索",
        "线索台账",
        "整改台账",
        "红包上缴",
        "报送情况",  # the compliance pages were open to clerks; now their menu says so
        "统计图表",
        "举报登记",
        "举报",
        "邮箱待登记",
        "专项行动",
        "搜索",
        "账户安全",
    ),
    Role.REPORTER: ("工作台", "整改台账", "红包上缴", "报表任务", "登记册", "搜索", "账户安全"),
}


# The entries renamed when the menu was grouped by task (issue 18), and the one added.
RENAMED = {
    "问题线索": "线索列表",
    "举报登记": "登记新举报",
    "举报": "全部举报件",
    "邮箱待登记": "邮箱来信待登记",
}


# Entries added with their features this round: the portal contacts, the 文号 register and
# letter templates (administrators), 重大线索 and the 通报 of typical cases (leader, handler);
# every staff member reads the 督查通报 of the bodies above (added for all, above).
ADDED_SINCE: dict[Role, set[str]] = {
    Role.ADMIN: {"举报平台联系方式", "文种与文号", "文书模板"},
    Role.LEADER: {"重大线索", "典型案例通报"},
    Role.HANDLER: {"重大线索", "典型案例通报"},
}


@pytest.mark.parametrize("role", list(MENUS))
def test_each_role_sees_its_menu(app, role):
    with app.test_request_context("/"):
        labels = [label for label, _ in nav_items(SimpleNamespace(role=role.value))]
    assert len(labels) == len(set(labels))
    added = {"通知设置", "督查通报"} | ADDED_SINCE.get(role, set())
    assert set(labels) == {RENAMED.get(x, x) for x in MENUS[role]} | added


def test_menus_are_grouped_by_task_and_hide_what_a_role_cannot_open(app):
    with app.test_request_context("/"):
        leader = [m.label for m in nav_menus(SimpleNamespace(role=Role.LEADER.value)) if m.label]
        reporter = [m.label for m in nav_menus(SimpleNamespace(role=Role.REPORTER.value))]
        admin = [m.label for m in nav_menus(SimpleNamespace(role=Role.ADMIN.value)) if m.label]
    assert leader == ["受理登记", "问题线索", "统计报送", "专项工作", "系统管理"]
    assert "受理登记" not in reporter and "系统管理" not in reporter
    assert admin == ["统计报送", "专项工作", "系统管理"]
