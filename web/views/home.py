"""The home page: who you are, where you sit, what you can see."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user
from sqlalchemy import func, select

from directory.jurisdiction import body_of, unit_filter
from directory.models import OrgUnit, UnitKind
from directory.roles import ROLE_SCOPE, Role, Scope
from web.db import db_session

bp = Blueprint("home", __name__)


@bp.route("/")
def index():
    sess = db_session()
    counts = dict(
        sess.execute(
            select(OrgUnit.kind, func.count())
            .where(unit_filter(sess, current_user))
            .group_by(OrgUnit.kind)
        ).all()
    )
    scope = ROLE_SCOPE[Role(current_user.role)]
    return render_template(
        "home.html",
        body=body_of(sess, current_user.unit),
        scope_label="本单位及下级单位" if scope is Scope.TREE else "本单位",
        institution_count=counts.get(UnitKind.INSTITUTION.value, 0),
        unit_count=sum(counts.values()),
    )
