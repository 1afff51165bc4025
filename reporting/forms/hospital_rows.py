"""The rows statistical forms (二) and (三) share: 公立医院 / 民营医院 × 三级 / 二级 / 一级及以下.

Seed ``004_…`` 附件2–3 print a 合计, then for each ownership a 小计 row followed by
its three grade rows; an institution is counted in the row of its ownership and grade.
"""

from __future__ import annotations

from config.reference import Grade, Ownership
from reporting.formdef import Row

_GRADES = (("l3", "三级"), ("l2", "二级"), ("l1", "一级及以下"))
_OWNERS = (("public", "公立医院"), ("private", "民营医院"))


def hospital_rows(group: str) -> tuple[Row, ...]:
    """合计, then 小计 + three grade rows for 公立医院 and for 民营医院, under ``group``."""
    rows = [
        Row("all", (group, "合计"), sum_of=("public", "private"), title=f"{group}合计"),
    ]
    for owner, owner_label in _OWNERS:
        grades = tuple(f"{owner}_{g}" for g, _ in _GRADES)
        rows.append(Row(owner, (group, "小计"), sum_of=grades, title=f"{owner_label}小计"))
        rows.extend(
            Row(f"{owner}_{g}", (group, owner_label, label), title=f"{owner_label}{label}")
            for g, label in _GRADES
        )
    return tuple(rows)


def hospital_row(grade: Grade, ownership: Ownership) -> str:
    """The row an institution is counted in; 未定级 counts with 一级及以下."""
    owner = "public" if ownership is Ownership.PUBLIC else "private"
    level = {Grade.LEVEL3: "l3", Grade.LEVEL2: "l2"}.get(grade, "l1")
    return f"{owner}_{level}"
