"""The submission lifecycle as one table: draft → submitted → returned → resubmitted → accepted.

A reporter may withdraw (撤回) what it sent until a reviewer of the body above has opened
it (``Submission.opened_at``): a first submission goes back to draft, a resubmission back
to returned. The step is logged like every other.

Seed ``004_…``: forms go up to the office above, which may send them back; an accepted
form is locked (``accepted`` is terminal) and changed only by a new, reasoned version.
Who may act on which unit (own unit vs. the body above) is checked in
``reporting.submissions``; the table holds the roles.
"""

from __future__ import annotations

from typing import Any

from directory.permissions import Capability, roles_with
from reporting.models import SUBMISSION_STATE_LABELS, SubmissionState
from workflow.lifecycle import FieldKind, FieldSpec, Lifecycle, Notify, Transition

S = SubmissionState
# The roles that fire each step: those the role table grants filling or reviewing.
FILLERS = frozenset(str(r) for r in roles_with(Capability.REPORTS_FILL))
REVIEWERS = frozenset(str(r) for r in roles_with(Capability.REPORTS_REVIEW))

# Who is told (notifications.router reads these): the reviewers of the body above when a
# form comes in, the unit's fillers (its 机构填报员) when it is returned or accepted.
SUBMITTED = Notify("submission.submitted", "reviewers", "已报送，待审核")
RETURNED = Notify("submission.returned", "fillers", "已被退回修改，请查看退回理由后重新报送")
ACCEPTED = Notify("submission.accepted", "fillers", "已审核接收")

TRANSITIONS = (
    Transition(
        "submit",
        (S.DRAFT,),
        S.SUBMITTED,
        "报送",
        FILLERS,
        notify=SUBMITTED,
        confirm="报送后不能再修改，确定报送？",
        style="primary",
    ),
    Transition(
        "withdraw",
        (S.SUBMITTED,),
        S.DRAFT,
        "撤回",
        FILLERS,
        guards=("not_opened",),
        confirm="撤回后报表回到草稿，修改后需重新报送。确定撤回？",
    ),
    Transition(
        "withdraw_resubmission",
        (S.RESUBMITTED,),
        S.RETURNED,
        "撤回",
        FILLERS,
        guards=("not_opened",),
        confirm="撤回后报表回到“已退回”，修改后需重新报送。确定撤回？",
    ),
    Transition(
        "send_back",
        (S.SUBMITTED, S.RESUBMITTED),
        S.RETURNED,
        "退回修改",
        REVIEWERS,
        fields=(FieldSpec("reason", "退回理由", FieldKind.TEXTAREA),),
        notify=RETURNED,
        style="danger",
    ),
    Transition(
        "resubmit",
        (S.RETURNED,),
        S.RESUBMITTED,
        "重新报送",
        FILLERS,
        notify=SUBMITTED,
        style="primary",
    ),
    Transition(
        "accept",
        (S.SUBMITTED, S.RESUBMITTED),
        S.ACCEPTED,
        "审核接收",
        REVIEWERS,
        fields=(FieldSpec("reason", "审核意见", FieldKind.TEXTAREA, required=False),),
        notify=ACCEPTED,
        confirm="接收后报表锁定，只能通过新版本更正，确定接收？",
        style="primary",
    ),
)


def _not_opened(sub: Any) -> str | None:
    if sub.opened_at is not None:
        return "上级审核人员已打开该报表，不能撤回；如需修改，请联系审核人员退回。"
    return None


SEND_TRIGGERS = frozenset({"submit", "resubmit"})
WITHDRAW_TRIGGERS = frozenset({"withdraw", "withdraw_resubmission"})
FILL_TRIGGERS = SEND_TRIGGERS | WITHDRAW_TRIGGERS
REVIEW_TRIGGERS = frozenset({"send_back", "accept"})

SUBMISSION_LIFECYCLE = Lifecycle(
    name="submission",
    states=SubmissionState,
    labels=SUBMISSION_STATE_LABELS,
    initial=S.DRAFT,
    transitions=TRANSITIONS,
    guards={"not_opened": _not_opened},
    terminal=frozenset({S.ACCEPTED}),
)
