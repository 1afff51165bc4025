"""Every endpoint × every role × inside/outside the jurisdiction, against an explicit policy.

The table below is the policy: an endpoint that is not in it fails the test, so a new
route cannot ship without someone deciding who may reach it. A failing run lists each
answer that differs from the policy (method, endpoint, side, status).
"""

from __future__ import annotations

from typing import NamedTuple

import pytest
from werkzeug.routing import Rule

from tests.conftest import csrf_token, login
from tests.security.policy_extra import ARGS, ROWS, TRIGGERS
from tests.security.world import World, build_world

DEMO = ("admin", "inspector", "leader", "handler", "clerk", "reporter")
SECOND = ("leader2", "clerk2")  # 石门县: every side-"a" object is outside their jurisdiction
ROLES = (*DEMO, *SECOND)
HOME = {name: "b" if name in SECOND else "a" for name in ROLES}
ALL = frozenset(ROLES)
STAFF = frozenset(ROLES) - {"reporter"}
ADMIN = frozenset({"admin"})
OPEN = "open"  # no sign-in needed


class Rule_(NamedTuple):
    roles: frozenset[str] | str  # who may, inside their jurisdiction (or OPEN)
    scoped: bool = False  # the URL names an object: outside the jurisdiction is refused
    reach_all: frozenset[str] = ADMIN  # roles whose jurisdiction covers both sides
    # The service refuses a write with a flash message and a redirect instead of 403.
    redirect_refusal: bool = False
    note: str = ""


MANAGERS = frozenset({"admin", "leader", "handler", "leader2"})  # Capability.CAMPAIGNS_MANAGE
INTAKE = frozenset({"leader", "handler", "clerk", "leader2", "clerk2"})  # Capability.INTAKE
LEDGER = INTAKE | {"inspector"}  # Capability.CLUES_READ

