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
from reporting.models import Obligation, Submission


def load_submissions(session: Session, ids: set[int], audiences: frozenset[str]) -> Loaded:
    rows = session.execute(
        select(Submission.id, Submission.unit_id, Submission.form_code, Obligation.period_label)
        .join(Obligation, Obligation.id == Submission.obligation_id)
        .where(Submission.id.in_(ids))
    ).all()
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
        by_unit = _people_of(session, set(units), (Role.REPORTER, Role.HANDLER))
        loaded.audiences["fillers"] = {sid: by_unit.get(unit_id, []) for sid, unit_id, _, _ in rows}
    if "reviewers" in audiences:
        above = {uid: _body_above(u) for uid, u in units.items()}
        by_body = _people_of(
            session, {b for b in above.values() if b}, tuple(roles_with(Capability.REPORTS_REVIEW))
        )
        loaded.audiences["reviewers"] = {
            sid: by_body.get(above[unit_id] or 0, []) for sid, unit_id, _, _ in rows
        }
    return loaded


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
