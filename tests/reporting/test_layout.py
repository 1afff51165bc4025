"""The editor's header rows merge the seed's header groups the way the printed form does."""

from __future__ import annotations

from reporting.forms import FORMS
from reporting.layout import body_rows, header_rows


def test_zl3_headers_merge_groups_and_span_single_columns():
    top, bottom = header_rows(FORMS["zl3"])
    cells = {h.text: (h.colspan, h.rowspan) for h in top}
    assert cells["项目"] == (3, 2)
    assert cells["培训班"] == (2, 1)
    assert cells["查处收受回扣案件"] == (3, 1)
    assert cells["核查线索（条）"] == (1, 2)
    assert [h.text for h in bottom][:2] == ["（次）", "（人）"]
    # Every data column is covered exactly once across the two rows.
    assert sum(h.colspan for h in top if h.text != "项目") == len(FORMS["zl3"].columns)


def test_body_rows_mark_computed_and_prefilled_cells():
    rows = {r.code: r for r in body_rows(FORMS["zl3"])}
    assert rows["all"].total and not rows["public_l2"].total
    kinds = {c.key: str(c.kind) for c in rows["public_l2"].cells}
    assert kinds["public_l2|clues"] == "prefilled"
    assert kinds["public_l2|cases_written"] == "entered"
    assert kinds["public_l2|warnings"] == "prefilled"  # 警示教育 register
    assert {str(c.kind) for c in rows["all"].cells if c.numeric} == {"computed"}