POLICY: dict[str, Rule_] = {
    "campaigns.board": Rule_(ALL),
    "campaigns.import_task_table": Rule_(MANAGERS, scoped=True, redirect_refusal=True),
    "campaigns.index": Rule_(ALL),
    # The inspected institution's reporter may read its own inspection; offices see
    # inspections of institutions in their jurisdiction (clerks and handlers of a bureau
    # do not reach its institutions).
    "campaigns.inspection": Rule_(
        frozenset({"admin", "inspector", "leader", "reporter", "leader2"}), scoped=True
    ),
    "campaigns.new": Rule_(MANAGERS),
    "campaigns.new_inspection": Rule_(INTAKE, scoped=True),
    "campaigns.notice": Rule_(ALL, scoped=True),
    "campaigns.overview": Rule_(ALL, scoped=True),
    "campaigns.progress": Rule_(STAFF - {"inspector"}, scoped=True, redirect_refusal=True),
    "search.index": Rule_(ALL),
    "search_api.api": Rule_(ALL),
    "intake_check.desk_similar": Rule_(INTAKE),
    "intake_check_api.api_similar": Rule_(INTAKE),
    "stats.index": Rule_(STAFF),
    "admin.import_directory": Rule_(ADMIN),
    "admin.reset_user_totp": Rule_(ADMIN, scoped=True, redirect_refusal=True),
    "admin.unit_form": Rule_(ADMIN, scoped=True),
    "admin.units": Rule_(frozenset({"admin", "inspector", "leader", "leader2"})),
    "admin.user_form": Rule_(ADMIN, scoped=True),
    "admin.users": Rule_(ADMIN),
    "api.clue_timeline": Rule_(STAFF, scoped=True),
    "api.fire_transition": Rule_(STAFF, scoped=True),
    "api.list_clues": Rule_(ALL),
    "api.openapi": Rule_(OPEN),
    "api.show_clue": Rule_(STAFF, scoped=True),
    "auth.login": Rule_(OPEN),
    "auth.login_code": Rule_(OPEN),
    "auth.logout": Rule_(OPEN),
    "calendar.edit": Rule_(ADMIN),
    "calendar.index": Rule_(ADMIN),
    "calendar.notice": Rule_(ADMIN),
    "calendar.unconfirm": Rule_(ADMIN),
    "clues.fire_view": Rule_(STAFF, scoped=True),
    # Following a clue (关注): whoever may open its page, except institution reporters.
    "clues.follow": Rule_(STAFF, scoped=True),
    "clues.index": Rule_(ALL),
    "clues.new": Rule_(ALL, note="the form is shown to all; create_clue checks the role"),
    "clues.show": Rule_(STAFF, scoped=True),
    "clues.unfollow": Rule_(STAFF, scoped=True),
    "handling.card": Rule_(STAFF, scoped=True),
    "handling.download": Rule_(STAFF, scoped=True),
    # Records on a clue: its handler and the unit's leaders (section rights in the service).
    "handling.record": Rule_(frozenset({"leader", "handler", "leader2"}), scoped=True),
    "handling.upload": Rule_(
        STAFF, scoped=True, note="section rights are checked by the service: flash + 303"
    ),
    # The JSON twins of handling.record and ledger.redpackets (same services).
    "handling_api.clue_records": Rule_(STAFF, scoped=True),
    "handling_api.list_redpackets": Rule_(
        frozenset({"inspector", "leader", "handler", "clerk", "reporter", "leader2", "clerk2"})
    ),
    "handling_api.register_redpacket": Rule_(frozenset({"reporter"})),
    "handling_api.write_record": Rule_(frozenset({"leader", "handler", "leader2"}), scoped=True),
    "home.index": Rule_(ALL),
    "inbox.channels": Rule_(ALL),
    "inbox.index": Rule_(ALL),
    "inbox.mark_all_read": Rule_(ALL),
    "inbox.mark_read": Rule_(ALL, scoped=True, reach_all=frozenset()),
    "inbox.open_message": Rule_(ALL, scoped=True, reach_all=frozenset()),
    "intake.decide_view": Rule_(INTAKE, scoped=True),
    "intake.decision": Rule_(INTAKE, scoped=True),
    "intake.desk": Rule_(INTAKE),
    "ledger.export": Rule_(LEDGER),
    "exports.start": Rule_(LEDGER),
    "exports.show": Rule_(LEDGER),
    "exports.download": Rule_(LEDGER),
    "ledger.index": Rule_(LEDGER),
    "ledger.redpackets": Rule_(
        frozenset({"inspector", "leader", "handler", "clerk", "reporter", "leader2", "clerk2"}),
        redirect_refusal=True,
    ),
    "ledger.redpackets_export": Rule_(
        frozenset({"inspector", "leader", "handler", "clerk", "reporter", "leader2", "clerk2"})
    ),
    "mailbox.download_raw": Rule_(INTAKE, scoped=True),
    # The mail a tip came in, byte for byte: intake roles of the tip's body.
    "mailbox.original": Rule_(INTAKE, scoped=True),
    "mailbox.open_tip": Rule_(INTAKE, scoped=True),
    "mailbox.quarantine": Rule_(INTAKE),
    "mailbox.quarantined": Rule_(INTAKE, scoped=True),
    "mailbox.queue": Rule_(INTAKE),
    "portal.index": Rule_(OPEN),
    "portal.report": Rule_(OPEN),
    "portal.status": Rule_(OPEN),
    "reporting.amend_view": Rule_(
        frozenset({"admin", "inspector", "leader", "handler", "reporter", "leader2"}), scoped=True
    ),
    # The world's attachment ids are a tip's, never a submission's: every download is 404.
    # Who may download is tested in tests/reporting/test_attachments.py.
    "reporting.attachment": Rule_(frozenset(), scoped=True),
    "reporting.compliance_view": Rule_(STAFF),
    # Readers: the service refuses with a message and a redirect. The owner (reporter): 404,
    # the world's id is no attachment of this 统计表 (tests/reporting/test_stamped_pdf.py).
    "reporting.delete_attachment": Rule_(
        frozenset({"admin", "inspector", "leader", "handler", "leader2"}), scoped=True
    ),
    "reporting.export_one": Rule_(
        frozenset({"admin", "inspector", "leader", "handler", "reporter", "leader2"}), scoped=True
    ),
    "reporting.fire_view": Rule_(
        frozenset({"admin", "inspector", "leader", "handler", "reporter", "leader2"}), scoped=True
    ),
    "reporting.obligation": Rule_(
        frozenset({"admin", "inspector", "leader", "handler", "reporter", "leader2"}), scoped=True
    ),
    "reporting.review": Rule_(ALL),
    "reporting.rollup_view": Rule_(STAFF),
    "reporting.save": Rule_(
        frozenset({"admin", "inspector", "leader", "handler", "reporter", "leader2"}), scoped=True
    ),
    "reporting.send": Rule_(
        frozenset({"admin", "inspector", "leader", "handler", "reporter", "leader2"}), scoped=True
    ),
    "reporting.submission": Rule_(
        frozenset({"admin", "inspector", "leader", "handler", "reporter", "leader2"}), scoped=True
    ),
    "reporting.tasks": Rule_(ALL),
    "reporting.upload_attachments": Rule_(
        frozenset({"admin", "inspector", "leader", "handler", "reporter", "leader2"}), scoped=True
    ),
    # Review: the handlers and leaders of the body directly above the submitting unit.
    "reporting_api.accept_submission": Rule_(
        frozenset({"leader", "handler", "leader2"}), scoped=True
    ),
    "reporting_api.create_draft": Rule_(frozenset({"reporter"}), scoped=True),
    "reporting_api.list_obligations": Rule_(ALL),
    "reporting_api.read_obligation": Rule_(
        frozenset({"admin", "inspector", "leader", "handler", "reporter", "leader2"}), scoped=True
    ),
    "reporting_api.read_submission": Rule_(
        frozenset({"admin", "inspector", "leader", "handler", "reporter", "leader2"}), scoped=True
    ),
    "reporting_api.return_submission": Rule_(
        frozenset({"leader", "handler", "leader2"}), scoped=True
    ),
    "reporting_api.save_submission": Rule_(frozenset({"reporter"}), scoped=True),
    "reporting_api.submit_submission": Rule_(frozenset({"reporter"}), scoped=True),
    "reporting_api.withdraw_submission": Rule_(frozenset({"reporter"}), scoped=True),
    "scheduler.dry_run": Rule_(ADMIN),
    "scheduler.index": Rule_(ADMIN),
    "storage.index": Rule_(ADMIN),
    "scheduler.retry": Rule_(ADMIN),
    "security.disable": Rule_(ALL),
    "security.enrol": Rule_(ALL),
    "security.index": Rule_(ALL),
    "security.qr": Rule_(ALL),
    "security.recovery_codes": Rule_(ALL),
    "static": Rule_(OPEN),
    "tips.attachment": Rule_(LEDGER, scoped=True),
    "tips.index": Rule_(LEDGER),
    "tips.reply": Rule_(LEDGER, scoped=True),
    # The photo as received (EXIF/GPS) is a reveal: the same roles, logged.
    "tips.original": Rule_(INTAKE, scoped=True),
    "tips.request_reveal": Rule_(INTAKE, scoped=True),
    # The second person of the two-person rule: a leader over the tip (not the requester).
    "tips.decide_reveal": Rule_(frozenset({"leader", "leader2"}), scoped=True),
    "tips.reveal": Rule_(INTAKE, scoped=True),
    "tips.show": Rule_(LEDGER, scoped=True),
    "tips_api.create": Rule_(INTAKE),
    "tips_api.index": Rule_(LEDGER),
    "tips_api.show": Rule_(LEDGER, scoped=True),
} | {name: Rule_(**row) for name, row in ROWS.items()}


