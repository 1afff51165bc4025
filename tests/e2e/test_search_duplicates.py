"""Browser: the desk shows a near-duplicate sent to the city while the county clerk types,
before any number is given; a handler finds the registered clue by its short number."""

from __future__ import annotations

import re

from tests.e2e.conftest import sign_in

CITY = "反映清河县人民医院骨科张医生在手术前收受患者家属红包2000元，不给红包就往后排手术。"
TYPED = "举报清河县人民医院骨科的张医生，做手术之前收了病人家属两千元红包"


def test_typing_a_near_duplicate_shows_the_city_tip_then_search_by_number(make_page):
    city = make_page()
    sign_in(city, "clerk_dc")
    city.goto("/intake/?channel=letter")
    city.fill("#content", CITY)
    city.get_by_role("button", name=re.compile("登记")).first.click()
    city.wait_for_url(re.compile(r"/intake/tips/\d+/decision"))

    page = make_page()
    sign_in(page, "clerk")
    page.goto("/intake/?channel=hotline")
    page.fill("#meta_call_time", "2026-11-20T09:30")
    assert page.get_by_test_id("similar-panel").is_hidden()
    page.fill("#content", TYPED)
    panel = page.get_by_test_id("similar-panel")
    panel.wait_for(state="visible")
    text = panel.inner_text()
    assert "东城市卫生健康委员会" in text and "内容相近" in text
    assert CITY[:10] not in text  # another body's text is never shown
    page.select_option("#category", "check_08")
    page.get_by_role("button", name=re.compile("登记（Ctrl")).click()
    page.wait_for_url(re.compile(r"/intake/tips/\d+/decision"))
    page.get_by_role("button", name="作为新线索受理登记").click()
    page.wait_for_url(re.compile(r"/decision"))
    number = re.search(r"〔(\d{4})〕(\d{4})号", page.content())
    assert number

    handler = make_page()
    sign_in(handler, "handler")
    handler.goto(f"/search?q={number[1]}-{number[2]}")
    hits = handler.get_by_test_id("search-clues")
    assert number[0] in hits.inner_text()
    assert number[2] in hits.locator("mark").all_inner_texts()
    handler.goto(f"/search?q={number[2]}")
    assert number[0] in handler.get_by_test_id("search-clues").inner_text()
