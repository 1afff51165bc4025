"""搜索: one box over clues, tips and institutions within the user's jurisdiction."""

from __future__ import annotations

import re

from flask import Blueprint, render_template, request
from flask_login import current_user
from markupsafe import Markup, escape

from cases.search import MAX_QUERY, search
from cases.states import STATE_LABELS
from web.db import db_session

bp = Blueprint("search", __name__, url_prefix="/search")
api_bp = Blueprint("search_api", __name__, url_prefix="/api")  # GET only: no CSRF needed


def _pattern(q: str) -> re.Pattern[str] | None:
    words = set(q.split()[:5])
    if re.fullmatch(r"\S*\d\S*", q.strip()):  # a number as quoted: "2026-7" marks 2026, 0007
        for group in re.findall(r"\d+", q):
            words.update({group, group.zfill(4)} if len(group) <= 4 else {group})
    ordered = sorted((w for w in words if w), key=len, reverse=True)
    if not ordered:
        return None
    return re.compile("|".join(re.escape(w) for w in ordered), re.IGNORECASE)


@bp.app_template_filter("highlight")
def highlight(value: object, q: str) -> Markup:
    """``value`` escaped, each word of ``q`` wrapped in <mark> (the words escaped too)."""
    text = "" if value is None else str(value)
    pattern = _pattern(q[:MAX_QUERY])
    if pattern is None:
        return escape(text)
    out, last = [], 0
    for m in pattern.finditer(text):
        out.append(escape(text[last : m.start()]))
        out.append(Markup("<mark>%s</mark>") % m.group(0))
        last = m.end()
    out.append(escape(text[last:]))
    return Markup("").join(out)


@bp.app_template_filter("snippet")
def snippet(value: object, q: str, width: int = 40) -> Markup:
    """The part of a long text around the first match of ``q``, highlighted; empty if none."""
    text = "" if value is None else str(value)
    pattern = _pattern(q[:MAX_QUERY])
    m = pattern.search(text) if pattern else None
    if m is None:
        return Markup("")
    start, end = max(m.start() - width, 0), min(m.end() + width, len(text))
    part = ("…" if start else "") + text[start:end] + ("…" if end < len(text) else "")
    return highlight(part, q)


@api_bp.route("/search")
def api():
    """The same search as JSON: clue, tip and institution hits within jurisdiction."""
    result = search(db_session(), current_user, request.args.get("q", ""))
    return {
        "q": result.q,
        "clues": [
            {
                "id": c.id,
                "reference": c.reference,
                "ledger_no": c.ledger_no,
                "summary": c.summary,
                "state": c.state,
                "state_label": c.state_label,
            }
            for c in result.clues
        ],
        "tips": [
            {"id": t.id, "summary": t.summary, "channel": t.channel, "status": t.status}
            for t in result.tips
        ],
        "institutions": [{"id": u.id, "name": u.name, "code": u.code} for u in result.institutions],
    }


@bp.route("")
def index():
    result = search(db_session(), current_user, request.args.get("q", ""))
    return render_template("search.html", result=result, states=STATE_LABELS)
