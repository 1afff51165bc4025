"""Recording, listing, answering, exporting and importing register entries.

An entry belongs to the actor's body (or institution); it is seen by whoever sees that
unit (``directory.jurisdiction``). An import is all or nothing: one bad row refuses the
file, naming every bad row, and nothing is written.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from config.errors import NotFound, ValidationError
from config.textlimits import checked
from directory.jurisdiction import body_of, visible_unit_ids
from directory.models import OrgUnit, UnitKind, User
from directory.permissions import Capability, require
from directory.tabular import RowError, read_table
from reporting.registers.kinds import KINDS, RegisterKind
from reporting.registers.models import RegisterEntry
from reporting.routing import parse_day

MAX_PARTICIPANTS = 100_000
MAX_IMPORT_ROWS = 2_000
LIST_LIMIT = 500


def kind_of(code: str) -> RegisterKind:
    kind = KINDS.get(code)
    if kind is None:
        raise NotFound("没有这个登记册。")
    return kind


def _subtype(kind: RegisterKind, raw: object) -> str:
    text = str(raw or "").strip()
    by_label = {label: code for code, label in kind.subtypes}
    text = by_label.get(text, text)
    if text not in dict(kind.subtypes):
        choices = "、".join(label for _, label in kind.subtypes)
        raise ValidationError(f"类别应为：{choices}。", details={"subtype": "不正确"})
    return text


def _participants(kind: RegisterKind, raw: object) -> int:
    text = str(raw or "").strip()
    if not kind.participants or not text:
        return 0
    if not text.isdigit() or int(text) > MAX_PARTICIPANTS:
        message = f"{kind.participants}应为 0 至 {MAX_PARTICIPANTS} 的整数。"
        raise ValidationError(message, details={"participants": "不正确"})
    return int(text)


def _target(session: Session, actor: User, kind: RegisterKind, raw: object) -> int | None:
    if not kind.target:
        return None
    body = body_of(session, actor.unit)
    try:
        unit = session.get(OrgUnit, int(str(raw).strip()))
    except ValueError:
        unit = None
    if (
        unit is None
        or unit.kind != UnitKind.INSTITUTION
        or unit.id == body.id
        or not unit.path.startswith(body.path)
    ):
        raise ValidationError(
            "请选择本单位所辖的医疗机构。", details={"target_unit_id": "不在管辖范围"}
        )
    return unit.id


def _entry(session: Session, actor: User, kind: RegisterKind, data: Mapping[str, Any]):
    occurred = parse_day(data.get("occurred_on"), "日期")
    title = checked(data.get("title"), RegisterEntry.title, "事项", field="title")
    if not title:
        raise ValidationError("请填写事项。", details={"title": "必填"})
    answered = parse_day(data.get("answered_on"), "回复日期", required=False)
    if not kind.answered:
        answered = None
    if answered is not None and occurred is not None and answered < occurred:
        raise ValidationError("回复日期不能早于收到日期。", details={"answered_on": "过早"})
    return RegisterEntry(
        kind=kind.code,
        subtype=_subtype(kind, data.get("subtype")),
        unit_id=body_of(session, actor.unit).id,
        occurred_on=occurred,
        title=title,
        participants=_participants(kind, data.get("participants")),
        counterpart=checked(
            data.get("counterpart"), RegisterEntry.counterpart, kind.counterpart or "对象"
        ),
        target_unit_id=_target(session, actor, kind, data.get("target_unit_id")),
        answered_on=answered,
        note=checked(data.get("note"), RegisterEntry.note, "备注", field="note"),
        created_by_id=actor.id,
    )


def add_entry(session: Session, actor: User, code: str, data: Mapping[str, Any]) -> RegisterEntry:
    """Record one event in the actor's unit's register."""
    require(actor, Capability.REGISTERS)
    entry = _entry(session, actor, kind_of(code), data)
    session.add(entry)
    session.flush()
    return entry


def get_entry(session: Session, actor: User, entry_id: int) -> RegisterEntry:
    require(actor, Capability.REGISTERS)
    entry = session.get(RegisterEntry, entry_id)
    if entry is None or entry.unit_id != body_of(session, actor.unit).id:
        raise NotFound("未找到该登记，或不属于本单位。")
    return entry


def answer(session: Session, actor: User, entry_id: int, raw: object) -> RegisterEntry:
    """建议书: the day the reply of its completion was sent (执行完成回复)."""
    entry = get_entry(session, actor, entry_id)
    if not kind_of(entry.kind).answered:
        raise ValidationError("该登记册没有回复日期。")
    day = parse_day(raw, "回复日期")
    assert day is not None
    if day < entry.occurred_on:
        raise ValidationError("回复日期不能早于收到日期。", details={"answered_on": "过早"})
    entry.answered_on = day
    session.flush()
    return entry


def list_entries(session: Session, actor: User, code: str) -> list[RegisterEntry]:
    """The register as the actor may see it: their unit's and, by role, the units below."""
    require(actor, Capability.REGISTERS)
    kind = kind_of(code)
    return list(
        session.scalars(
            select(RegisterEntry)
            .where(
                RegisterEntry.kind == kind.code,
                RegisterEntry.unit_id.in_(visible_unit_ids(session, actor)),
            )
            .order_by(RegisterEntry.occurred_on.desc(), RegisterEntry.id.desc())
            .limit(LIST_LIMIT)
        )
    )


