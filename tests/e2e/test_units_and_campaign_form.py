"""Two pages read as they should: the units page lists the tree (each unit under its
parent, a body's offices first, then the bodies below, then its institutions), and the
new-campaign form puts each label right above its own input."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.e2e.conftest import sign_in

SHOTS = os.environ.get("QINGFENG_SHOTS")  # a folder to keep screenshots in, when set


def _shot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def test_units_are_listed_as_a_tree(page):
    sign_in(page, "admin")
    page.goto("/admin/units")
    rows = page.locator("table tbody tr")
    names = [rows.nth(i).locator("td").first.inner_text().strip() for i in range(rows.count())]
    kinds = [rows.nth(i).locator("td").nth(2).inner_text().strip() for i in range(rows.count())]
    depths = [
        int(rows.nth(i).locator("td").first.get_attribute("class").split("depth-")[1])
        for i in range(rows.count())
    ]
    _shot(page, "units-admin")
    assert depths[0] == min(depths)
    for i in range(1, len(depths)):  # a tree read top-down: never deeper by more than one
        assert depths[i] <= depths[i - 1] + 1, (names[i - 1], names[i])
    # Under each unit, its offices come before anything else, institutions last.
    rank = {"处室/股室": 0, "医疗机构": 2}
    for i, depth in enumerate(depths):
        children = []
        for j in range(i + 1, len(depths)):
            if depths[j] <= depth:
                break
            if depths[j] == depth + 1:
                children.append(rank.get(kinds[j], 1))
        assert children == sorted(children), names[i]


@pytest.mark.parametrize("size", [(1440, 900), (390, 844)])
def test_each_label_of_the_new_campaign_form_sits_above_its_input(make_page, size):
    page = make_page(viewport={"width": size[0], "height": size[1]})
    sign_in(page, "leader")
    page.goto("/campaigns/new")
    form = page.get_by_test_id("campaign-form")
    labels = form.locator("label[for]")
    assert labels.count() >= 10
    for i in range(labels.count()):
        label = labels.nth(i)
        target = form.locator(f"#{label.get_attribute('for')}")
        lb, tb = label.bounding_box(), target.bounding_box()
        assert lb and tb
        text = label.inner_text()
        assert lb["y"] + lb["height"] <= tb["y"] + 1, f"{text} is not above its input"
        assert tb["y"] - (lb["y"] + lb["height"]) < 16, f"{text} is far from its input"
        assert abs(lb["x"] - tb["x"]) < 4, f"{text} does not line up with its input"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    _shot(page, f"campaign-new-{size[0]}")
