from __future__ import annotations

import pytest

from config.errors import PermissionDenied
from directory.permissions import Capability, Role, can, require, roles_with
from tests.conftest import user


def test_require_refuses_with_a_chinese_message_naming_the_right(db):
    clerk = user(db, "clerk")
    require(clerk, Capability.INTAKE)
    assert can(clerk, Capability.INTAKE) and not can(clerk, Capability.REPORTS_REVIEW)
    with pytest.raises(PermissionDenied, match="您的角色无权审核报表。"):
        require(clerk, Capability.REPORTS_REVIEW)


def test_an_undeclared_capability_is_an_error_not_a_refusal(db):
    with pytest.raises(ValueError, match="reports.approve"):
        can(user(db, "leader"), "reports.approve")  # type: ignore[arg-type]


def test_roles_with_reads_the_same_table():
    assert roles_with(Capability.CLUES_HANDLE) == {Role.HANDLER, Role.LEADER}
    assert roles_with(Capability.INTAKE) == {Role.CLERK, Role.HANDLER, Role.LEADER}
    assert roles_with(Capability.WORKBENCH) == set(Role)
