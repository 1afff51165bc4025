"""Roles, their labels and scopes: declared once in ``directory.permissions`` (re-exported)."""

from __future__ import annotations

from directory.permissions import ROLE_LABELS, ROLE_SCOPE, Role, Scope

__all__ = ["ROLE_LABELS", "ROLE_SCOPE", "Role", "Scope"]