def _rules(app) -> list[Rule]:
    def order(rule: Rule) -> tuple[int, str]:
        late = {
            "calendar.unconfirm": 2,
            "auth.login_code": 3,
            "auth.login": 4,
            "auth.logout": 5,
        }.get(rule.endpoint, 0)
        return (late or (1 if "GET" not in rule.methods else 0), rule.rule)

    return sorted(app.url_map.iter_rules(), key=order)


def _methods(rule: Rule) -> list[str]:
    return sorted(rule.methods - {"HEAD", "OPTIONS"})  # type: ignore[operator]


OBJECT_ARGS = {
    "clue_id",
    "attachment_id",
    "tip_id",
    "obligation_id",
    "submission_id",
    "user_id",
    "unit_id",
    "item_id",
    "message_id",
    "campaign_id",
    "task_id",
    "inspection_id",
    "request_id",
} | set(ARGS)


def _url(app, rule: Rule, world: World, side: str, username: str) -> str:
    s = world.sides[side]
    own = side == HOME.get(username, "a")
    other_owner = "leader" if username == "admin" else "admin"
    values: dict[str, object] = {
        "clue_id": s.clue_id,
        "attachment_id": s.clue_attachment_id
        if rule.endpoint.startswith("handling.")
        else s.tip_photo_id
        if rule.endpoint == "tips.original"
        else s.tip_attachment_id,
        "request_id": s.reveal_request_id,
        "tip_id": s.tip_id,
        "obligation_id": s.obligation_id,
        "submission_id": s.submission_id,
        "user_id": s.user_id,
        "unit_id": s.unit_id,
        "item_id": s.quarantine_id,
        "campaign_id": s.campaign_id,
        "task_id": s.task_id,
        "inspection_id": s.inspection_id,
        "message_id": world.messages.get(username if own else other_owner, 0),
        "job_id": world.export_jobs.get(username, 0),  # a job is its starter's alone
        "delivery_id": world.delivery_id,
        "year": 2026,
        "trigger": next((t for p, t in TRIGGERS.items() if rule.endpoint.startswith(p)), ""),
        "action": "plan",
        "filename": "app.css",
    }
    values |= {name: value(s) for name, value in ARGS.items()}
    args = {name: values[name] for name in rule.arguments}
    if rule.endpoint == "tips_api.create" or rule.endpoint == "api.list_clues":
        args = {}
    with app.test_request_context():
        return app.url_map.bind("localhost").build(rule.endpoint, args)


