"""Fuzz the JSON API from its own OpenAPI description: no input makes it answer 5xx,
and every answer matches the description. (Driven through Hypothesis directly: the
schemathesis pytest plugin does not support this pytest version.)"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import schemathesis
import time_machine
from hypothesis import HealthCheck, given, settings
from schemathesis import checks

from directory.tokens import create_token
from tests.cases.factories import new_clue
from tests.conftest import user


def test_api_answers_by_its_description_and_never_with_a_server_error(app, db):
    with time_machine.travel(datetime(2026, 6, 15, 10, tzinfo=ZoneInfo("Asia/Shanghai"))):
        for i in range(3):
            new_clue(db, summary=f"接口测试线索{i}")
        tokens = {}
        for name in ("clerk", "reporter"):
            person = user(db, name)
            tokens[name] = create_token(db, person, person, "fuzz")[1]
        db.flush()
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 14

    for operation in operations:
        # Reporting endpoints as an institution reporter, the rest as an intake clerk.
        reporting = "submission" in operation.path or "obligation" in operation.path
        fuzz(operation, {"Authorization": f"Bearer {tokens['reporter' if reporting else 'clerk']}"})


def fuzz(operation, headers: dict[str, str]) -> None:
    @given(case=operation.as_strategy())
    @settings(
        max_examples=40, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    def check(case):
        # Business rules (which fields a step needs) are not in the schema, so a
        # schema-valid request may still be refused with 422: that is not a failure.
        case.call_and_validate(headers=headers, excluded_checks=[checks.positive_data_acceptance])

    check()
