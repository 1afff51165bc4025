"""Audiences of the submission lifecycle's notifications (seed ``004_…``).

``fillers``: the people who file the unit's own forms — its 机构填报员, or for a body the
handlers of the body (as the obligation reminders). ``reviewers``: the handlers and
leaders of the body directly above the unit, who may return or accept
(``reporting.access.is_reviewer``).
"""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, aliased

from directory.models import OrgUnit, UnitKind, User
from directory.permissions import Capability, roles_with
from directory.roles import Role
from notifications.routing import Loaded, Subject, SubjectRouter, users_by
from reporting.forms import FORMS
from reporting.models import Obligation, ObligationRule, Submission
from reporting.routing import recipient_offices

FILLERS = tuple(sorted(roles_with(Capability.REPORTS_DUTY)))


def load_submissions(session: Session, ids: set[int], audiences: frozenset[str]) -> Loaded:
    found = session.execute(
        select(
            Submission.id,
            Submission.unit_id,
            Submission.form_code,
            Obligation.period_label,
            Obligation.rule_id,
        )
        .join(Obligation, Obligation.id == Submission.obligation_id)
        .where(Submission.id.in_(ids))
    ).all()
    rule_of = {r[0]: r[4] for r in found}
    rows = [(r[0], r[1], r[2], r[3]) for r in found]
    units = {
        u.id: u
        for u in session.scalars(select(OrgUnit).where(OrgUnit.id.in_({r[1] for r in rows})))
    }
    subjects = {}
    for sid, unit_id, form_code, period in rows:
        form = FORMS.get(form_code)
        title = form.title if form else form_code
        subjects[sid] = Subject(f"{units[unit_id].name} {title}（{period}）", _path(sid))
    loaded = Loaded(subjects, {})
    if "fillers" in audiences:
        by_unit = _people_of(session, set(units), FILLERS)
        loaded.audiences["fillers"] = {sid: by_unit.get(unit_id, []) for sid, unit_id, _, _ in rows}
    if "reviewers" in audiences:
        above = {uid: _body_above(u) for uid, u in units.items()}
        by_body = _people_of(
            session, {b for b in above.values() if b}, tuple(roles_with(Capability.REPORTS_REVIEW))
        )
        offices = _receiving_offices(session, rule_of, {r[0]: units[r[1]] for r in rows})
        by_office = _people_in(session, set().union(*offices.values()) if offices else set())
        loaded.audiences["reviewers"] = {
            sid: (
                [u for o in offices[sid] for u in by_office.get(o, [])]
                if offices.get(sid)
                else by_body.get(above[unit_id] or 0, [])
            )
            for sid, unit_id, _, _ in rows
        }
    return loaded


def _receiving_offices(
    session: Session, rule_of: dict[int, int], unit_of: dict[int, OrgUnit]
) -> dict[int, set[int]]:
    """Per submission, the offices its rule sends it to (``reporting.routing``)."""
    rules = {
        r.id: r
        for r in session.scalars(
            select(ObligationRule).where(ObligationRule.id.in_(set(rule_of.values())))
        )
    }
    return {
        sid: {o.id for o in recipient_offices(rules[rid], unit_of[sid])}
        for sid, rid in rule_of.items()
        if rid in rules
    }


def _people_in(session: Session, offices: set[int]) -> dict[int, list[User]]:
    """Active reviewers working in the given offices."""
    if not offices:
        return {}
    found = session.scalars(
        select(User)
        .where(
            User.active.is_(True),
            User.unit_id.in_(offices),
            User.role.in_([str(r) for r in roles_with(Capability.REPORTS_REVIEW)]),
        )
        .order_by(User.id)
    ).all()
    return users_by((u.unit_id, u) for u in found)


def _path(submission_id: int) -> str:
    return f"/reporting/submissions/{submission_id}"


def _body_above(unit: OrgUnit) -> int | None:
    current = unit.parent
    while current is not None and current.kind == UnitKind.OFFICE:
        current = current.parent
    return current.id if current is not None else None


def _people_of(
    session: Session, bodies: set[int], roles: tuple[Role, ...]
) -> dict[int, list[User]]:
    """Active users of the given roles per body, those of the body's offices included."""
    if not bodies:
        return {}
    home = aliased(OrgUnit)
    found = session.execute(
        select(User, home.id, home.parent_id, home.kind)
        .join(home, home.id == User.unit_id)
        .where(
            User.active.is_(True),
            User.role.in_([str(r) for r in roles]),
            or_(
                home.id.in_(bodies),
                (home.parent_id.in_(bodies)) & (home.kind == UnitKind.OFFICE.value),
            ),
        )
        .order_by(User.id)
    ).all()
    return users_by(
        (unit_id if unit_id in bodies else (parent_id or 0), user)
        for user, unit_id, parent_id, _kind in found
    )


SUBMISSION_ROUTER = SubjectRouter(
    lifecycle="submission",
    audiences=frozenset({"fillers", "reviewers"}),
    extra_keys=frozenset(),
    load=load_submissions,
)
