"""The 28 violation items are declared once (``config.checklist``); the clue categories,
the inspection answers and the rows of 统计表二 are derived from that table, and the codes
that databases already store never change."""

from __future__ import annotations

from campaigns.checklists import GUANGXI_2020
from cases.reference import KICKBACK_CATEGORIES, REDPACKET_CATEGORIES, VIOLATION_CATEGORIES
from config.checklist import CHECKLIST_ITEMS, VIOLATION_LINES, line_for_row
from reporting.forms.lh2 import LH2

# Stored in clues.category, in inspection answers and in submission figures: pinned.
STORED = (
    "check_01 1 hired_license", "check_02 2 unlicensed", "check_03 3 license_trade",
    "check_04 4 beyond_scope", "check_05 5 non_technical", "check_06 6a forbidden_cell",
    "check_06 6b forbidden_other", "check_07 7 restricted", "check_08 8 redpacket",
    "check_09 9 fake_drugs", "check_10 10 false_certificates", "check_11 11 kickback",
    "check_12 12 organ_transplant", "check_13 13 prices_not_shown", "check_14 14 overcharging",
    "check_15 15 induced_care", "check_16 16 other_violations", "check_17 17 insurance_fraud",
    "check_18 18 None", "check_19 19 cosmetic_unapproved", "check_20 20 cosmetic_doctor",
    "check_21 21 cosmetic_nurse", "check_22 22 prenatal", "check_23 23 assisted_reproduction",
    "check_24 24 two_nons", "check_25 25 family_planning", "check_26 26 sales_reps",
    "check_27 27 ethics", "check_28 28 no_mechanism",
)  # fmt: skip


def test_the_stored_codes_never_change():
    ours = tuple(f"{line.category} {line.answer} {line.form_row}" for line in VIOLATION_LINES)
    assert ours == STORED


def test_twenty_eight_items_numbered_in_order():
    assert len(CHECKLIST_ITEMS) == 28
    assert [line.number for line in VIOLATION_LINES] == [1, 2, 3, 4, 5, 6, *range(6, 29)]


def test_clue_categories_come_from_the_table():
    for number, label in enumerate(CHECKLIST_ITEMS, start=1):
        assert VIOLATION_CATEGORIES[f"check_{number:02d}"] == f"{number}. {label}"
    assert REDPACKET_CATEGORIES == ("redpacket", "check_08")
    assert KICKBACK_CATEGORIES == ("kickback", "check_11")


def test_inspection_items_come_from_the_table():
    items = {item.code: item for item in GUANGXI_2020.items}
    for line in VIOLATION_LINES:
        item = items[line.answer]
        assert (item.number, item.label, item.sub) == (line.number, line.label, line.sub)
        assert (item.category, item.lh2_row) == (line.category, line.form_row)


def test_form_two_rows_come_from_the_table():
    rows = {row.code: row for row in LH2.rows}
    for line in VIOLATION_LINES:
        if line.form_row:
            assert rows[line.form_row].cells[1:] == tuple(filter(None, (line.label, line.sub)))
            assert line_for_row(line.form_row) is line
    # Item 18 is counted as adverts removed and media closed, in its place.
    codes = [row.code for row in LH2.rows]
    assert codes[codes.index("insurance_fraud") + 1 : codes.index("cosmetic_unapproved")] == [
        "ads_removed",
        "media_closed",
    ]