def header(kind: RegisterKind) -> list[str]:
    cols = ["日期", "类别", "事项"]
    cols += [kind.participants] if kind.participants else []
    cols += [kind.counterpart] if kind.counterpart else []
    cols += ["医疗机构编号"] if kind.target else []
    cols += ["回复日期"] if kind.answered else []
    return [*cols, "备注"]


def export_rows(kind: RegisterKind, entries: list[RegisterEntry]) -> list[list[object]]:
    rows: list[list[object]] = [[*header(kind), "登记单位"]]
    for e in entries:
        row: list[object] = [e.occurred_on, kind.subtype_label(e.subtype), e.title]
        row += [e.participants] if kind.participants else []
        row += [e.counterpart] if kind.counterpart else []
        row += [e.target_unit.code if e.target_unit else ""] if kind.target else []
        row += [e.answered_on or ""] if kind.answered else []
        rows.append([*row, e.note, e.unit.name])
    return rows


_FIELDS = {"日期": "occurred_on", "类别": "subtype", "事项": "title", "备注": "note"}


def import_file(session: Session, actor: User, code: str, filename: str, data: bytes) -> int:
    """Entries from a CSV/XLSX laid out as the export; all rows or none."""
    require(actor, Capability.REGISTERS)
    kind = kind_of(code)
    head, rows = read_table(filename, data)
    fields = {
        **_FIELDS,
        kind.participants: "participants",
        kind.counterpart: "counterpart",
        "回复日期": "answered_on",
    }
    missing = [h for h in header(kind) if h not in head and h != "备注"]
    if missing:
        raise ValidationError(f"表头缺少：{'、'.join(missing)}。请使用导出的表格格式。")
    if len(rows) > MAX_IMPORT_ROWS:
        raise ValidationError(f"一次最多导入 {MAX_IMPORT_ROWS} 行。")
    entries, errors = [], []
    for n, row in enumerate(rows, start=2):
        values = {fields.get(h, h): (row[i] if i < len(row) else "") for i, h in enumerate(head)}
        if kind.target:
            values["target_unit_id"] = _unit_by_code(session, values.get("医疗机构编号", ""))
        try:
            entries.append(_entry(session, actor, kind, values))
        except ValidationError as err:
            errors.append(str(RowError(n, "", err.message)))
    if errors:
        raise ValidationError("导入未完成，没有保存任何一行：" + "；".join(errors[:20]))
    session.add_all(entries)
    session.flush()
    return len(entries)


def _unit_by_code(session: Session, code: str) -> str:
    found = session.scalar(select(OrgUnit.id).where(OrgUnit.code == code.strip()))
    return str(found) if found is not None else ""


def export_xlsx(kind: RegisterKind, entries: list[RegisterEntry]) -> bytes:
    """The register as an XLSX file (formula-like text kept as text: ``config.spreadsheet``)."""
    import io

    from openpyxl import Workbook

    from config.spreadsheet import xlsx_row

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(kind.label[:31])
    for row in export_rows(kind, entries):
        ws.append(xlsx_row(ws, row))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
