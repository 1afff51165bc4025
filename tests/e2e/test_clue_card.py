"""The printed 问题线索处置卡 reads as the office's archive document: steps in Chinese with
the signer's name and role, the approved route and who approved it, and an A4 page."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from cases.models import Clue
from cases.service import fire
from config.database import make_engine, session_scope
from directory.models import User
from tests.e2e.conftest import sign_in
from tests.e2e.test_approval_panel import _waiting_clue


def _approved_clue(url: str) -> int:
    clue_id = _waiting_clue(url, "反映某院医生收受红包（处置卡）")
    engine = make_engine(url)
    with session_scope(sessionmaker(bind=engine)) as session:
        leader = session.scalar(select(User).where(User.username == "leader"))
        clue = session.get(Clue, clue_id)
        assert clue is not None and leader is not None
        fire(
            session,
            leader,
            clue,
            "approve_verifying",
            {"reason": "同意"},
            expected_version=clue.version,
        )
    engine.dispose()
    return clue_id


def test_card_names_steps_signers_and_route(make_page, live_database):
    clue_id = _approved_clue(live_database)
    page = make_page(viewport={"width": 1440, "height": 900})
    sign_in(page, "inspector")
    page.goto(f"/clues/{clue_id}/card")
    card = page.get_by_test_id("clue-card")
    text = card.inner_text()
    for code in ("create", "register", "approve_verifying", "propose", "verifying"):
        assert not re.search(rf"\b{code}\b", text), code
    route = card.get_by_test_id("card-route").inner_text()
    assert "初步核实" in route and "（分管/主要负责人）" in route
    steps = card.get_by_test_id("card-steps").inner_text()
    assert "批准：初步核实" in steps and "提出拟办意见" in steps and "（承办人）" in steps
    assert "未作核查结论" in card.get_by_test_id("card-verdict").inner_text()
    assert "未销号" in card.get_by_test_id("card-write-off").inner_text()
    page.emulate_media(media="print")
    assert page.locator("nav").first.is_hidden()
    pdf_page = make_page()
    sign_in(pdf_page, "inspector")
    pdf_page.goto(f"/clues/{clue_id}/card")
    pdf = pdf_page.pdf(prefer_css_page_size=True)
    # A4 portrait, 595 x 842 points, on every page of the PDF.
    boxes = re.findall(rb"/MediaBox ?\[0 0 ([\d.]+) ([\d.]+)\]", pdf)
    assert boxes
    assert all(round(float(w)) == 595 and round(float(h)) == 842 for w, h in boxes)
