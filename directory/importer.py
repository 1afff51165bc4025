"""Import units and institutions from CSV/XLSX: validated row by row, all rows or none."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from config.errors import DomainError, ValidationError
from config.reference import (
    CATEGORY_LABELS,
    GRADE_LABELS,
    OWNERSHIP_LABELS,
    Grade,
    InstitutionCategory,
    Ownership,
    parse_label,
)
from config.textlimits import problem, width
from directory.jurisdiction import can_see_unit
from directory.models import ALLOWED_PARENTS, UNIT_KIND_LABELS, OrgUnit, UnitKind, User
from directory.permissions import Capability, require
from directory.service import InstitutionAttrs, add_unit
from directory.tabular import Report, database_refusal, map_header, read_table

COLUMNS: dict[str, tuple[str, ...]] = {
    "code": ("编码", "单位编码", "机构编码"),
    "name": ("名称", "单位名称", "机构名称"),
    "kind": ("类型", "单位类型"),
    "parent_code": ("上级编码", "上级单位编码"),
    "category": ("机构类别",),
    "grade": ("等级", "机构等级"),
    "ownership": ("所有制", "举办性质"),
    "insurance": ("医保定点",),
    "contact_name": ("联系人",),
    "contact_phone": ("联系电话",),
    "contact_email": ("联系邮箱", "电子邮箱"),
}
REQUIRED = ("code", "name", "kind", "parent_code")
# The texts kept as they are, each within its column's width.
TEXT_COLUMNS = {
    "code": OrgUnit.code,
    "name": OrgUnit.name,
    "contact_name": OrgUnit.contact_name,
    "contact_phone": OrgUnit.contact_phone,
    "contact_email": OrgUnit.contact_email,
}
YES = {"是", "y", "yes", "1", "true", "√"}
NO = {"否", "n", "no", "0", "false", ""}


def import_directory(session: Session, actor: User | None, filename: str, data: bytes) -> int:
    """Import units, returning how many were created; ``actor`` None is the CLI."""
    if actor is not None:
        require(actor, Capability.DIRECTORY_MANAGE)
    report = Report()
    header, rows = read_table(filename, data)
    cols = map_header(header, COLUMNS, report)
    for name in REQUIRED:
        if name not in cols:
            report.add(1, COLUMNS[name][0], "缺少必填列")
    report.raise_if_errors("机构名册")

    parsed = []
    codes_in_file: dict[str, int] = {}
    for offset, raw in enumerate(rows):
        rownum = offset + 2
        values = {name: (raw[i].strip() if i < len(raw) else "") for name, i in cols.items()}
        item = _parse_row(rownum, values, report)
        if item is None:
            continue
        if item["code"] in codes_in_file:
            report.add(rownum, "编码", f"与第 {codes_in_file[item['code']]} 行编码重复")
            continue
        codes_in_file[item["code"]] = rownum
        parsed.append(item)

    existing = set(
        session.scalars(select(OrgUnit.code).where(OrgUnit.code.in_(list(codes_in_file))))
    )
    for item in parsed:
        if item["code"] in existing:
            report.add(item["row"], "编码", f"编码“{item['code']}”已存在")
    report.raise_if_errors("机构名册")

    by_code: dict[str, OrgUnit] = {}
    kinds_in_file = {item["code"]: item["kind"] for item in parsed}
    created = 0
    for item in _parents_first(parsed, report):
        parent = by_code.get(item["parent_code"]) or session.scalar(
            select(OrgUnit).where(OrgUnit.code == item["parent_code"])
        )
        if parent is None:
            report.add(item["row"], "上级编码", f"上级单位“{item['parent_code']}”不存在")
            continue
        parent_kind = UnitKind(kinds_in_file.get(parent.code, parent.kind))
        if parent_kind not in ALLOWED_PARENTS[item["kind"]]:
            report.add(
                item["row"],
                "上级编码",
                f"{UNIT_KIND_LABELS[item['kind']]}不能设在{UNIT_KIND_LABELS[parent_kind]}之下",
            )
            continue
        if (
            actor is not None
            and parent.id is not None
            and not can_see_unit(session, actor, parent.id)
        ):
            report.add(item["row"], "上级编码", "上级单位不在您的管辖范围内")
            continue
        if report.errors:
            continue  # keep validating; nothing will be kept anyway
        try:
            by_code[item["code"]] = add_unit(
                session,
                code=item["code"],
                name=item["name"],
                kind=item["kind"],
                parent=parent,
                institution=item["institution"],
                contact_name=item["contact_name"],
                contact_phone=item["contact_phone"],
                contact_email=item["contact_email"],
            )
            session.flush()
        except DomainError as err:
            keys = list(err.details) if isinstance(err.details, dict) else []
            report.add(item["row"], _label(keys[0] if keys else ""), err.message)
            break
        except SQLAlchemyError as err:  # refused by the database: name the row, stop
            column, message = database_refusal(err)
            report.add(item["row"], _label(column), message)
            break
        created += 1
    report.raise_if_errors("机构名册")  # the caller rolls back what was flushed
    return created


def _parse_row(rownum: int, values: dict[str, str], report: Report) -> dict | None:
    before = len(report.errors)
    for name in REQUIRED:
        if not values.get(name):
            report.add(rownum, COLUMNS[name][0], "必填项为空")
    kind = None
    if values.get("kind"):
        kind = parse_label(UnitKind, dict(UNIT_KIND_LABELS), values["kind"])
        kind = kind or _kind_alias(values["kind"])
        if kind is None or kind == UnitKind.PROVINCE:
            report.add(rownum, "类型", f"无法识别的单位类型“{values['kind']}”")
    institution = None
    if kind == UnitKind.INSTITUTION:
        category = parse_label(InstitutionCategory, CATEGORY_LABELS, values.get("category", ""))
        grade = parse_label(Grade, GRADE_LABELS, values.get("grade", ""))
        ownership = parse_label(Ownership, OWNERSHIP_LABELS, values.get("ownership", ""))
        insurance = values.get("insurance", "").lower()
        if category is None:
            report.add(rownum, "机构类别", f"无法识别的机构类别“{values.get('category', '')}”")
        if grade is None:
            report.add(rownum, "等级", f"无法识别的等级“{values.get('grade', '')}”")
        if ownership is None:
            report.add(rownum, "所有制", f"无法识别的所有制“{values.get('ownership', '')}”")
        if insurance not in YES | NO:
            report.add(rownum, "医保定点", "请填写“是”或“否”")
        if category and grade and ownership:
            institution = InstitutionAttrs(
                InstitutionCategory(category), Grade(grade), Ownership(ownership), insurance in YES
            )
    for key, attr in TEXT_COLUMNS.items():
        message = problem(values.get(key, ""), COLUMNS[key][0], width(attr))
        if message:
            report.add(rownum, COLUMNS[key][0], message)
    if len(report.errors) > before:
        return None
    return {
        "row": rownum,
        "code": values["code"],
        "name": values["name"],
        "kind": UnitKind(str(kind)),
        "parent_code": values["parent_code"],
        "institution": institution,
        "contact_name": values.get("contact_name", ""),
        "contact_phone": values.get("contact_phone", ""),
        "contact_email": values.get("contact_email", ""),
    }


def _label(column: str) -> str:
    return COLUMNS[column][0] if column in COLUMNS else column


def _kind_alias(text: str) -> UnitKind | None:
    aliases = {
        "市": UnitKind.CITY,
        "县": UnitKind.COUNTY,
        "区": UnitKind.COUNTY,
        "机构": UnitKind.INSTITUTION,
        "处室": UnitKind.OFFICE,
        "股室": UnitKind.OFFICE,
    }
    return aliases.get(text)


def _parents_first(items: list[dict], report: Report) -> list[dict]:
    """Order rows so a parent defined in the same file is created before its children."""
    pending = {item["code"]: item for item in items}
    ordered: list[dict] = []
    placed: set[str] = set()
    while pending:
        progress = False
        for code, item in list(pending.items()):
            if item["parent_code"] not in pending or item["parent_code"] in placed:
                ordered.append(item)
                placed.add(code)
                del pending[code]
                progress = True
        if not progress:
            for item in pending.values():
                report.add(item["row"], "上级编码", "上级关系形成循环")
            break
    if not ordered and not items:
        raise ValidationError("文件中没有数据行。")
    return ordered
