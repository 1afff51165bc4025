"""Task division (任务分工): tasks with lead and cooperating offices, import, progress, status.

The seeds print the table with the columns 序号, 重点任务, 责任处室 and (seed ``000_…``)
配合处室; a cell names several offices separated by line breaks or 、. Offices are
``OrgUnit`` kind ``office`` inside the issuing body. An office the body does not have is
an error naming the row, unless the importer asks to create the missing offices by name.
All rows or none (``directory.tabular``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from campaigns.models import (
    Campaign,
    CampaignTask,
    OfficeRole,
    TaskOffice,
    TaskProgress,
    TaskStatus,
)
from campaigns.service import can_manage, get_campaign, require_manage
from config.database import utcnow
from config.errors import NotFound, PermissionDenied, ValidationError
from directory.jurisdiction import unit_visible
from directory.models import OrgUnit, UnitKind, User
from directory.service import add_unit
from directory.tabular import Report, map_header, read_table
from workflow.engine import local_today

HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "seq": ("序号",),
    "text": ("重点任务", "工作任务", "任务"),
    "lead": ("责任处室", "责任单位", "牵头处室"),
    "cooperating": ("配合处室", "配合单位"),
    "due": ("完成时限", "时限"),
}
_SPLIT = re.compile(r"[\n\r、，,；;]+")


def split_offices(cell: str) -> list[str]:
    """Office names in one cell, as the seeds print them (line breaks or 、)."""
    names = [n.strip() for n in _SPLIT.split(cell or "")]
    return list(dict.fromkeys(n for n in names if n))


def effective_status(task: CampaignTask, today: date) -> str:
    """逾期 when the deadline has passed and the task is not done; else the stored status."""
    if task.status != TaskStatus.DONE and task.due_on is not None and task.due_on < today:
        return TaskStatus.OVERDUE
    return task.status


def offices_of(session: Session, body: OrgUnit) -> dict[str, OrgUnit]:
    rows = session.scalars(
        select(OrgUnit).where(OrgUnit.parent_id == body.id, OrgUnit.kind == UnitKind.OFFICE)
    )
    return {o.name: o for o in rows}


@dataclass
class ParsedTask:
    line: int  # spreadsheet row, for the report
    seq: int
    text: str
    lead: list[str]
    cooperating: list[str]
    due: date | None


@dataclass
class ImportResult:
    report: Report
    created: list[CampaignTask] = field(default_factory=list)
    offices_created: list[str] = field(default_factory=list)


def _parse(header: list[str], rows: list[list[str]], report: Report) -> list[ParsedTask]:
    index = map_header(header, HEADER_ALIASES, report)
    for required, title in (("seq", "序号"), ("text", "重点任务"), ("lead", "责任处室")):
        if required not in index:
            report.add(1, title, "缺少必需的列")
    if report.errors:
        return []

    def cell(row: list[str], name: str) -> str:
        i = index.get(name)
        return row[i].strip() if i is not None and i < len(row) else ""

    parsed: list[ParsedTask] = []
    seen: set[int] = set()
    for n, row in enumerate(rows, start=2):
        seq_text, text = cell(row, "seq"), cell(row, "text")
        try:
            seq = int(seq_text)
        except ValueError:
            report.add(n, "序号", f"“{seq_text}”不是数字")
            continue
        if seq in seen:
            report.add(n, "序号", f"序号 {seq} 重复")
        seen.add(seq)
        if not text:
            report.add(n, "重点任务", "不能为空")
        lead = split_offices(cell(row, "lead"))
        if not lead:
            report.add(n, "责任处室", "至少填写一个责任处室")
        due = None
        if due_text := cell(row, "due"):
            try:
                due = date.fromisoformat(due_text[:10])
            except ValueError:
                report.add(n, "完成时限", f"“{due_text}”不是日期（格式 2020-08-31）")
        coop = [o for o in split_offices(cell(row, "cooperating")) if o not in lead]
        parsed.append(ParsedTask(n, seq, text, lead, coop, due))
    return parsed


def import_tasks(
    session: Session,
    actor: User,
    campaign: Campaign,
    filename: str,
    data: bytes,
    *,
    create_missing_offices: bool = False,
) -> ImportResult:
    """Import the 任务分工 table; every bad row is named and nothing is written if any is bad."""
    require_manage(session, actor, campaign)
    report = Report()
    header, rows = read_table(filename, data)
    parsed = _parse(header, rows, report)
    body = campaign.issuing_unit
    offices = offices_of(session, body)
    existing = {t.seq for t in campaign.tasks}
    missing: list[str] = []
    for task in parsed:
        n = task.line
        if task.seq in existing:
            report.add(n, "序号", f"本专项行动已有序号 {task.seq} 的任务")
        for column, names in (("责任处室", task.lead), ("配合处室", task.cooperating)):
            for name in names:
                if name in offices:
                    continue
                if create_missing_offices:
                    missing.append(name)
                else:
                    report.add(n, column, f"{body.name}没有名为“{name}”的处室")
    report.raise_if_errors("任务分工表")
    result = ImportResult(report)
    for name in dict.fromkeys(missing):
        offices[name] = add_unit(
            session,
            code=f"{body.code}-C{campaign.id}-{len(offices) + 1:02d}",
            name=name,
            kind=UnitKind.OFFICE,
            parent=body,
        )
        result.offices_created.append(name)
    for task in parsed:
        result.created.append(
            add_task(session, campaign, task.seq, task.text, task.lead, task.cooperating,
                     task.due, offices)
        )  # fmt: skip
    report.created = len(result.created)
    return result


def add_task(
    session: Session,
    campaign: Campaign,
    seq: int,
    text: str,
    lead: list[str],
    cooperating: list[str],
    due: date | None,
    offices: dict[str, OrgUnit],
) -> CampaignTask:
    task = CampaignTask(campaign=campaign, seq=seq, text=text, due_on=due or campaign.ends_on)
    for name in lead:
        task.offices.append(TaskOffice(office=offices[name], role=OfficeRole.LEAD))
    for name in cooperating:
        task.offices.append(TaskOffice(office=offices[name], role=OfficeRole.COOPERATING))
    session.add(task)
    session.flush()
    return task


def get_task(session: Session, actor: User, task_id: int) -> CampaignTask:
    task = session.get(CampaignTask, task_id)
    if task is None:
        raise NotFound("未找到该任务。")
    get_campaign(session, actor, task.campaign_id)
    return task


def can_update(session: Session, actor: User, task: CampaignTask) -> bool:
    """The task's own offices report progress; the issuing body's managers may too."""
    mine = any(o.office_id == actor.unit_id for o in task.offices)
    return mine or can_manage(session, actor, task.campaign)


def add_progress(
    session: Session,
    actor: User,
    task: CampaignTask,
    note: str,
    status: str,
    *,
    on: date | None = None,
) -> TaskProgress:
    """A dated progress note by an office user; it sets the task's status (未开始/进行中/已完成)."""
    if not can_update(session, actor, task):
        raise PermissionDenied("只有该任务的责任处室、配合处室或发文单位可以报告进展。")
    if not note.strip():
        raise ValidationError("请填写进展情况。")
    if status not in (TaskStatus.NOT_STARTED, TaskStatus.IN_PROGRESS, TaskStatus.DONE):
        raise ValidationError("任务状态无效。")
    now = utcnow()
    office = actor.unit if actor.unit.kind == UnitKind.OFFICE else task.campaign.issuing_unit
    entry = TaskProgress(
        task=task,
        office=office,
        author_id=actor.id,
        on=on or local_today(now),  # the office's calendar day (Asia/Shanghai)
        note=note.strip(),
        status=status,
        created_at=now,
    )
    task.status = status
    task.updated_at = now
    session.add(entry)
    session.flush()
    return entry


def tasks_by_office(campaign: Campaign) -> dict[OrgUnit, list[tuple[CampaignTask, str]]]:
    """Each office with its tasks and its role in them (责任/配合), in the table's order."""
    board: dict[OrgUnit, list[tuple[CampaignTask, str]]] = {}
    for task in campaign.tasks:
        for link in task.offices:
            board.setdefault(link.office, []).append((task, link.role))
    return board


def office_board(session: Session, actor: User, office: OrgUnit) -> list[tuple[CampaignTask, str]]:
    """The tasks of one office across the campaigns the actor sees (任务看板)."""
    if office.kind != UnitKind.OFFICE:
        raise ValidationError("任务看板按处室查看。")
    if not unit_visible(session, actor, office):
        raise NotFound("未找到该处室，或不在您的管辖范围内。")
    links = session.scalars(
        select(TaskOffice).where(TaskOffice.office_id == office.id).order_by(TaskOffice.id)
    ).all()
    rows = []
    for link in links:
        try:
            get_campaign(session, actor, link.task.campaign_id)
        except NotFound:
            continue
        rows.append((link.task, link.role))
    return rows
