"""Fuzz the JSON API from its own OpenAPI description: no input makes it answer 5xx,
and every answer matches the description. (Driven through Hypothesis directly: the
schemathesis pytest plugin does not support this pytest version.)"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import schemathesis
import time_machine
from hypothesis import HealthCheck, given, settings
from schemathesis import checks

from cases.record_actions import perform
from cases.states import ClueState
from directory.tokens import create_token
from reporting.submissions import fire, start_draft
from tests.cases.factories import clue_in_state, new_clue
from tests.conftest import user
from tests.reporting.journey import obligation

# The state in which each record action's section of the clue page takes changes.
# Facts go on another clue than the negative list's, which needs a kickback category.
RECORD_STATES = {
    "facts": ClueState.VERIFYING,
    "plan": ClueState.VERIFYING,
    "hand_down": ClueState.VERIFYING,
    "talk": ClueState.TALK_INQUIRY,
    "inquiry": ClueState.TALK_INQUIRY,
    "inquiry_reply": ClueState.TALK_INQUIRY,
    "feedback": ClueState.FEEDBACK,
}


def test_api_answers_by_its_description_and_never_with_a_server_error(app, db):
    with time_machine.travel(datetime(2026, 6, 15, 10, tzinfo=ZoneInfo("Asia/Shanghai"))):
        for i in range(3):
            new_clue(db, summary=f"接口测试线索{i}")
        tokens = {}
        for name in ("clerk", "reporter", "handler", "leader"):
            person = user(db, name)
            tokens[name] = create_token(db, person, person, "fuzz")[1]
        clues = handling_clues(db)
        reporter = user(db, "reporter")
        form = start_draft(db, reporter, obligation(db, "C01-D01-H01", start=date(2026, 5, 1)))
        fire(db, reporter, form, "submit", zero_report=True)
        db.flush()
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 36  # with POST ./records/referral_outcome (issue 19)

    for operation in operations:
        as_user, path = "clerk", {}
        if operation.path.startswith("/api/clues/{clue_id}/records"):
            # Writes by the clue's handler, on a clue whose section is open, so that the
            # services (not only the refusals) see the generated bodies; reads as a clerk.
            action = operation.path.rsplit("/", 1)[1]
            as_user = "handler" if action != "records" else "clerk"
            path = {"clue_id": clues[RECORD_STATES.get(action, ClueState.DISPOSING)]}
        elif operation.path.endswith(("/accept", "/return")):
            as_user, path = "leader", {"submission_id": form.id}  # the county reviews
        elif any(word in operation.path for word in ("submission", "obligation", "redpacket")):
            as_user = "reporter"
        fuzz(operation, {"Authorization": f"Bearer {tokens[as_user]}"}, path)


def handling_clues(db) -> dict[str, int]:
    """A clue of the handler's in each state the record actions need, with some records."""
    handler = user(db, "handler")
    clues = {
        state: clue_in_state(db, state, category="kickback")
        for state in (*RECORD_STATES.values(), ClueState.DISPOSING)
    }
    disposing = clues[ClueState.DISPOSING]
    subject = perform(
        db, handler, disposing, "subject", {"kind": "person", "name": "张某", "post": "doctor"}
    )
    perform(
        db,
        handler,
        disposing,
        "sanction",
        {"subject_id": subject.id, "kind": "admonishment", "decided_on": "2026-06-15"},
    )
    perform(
        db,
        handler,
        disposing,
        "referral",
        {"target": "judicial", "organ": "公安局", "sent_on": "2026-06-15"},
    )
    talking = clues[ClueState.TALK_INQUIRY]
    perform(db, handler, talking, "inquiry", {"recipient": "张某", "sent_on": "2026-06-15"})
    return {state: clue.id for state, clue in clues.items()}


def fuzz(operation, headers: dict[str, str], path: dict[str, int]) -> None:
    @given(case=operation.as_strategy())
    @settings(
        max_examples=40, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    def check(case):
        case.path_parameters = {**(case.path_parameters or {}), **path}
        # Business rules (which fields a step needs) are not in the schema, so a
        # schema-valid request may still be refused with 422: that is not a failure.
        case.call_and_validate(headers=headers, excluded_checks=[checks.positive_data_acceptance])

    check()
