"""搜索: one box over clues, tips and institutions (placeholder until the search commit)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("search", __name__, url_prefix="/search")