# Well-formed bodies, so that the jurisdiction check, not input validation, answers.
JSON_BODIES: dict[str, dict] = {
    "api.fire_transition": {"trigger": "propose_route", "data": {}},
    "reporting_api.save_submission": {"values": {}},
    "tips_api.create": {"channel": "letter", "content": "来信反映乱收费"},
    "intake_check_api.api_similar": {"content": "来信反映卫生院乱收费，每次多收五元"},
}


class Answer(NamedTuple):
    endpoint: str
    method: str
    side: str
    status: int
    location: str


def _visit(
    app,
    client,
    token: str | None,
    csrf: str | None,
    rule: Rule,
    method: str,
    url: str,
    bodies: list | None = None,
):
    headers = {"Authorization": f"Bearer {token}"} if token and url.startswith("/api/") else {}
    if url.startswith("/api/") and token:
        from flask.testing import FlaskClient

        client = FlaskClient(app)  # a token request carries no session cookie
    if method == "GET":
        response = client.get(url, headers=headers)
    elif url.startswith("/api/"):
        if csrf and not token:
            headers["X-CSRFToken"] = csrf
        body = JSON_BODIES.get(rule.endpoint, {})
        response = client.open(url, method=method, json=body, headers=headers)
    else:
        response = client.open(url, method=method, data={"csrf_token": csrf or ""})
    if bodies is not None:
        bodies.append((rule.endpoint, method, url, response.content_type, response.get_data()))
    response.close()
    return response.status_code, response.headers.get("Location", "")


def visit_all(
    app, world: World, username: str | None, token: str | None, bodies: list | None = None
) -> list[Answer]:
    client = app.test_client()
    csrf = None
    if username:
        assert login(client, username).status_code == 302
        csrf = csrf_token(client, "/me/security")
    else:
        csrf = csrf_token(client, "/login")  # so that the sign-in check, not CSRF, answers
    answers = []
    for rule in _rules(app):
        sides = ["a", "b"] if OBJECT_ARGS & set(rule.arguments) and username else ["a"]
        for method in _methods(rule):
            for side in sides:
                url = _url(app, rule, world, side, username or "")
                status, location = _visit(app, client, token, csrf, rule, method, url, bodies)
                answers.append(Answer(rule.endpoint, method, side, status, location))
    return answers


@pytest.fixture
def world(app, db) -> World:
    return build_world(app, db, list(ROLES))


def _token(db, username: str) -> str:
    from directory.tokens import create_token
    from tests.conftest import user

    owner = user(db, username)
    _, secret = create_token(db, owner, owner, "matrix")
    db.commit()
    return secret


def test_every_endpoint_has_a_policy(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert sorted(endpoints - POLICY.keys()) == [], "add these endpoints to POLICY"
    assert sorted(POLICY.keys() - endpoints) == [], "these endpoints no longer exist"


def _expected(username: str | None, rule: Rule_, side: str) -> str:
    if rule.roles == OPEN:
        return "open"
    if username is None:
        return "sign-in"
    if username not in rule.roles:
        return "refused"
    if rule.scoped and side != HOME[username] and username not in rule.reach_all:
        return "refused"
    return "allowed"


def _judge(answer: Answer, expected: str, rule: Rule_) -> bool:
    status, to_login = answer.status, "/login" in answer.location
    writes = answer.method in {"POST", "PUT"}
    if expected == "open":
        return status < 500 and status not in {401, 403}
    if expected == "sign-in":
        if answer.endpoint.split(".")[0].endswith("api"):
            return status == 401
        return status == 302 and to_login
    if expected == "refused":
        if rule.redirect_refusal and writes and status in {302, 303}:
            return not to_login
        return status in {403, 404}
    # Allowed: the handler answered. A write with an empty form may be refused as invalid.
    ok = 200 <= status < 400 or (writes and status in {400, 409, 422})
    return ok and not to_login


@pytest.mark.parametrize("username", [None, *ROLES])
def test_access_matrix(app, db, world, username):
    token = _token(db, username) if username else None
    wrong = []
    for answer in visit_all(app, world, username, token):
        expected = _expected(username, POLICY[answer.endpoint], answer.side)
        if not _judge(answer, expected, POLICY[answer.endpoint]):
            wrong.append(
                f"{answer.method} {answer.endpoint} [{answer.side}]: "
                f"{answer.status} {answer.location}, expected {expected}"
            )
    assert wrong == []
