"""Roles and what each may see.

A user sees their own unit and, where the role allows, the units below it
(DESIGN.md, "Who uses it").
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    CLERK = "clerk"
    HANDLER = "handler"
    LEADER = "leader"
    REPORTER = "reporter"
    INSPECTOR = "inspector"
    ADMIN = "admin"


ROLE_LABELS: dict[Role, str] = {
    Role.CLERK: "登记员",
    Role.HANDLER: "承办人",
    Role.LEADER: "分管/主要负责人",
    Role.REPORTER: "机构填报员",
    Role.INSPECTOR: "纪检/督查",
    Role.ADMIN: "管理员",
}


class Scope(StrEnum):
    BODY = "body"  # own body and its offices
    TREE = "tree"  # own body, its offices and every unit below


ROLE_SCOPE: dict[Role, Scope] = {
    Role.CLERK: Scope.BODY,
    Role.HANDLER: Scope.BODY,
    Role.REPORTER: Scope.BODY,
    Role.LEADER: Scope.TREE,
    Role.INSPECTOR: Scope.TREE,
    Role.ADMIN: Scope.TREE,
}
