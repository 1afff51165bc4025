"""The clue page, rendered from its read model (``cases/queries/clue_page.py``): shown by
``clues.show`` and again, with what was typed, when a step or a record is refused."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user

from campaigns.inspections import clue_source
from cases.lifecycle import CLUE_LIFECYCLE
from cases.queries.approval import approval_request
from cases.queries.clue_page import clue_page
from cases.queries.timeline import clue_timeline
from cases.reference import CHANNEL_LABELS
from documents.letters import letters_panel
from tips.portal import public_messages


def render_clue(
    sess, clue, *, failed=None, values=None, errors=None, status=200, rfailed=None, rvalues=None
):
    page = clue_page(sess, current_user, clue)
    return render_template(
        "clues/show.html",
        clue=clue,
        lifecycle=CLUE_LIFECYCLE,
        actions=page.actions,
        blocked=page.blocked,
        choices=page.choices,
        defaults=page.defaults,
        approval=approval_request(sess, clue, page.actions, page.defaults),
        narrowed=page.narrowed,
        today=page.today,
        timeline=page.timeline,
        entries=clue_timeline(sess, current_user, clue),
        deadlines=page.deadlines,
        calendar_error=page.calendar_error,
        channels=CHANNEL_LABELS,
        failed=failed,
        values=values or {},
        errors=errors or {},
        rfailed=rfailed,
        rvalues=rvalues or {},
        names=page.names,
        source=clue_source(sess, clue.id),
        can_follow=page.can_follow,
        following=page.following,
        follower_count=page.follower_count,
        **page.handling.as_context(),
        letters=letters_panel(sess, current_user, clue),
        portal_messages=public_messages(sess, clue.tip) if clue.tip is not None else [],
    ), status
