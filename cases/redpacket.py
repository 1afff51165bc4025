"""红包上缴登记: staff who could not refuse a red packet register its surrender.

Reporters (机构填报员) register their own institution's staff; the office's staff see the
register of their body's whole subtree (the institutions they supervise).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from openpyxl import Workbook
from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from cases.handling_models import RedPacketSurrender
from config.errors import PermissionDenied
from config.spreadsheet import xlsx_row
from directory.jurisdiction import body_of
from directory.models import OrgUnit, UnitKind, User
from directory.permissions import Capability, can, require
from workflow.fields import FieldKind, FieldSpec, Problems, column_width

REGISTER_COLUMNS = (
    "序号",
    "医疗机构",
    "上缴人",
    "科室",
    "患者姓名",
    "金额（元）",
    "收到日期",
    "上缴日期",
    "收据编号",
)


def _text(name: str, label: str, column: Any, required: bool = True) -> FieldSpec:
    return FieldSpec(name, label, required=required, max_len=column_width(column))


R = RedPacketSurrender
# The register's fields: the service, the JSON API's body check and its description.
REDPACKET_FIELDS = (
    _text("staff_name", "上缴人", R.staff_name),
    _text("department", "科室", R.department),
    _text("patient_name", "患者姓名", R.patient_name, required=False),
    FieldSpec("amount_yuan", "金额（元）", FieldKind.DECIMAL, places=2),
    FieldSpec("received_on", "收到日期", FieldKind.DATE),
    FieldSpec("surrendered_on", "上缴日期", FieldKind.DATE),
    _text("receipt_no", "收据编号", R.receipt_no),
)


def register_surrender(
    session: Session, actor: User, data: Mapping[str, Any]
) -> RedPacketSurrender:
    """A reporter registers a surrender for their own institution's member of staff."""
    if not can(actor, Capability.REDPACKETS_REGISTER):
        raise PermissionDenied("红包上缴由医疗机构填报员登记。")
    institution = body_of(session, actor.unit)
    r = Problems()
    v = r.clean(REDPACKET_FIELDS, data)
    if v["amount_yuan"] is not None and v["amount_yuan"] <= 0:
        r.error("amount_yuan", "“金额（元）”须大于 0。")
    if v["received_on"] and v["surrendered_on"] and v["surrendered_on"] < v["received_on"]:
        r.error("surrendered_on", "上缴日期不能早于收到日期。")
    r.done()
    row = RedPacketSurrender(unit_id=institution.id, created_by_id=actor.id, **v)
    session.add(row)
    session.flush()
    return row


@dataclass(frozen=True)
class RegisterFilter:
    unit_id: int | None = None
    start: date | None = None
    end: date | None = None


def register_units(session: Session, actor: User) -> Select[int]:
    """Reporters: their institution. Office staff: their body and everything below it."""
    body = body_of(session, actor.unit)
    if can(actor, Capability.REDPACKETS_REGISTER):
        return select(OrgUnit.id).where(OrgUnit.id == body.id)
    require(actor, Capability.REDPACKETS)
    return select(OrgUnit.id).where(OrgUnit.path.startswith(body.path, autoescape=True))


def surrenders_query(session: Session, actor: User, f: RegisterFilter):
    stmt = select(RedPacketSurrender).where(
        RedPacketSurrender.unit_id.in_(register_units(session, actor))
    )
    if f.unit_id:
        stmt = stmt.where(RedPacketSurrender.unit_id == f.unit_id)
    if f.start:
        stmt = stmt.where(RedPacketSurrender.surrendered_on >= f.start)
    if f.end:
        stmt = stmt.where(RedPacketSurrender.surrendered_on <= f.end)
    return stmt.order_by(RedPacketSurrender.surrendered_on.desc(), RedPacketSurrender.id.desc())


def list_surrenders(session: Session, actor: User, f: RegisterFilter, limit: int = 500):
    return list(session.scalars(surrenders_query(session, actor, f).limit(limit)))


def institutions(session: Session, actor: User) -> list[OrgUnit]:
    """The institutions whose register the actor may filter by."""
    return list(
        session.scalars(
            select(OrgUnit)
            .where(
                OrgUnit.id.in_(register_units(session, actor)),
                OrgUnit.kind == UnitKind.INSTITUTION,
            )
            .order_by(OrgUnit.path)
        )
    )


def register_xlsx(session: Session, actor: User, f: RegisterFilter) -> Iterator[bytes]:
    """The register as XLSX chunks; the query is built now, read while streaming."""
    stmt = surrenders_query(session, actor, f).add_columns(OrgUnit.name)
    stmt = stmt.join(OrgUnit, OrgUnit.id == RedPacketSurrender.unit_id)
    return _register_xlsx(session, stmt)


def _register_xlsx(session: Session, stmt: Any) -> Iterator[bytes]:
    import tempfile

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("红包上缴登记")
    ws.append(xlsx_row(ws, REGISTER_COLUMNS))
    rows = session.execute(stmt)
    for n, (row, unit_name) in enumerate(rows, start=1):
        ws.append(
            xlsx_row(
                ws,
                [
                    n,
                    unit_name,
                    row.staff_name,
                    row.department,
                    row.patient_name,
                    row.amount_yuan,
                    row.received_on,
                    row.surrendered_on,
                    row.receipt_no,
                ],
            )
        )
    with tempfile.TemporaryFile() as fh:
        wb.save(fh)
        fh.seek(0)
        while chunk := fh.read(64 * 1024):
            yield chunk
