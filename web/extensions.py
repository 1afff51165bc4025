"""Flask extension objects shared by the app factory and the blueprints.

They live here, not in ``web/app.py``, so a blueprint can use them without importing the
factory (which imports every blueprint)."""

from __future__ import annotations

from flask import request
from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()


def csrf_unless_token() -> None:
    """API writes: a bearer token needs no CSRF token; a session cookie does (X-CSRFToken)."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    if not request.headers.get("Authorization", "").startswith("Bearer "):
        csrf.protect()
