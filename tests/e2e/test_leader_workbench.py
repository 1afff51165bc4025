"""The leader's workbench lists what waits for a leader: approvals, accepted clues with no
handler, returned work, and overdue clues of the body and the bodies below."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from cases.models import Clue
from cases.service import NewClue, create_clue, fire
from config.database import make_engine, session_scope
from directory.models import OrgUnit, User
from tests.e2e.conftest import sign_in
from tests.e2e.test_approval_panel import _waiting_clue

RETURNED = "反映某院医生收受红包（被退回）"
WAITING = "反映某院医生收受红包（待审批）"
UNASSIGNED = "反映某院违规收费（待指定）"


def _arrange(url: str) -> None:
    _waiting_clue(url, WAITING)
    back = _waiting_clue(url, RETURNED)
    engine = make_engine(url)
    with session_scope(sessionmaker(bind=engine)) as session:
        leader = session.scalar(select(User).where(User.username == "leader"))
        clerk = session.scalar(select(User).where(User.username == "clerk"))
        clue = session.get(Clue, back)
        assert leader is not None and clerk is not None and clue is not None
        fire(
            session,
            leader,
            clue,
            "return_route",
            {"reason": "补充材料"},
            expected_version=clue.version,
        )
        county = session.scalar(select(OrgUnit).where(OrgUnit.code == "C01-D01"))
        fresh = create_clue(session, clerk, county, NewClue("hotline", UNASSIGNED))
        fire(session, clerk, fresh, "register", {}, expected_version=fresh.version)
    engine.dispose()


def test_workbench_lists_what_waits_for_the_leader(make_page, live_database):
    _arrange(live_database)
    page = make_page(viewport={"width": 1440, "height": 900})
    sign_in(page, "leader")
    page.goto("/")
    assert WAITING in page.get_by_test_id("wb-approvals").inner_text()
    assert RETURNED not in page.get_by_test_id("wb-approvals").inner_text()
    assert RETURNED in page.get_by_test_id("wb-returned").inner_text()
    assert UNASSIGNED in page.get_by_test_id("wb-unassigned").inner_text()
    assert page.get_by_test_id("wb-overdue").count() == 1
    phone = make_page(viewport={"width": 390, "height": 844})
    sign_in(phone, "handler")
    phone.goto("/")
    assert phone.get_by_test_id("workbench").count() == 0
