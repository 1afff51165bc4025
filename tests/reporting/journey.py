"""Builders for the reporting tests: verified clues in the ledger, obligations, users."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from cases.service import fire as fire_clue
from directory.models import OrgUnit, User
from directory.roles import Role
from directory.service import add_user
from reporting.models import Obligation
from reporting.obligations import generate_obligations
from tests.cases.factories import clue_in_state
from tests.conftest import unit, user

SH = ZoneInfo("Asia/Shanghai")
OCTOBER = date(2026, 10, 1)


def verified_clue(db: Session, accused: str, when: datetime) -> None:
    """A clue about ``accused`` approved for 初步核实 at ``when``."""
    clue = clue_in_state(db, "pending_approval", accused_unit_id=unit(db, accused).id)
    clue.proposed_route = "verifying"
    db.flush()
    fire_clue(db, user(db, "leader"), clue, "approve_verifying", {}, now=when)


def obligation(db: Session, unit_code: str, form: str = "zl3", start: date = OCTOBER) -> Obligation:
    generate_obligations(db, start + timedelta(days=35))  # the month after: its report is due
    found = db.scalar(
        select(Obligation).where(
            Obligation.unit_id == unit(db, unit_code).id,
            Obligation.form_code == form,
            Obligation.period_start == start,
        )
    )
    assert found is not None
    return found


def reporter_of(db: Session, unit_code: str) -> User:
    """The demo reporter for H01; a fresh one for any other institution."""
    if unit_code == "C01-D01-H01":
        return user(db, "reporter")
    name = f"rep-{unit_code.lower()}"
    existing = db.scalar(select(User).where(User.username == name))
    if existing is not None:
        return existing
    target: OrgUnit = unit(db, unit_code)
    return add_user(
        db,
        username=name,
        display_name=f"填报员{unit_code}",
        password="another-password-1",  # noqa: S106 - test data
        role=Role.REPORTER,
        unit=target,
    )
