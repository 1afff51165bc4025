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


def test_the_reminded_and_the_fillers_are_read_from_the_table():
    """Who files, who is reminded and who manages rules below: capabilities, the same roles
    as before the tuples moved here (issue 17 move 2)."""
    from notifications import clue_reminders, rectification_routes, submission_routes

    assert roles_with(Capability.REPORTS_DUTY) == {Role.REPORTER, Role.HANDLER}
    assert set(submission_routes.FILLERS) == roles_with(Capability.REPORTS_DUTY)
    assert rectification_routes.FILLERS is submission_routes.FILLERS
    assert roles_with(Capability.REPORTS_RULES_BELOW) == {Role.LEADER, Role.ADMIN}
    assert roles_with(Capability.INTAKE_REMINDERS) == {Role.CLERK}
    assert roles_with(Capability.ESCALATIONS) == {Role.LEADER}
    assert set(clue_reminders.TOLD) == {Role.CLERK, Role.LEADER}
    # Every filler can file; every one reminded of escalations can read what is escalated.
    assert roles_with(Capability.REPORTS_DUTY) <= roles_with(Capability.REPORTS_FILL)
    assert roles_with(Capability.ESCALATIONS) <= roles_with(Capability.CLUES_READ)
