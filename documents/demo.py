"""Demo document types: each demo body numbers its letters under its own prefixes
(清河县卫生健康局: 清卫纪函、清卫纪告、清卫纪呈; and likewise)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from directory.models import OrgUnit, UnitKind
from documents.models import DocumentType

# body code → the one character that starts its prefixes
BODIES = {"P": "示", "C01": "东", "C02": "西", "C01-D01": "清", "C01-D02": "云", "C02-D03": "石"}
TYPES = (
    ("letter", "函", "卫纪函"),
    ("notice", "告知书", "卫纪告"),
    ("approval", "呈批件", "卫纪呈"),
    ("bulletin", "通报", "卫纪通"),
)


def load_demo(session: Session, now: datetime | None = None) -> None:
    for code, initial in BODIES.items():
        body = session.scalar(select(OrgUnit).where(OrgUnit.code == code))
        if body is None or body.kind == UnitKind.OFFICE:
            continue
        for type_code, name, suffix in TYPES:
            session.add(
                DocumentType(body_id=body.id, code=type_code, name=name, prefix=initial + suffix)
            )
    session.flush()
