from __future__ import annotations

import pytest

from config.reference import STAT_ROWS, Grade, InstitutionCategory, Ownership, StatClass, stat_row

C, G, Own = InstitutionCategory, Grade, Ownership


@pytest.mark.parametrize(
    ("category", "grade", "ownership", "row"),
    [
        (C.GENERAL_HOSPITAL, G.LEVEL3, Own.PUBLIC, "pub2_general"),
        (C.MATERNAL_CHILD, G.LEVEL2, Own.PUBLIC, "pub2_maternal"),
        (C.PRIMARY_CARE, G.LEVEL2, Own.PUBLIC, "pub2_other"),
        (C.PRIMARY_CARE, G.LEVEL1, Own.PUBLIC, "pubo_primary"),
        (C.GENERAL_HOSPITAL, G.LEVEL1, Own.PUBLIC, "pubo_primary"),
        (C.CLINIC, G.UNGRADED, Own.PUBLIC, "pubo_clinic"),
        (C.PHYSICAL_EXAM, G.UNGRADED, Own.PUBLIC, "pubo_other"),
        (C.TCM_HOSPITAL, G.LEVEL2, Own.PRIVATE, "pri2_tcm"),
        (C.MATERNAL_CHILD, G.LEVEL3, Own.PRIVATE, "pri2_other"),
        (C.PHYSICAL_EXAM, G.UNGRADED, Own.PRIVATE, "prio_exam"),
        (C.INDEPENDENT_OTHER, G.UNGRADED, Own.PRIVATE, "prio_independent"),
        (C.CLINIC, G.UNGRADED, Own.PRIVATE, "prio_other"),
    ],
)
def test_institutions_land_in_the_forms_rows(category, grade, ownership, row):
    assert stat_row(category, grade, ownership) == row


def test_every_combination_has_a_row_of_its_own_class():
    rows = {code: cls for code, cls, _ in STAT_ROWS}
    for category in C:
        for grade in G:
            for ownership in Own:
                code = stat_row(category, grade, ownership)
                high = grade in (G.LEVEL3, G.LEVEL2)
                expected = {
                    (Own.PUBLIC, True): StatClass.PUBLIC_L2PLUS,
                    (Own.PUBLIC, False): StatClass.PUBLIC_OTHER,
                    (Own.PRIVATE, True): StatClass.PRIVATE_L2PLUS,
                    (Own.PRIVATE, False): StatClass.PRIVATE_OTHER,
                }[(ownership, high)]
                assert rows[code] is expected
