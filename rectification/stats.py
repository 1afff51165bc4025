"""The rectification figures that fill 统计表（一）'s 自查自纠 cells (seed ``004_…`` 附件1).

"发现问题" counts the items found in the period whose responsible unit is the unit or one
below it (the form's note: "包括本单位自己发现的问题和上级部门检查发现的问题"); "完成整改问题"
the items verified and written off (验收销号) in the period. Reporting may not import this
package, so ``register`` (called by ``app_boot.register_hooks``) adds it as the
``rectification.`` prefill source; the form shows the figure as "来自台账".
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from directory.models import OrgUnit
from rectification.models import RectificationItem
from reporting.prefill import register_source

PREFIX = "rectification."
FOUND = PREFIX + "found"
RECTIFIED = PREFIX + "rectified"
R = RectificationItem


def rectification_figures(
    session: Session, unit: OrgUnit, start: date, end: date
) -> dict[str, int]:
    subtree = select(OrgUnit.id).where(OrgUnit.path.startswith(unit.path, autoescape=True))
    mine = R.responsible_unit_id.in_(subtree)
    found = session.scalar(select(func.count()).where(mine, R.found_on >= start, R.found_on <= end))
    done = session.scalar(
        select(func.count()).where(mine, R.verified_on >= start, R.verified_on <= end)
    )
    return {FOUND: int(found or 0), RECTIFIED: int(done or 0)}


def register() -> None:
    register_source(PREFIX, rectification_figures)
