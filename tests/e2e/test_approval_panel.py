"""A leader opening a clue that waits for them sees what is asked at the top (拟办意见, who
proposed it and when, the facts, the deadline approving sets) and can approve or return it
without scrolling at 1440x900."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from cases.service import NewClue, create_clue, fire
from config.database import make_engine, session_scope
from directory.models import OrgUnit, User
from tests.e2e.conftest import sign_in

PROPOSAL = "问题具体，涉及收受红包，拟初步核实"


def _waiting_clue(url: str, summary: str) -> int:
    engine = make_engine(url)
    with session_scope(sessionmaker(bind=engine)) as session:
        users = {
            u.username: u
            for u in session.scalars(select(User).where(User.username.in_(["clerk", "handler"])))
        }
        county = session.scalar(select(OrgUnit).where(OrgUnit.code == "C01-D01"))
        clue = create_clue(session, users["clerk"], county, NewClue("hotline", summary))
        fire(session, users["clerk"], clue, "register", {}, expected_version=clue.version)
        fire(
            session,
            users["clerk"],
            clue,
            "assign",
            {"handler_id": str(users["handler"].id)},
            expected_version=clue.version,
        )
        fire(
            session,
            users["handler"],
            clue,
            "propose",
            {"route": "verifying", "reason": PROPOSAL},
            expected_version=clue.version,
        )
        clue_id = clue.id
    engine.dispose()
    return clue_id


def test_leader_sees_the_request_and_decides_without_scrolling(make_page, live_database):
    clue_id = _waiting_clue(live_database, "反映某院医生收受红包（审批面板）")
    page = make_page(viewport={"width": 1440, "height": 900})
    sign_in(page, "leader")
    page.goto(f"/clues/{clue_id}")
    panel = page.get_by_test_id("approval")
    assert "待您审批：处置方式审批" in panel.inner_text()
    assert panel.get_by_test_id("approval-proposal").inner_text() == PROPOSAL
    text = panel.inner_text()
    assert "（承办人）" in text and "初步核实" in text and "反映某院医生收受红包" in text
    assert "年" in panel.get_by_test_id("approval-deadline").inner_text()
    approve = panel.get_by_role("button", name="确认批准：初步核实")
    back = panel.get_by_role("button", name="确认退回拟办")
    for button in (approve, back):
        box = button.bounding_box()
        assert box is not None and box["y"] + box["height"] <= 900, "visible without scrolling"
    panel.get_by_label("退回理由").fill("请补充被反映人的科室和时间")
    back.click()
    assert page.get_by_test_id("clue-state").inner_text() == "拟办"
    assert page.get_by_test_id("approval").count() == 0
    assert "请补充被反映人的科室和时间" in page.get_by_test_id("timeline").inner_text()


def test_handler_sees_no_approval_panel(make_page, live_database):
    clue_id = _waiting_clue(live_database, "反映某院医生收受红包（承办人视角）")
    page = make_page(viewport={"width": 1440, "height": 900})
    sign_in(page, "handler")
    page.goto(f"/clues/{clue_id}")
    assert page.get_by_test_id("clue-state").inner_text() == "处置方式待审批"
    assert page.get_by_test_id("approval").count() == 0
