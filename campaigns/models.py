"""Special campaigns (专项行动): phases, task division, inspections and the clues they raised.

A campaign is issued by one body. Its scope is that body's whole subtree unless the office
chose units below it (``CampaignScopeUnit``: their institutions are in scope) and/or
statistical classes (``scope_classes``); ``campaigns.scope`` reads it. Tasks are divided
between offices of the issuing body (责任处室 lead, 配合处室 cooperate). An inspection is
one visit to one institution against a checklist (``campaigns.checklists``); a finding
becomes a clue (channel 专项检查) linked back by ``InspectionClue``.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from config.database import Base, utcnow
from directory.models import OrgUnit, User


class TaskStatus(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    OVERDUE = "overdue"  # derived: past its deadline and not done; never stored


TASK_STATUS_LABELS: dict[str, str] = {
    TaskStatus.NOT_STARTED: "未开始",
    TaskStatus.IN_PROGRESS: "进行中",
    TaskStatus.DONE: "已完成",
    TaskStatus.OVERDUE: "逾期",
}


class OfficeRole(StrEnum):
    LEAD = "lead"  # 责任处室
    COOPERATING = "cooperating"  # 配合处室


class Campaign(Base):
    __tablename__ = "campaigns"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    doc_number: Mapped[str] = mapped_column(String(100), default="")  # 陕卫办医发〔2020〕36号
    issuing_unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), index=True)
    issued_on: Mapped[date | None] = mapped_column(Date)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    checklist_code: Mapped[str] = mapped_column(String(32), default="gx2020")
    # The public notice (seed 004 附件4): what is rectified and where to report.
    notice_title: Mapped[str] = mapped_column(String(200), default="")
    notice_text: Mapped[str] = mapped_column(Text, default="")
    hotline: Mapped[str] = mapped_column(String(200), default="")
    mailbox: Mapped[str] = mapped_column(String(200), default="")
    address: Mapped[str] = mapped_column(String(300), default="")
    notice_published: Mapped[bool] = mapped_column(default=False)
    # Comma-separated ``StatClass`` values narrowing the scope; "" means every class.
    scope_classes: Mapped[str] = mapped_column(String(100), default="", server_default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    issuing_unit: Mapped[OrgUnit] = relationship()
    created_by: Mapped[User | None] = relationship()
    phases: Mapped[list[CampaignPhase]] = relationship(
        back_populates="campaign", order_by="CampaignPhase.starts_on, CampaignPhase.id"
    )
    tasks: Mapped[list[CampaignTask]] = relationship(
        back_populates="campaign", order_by="CampaignTask.seq"
    )
    scope_units: Mapped[list[CampaignScopeUnit]] = relationship(
        back_populates="campaign", order_by="CampaignScopeUnit.id", cascade="all, delete-orphan"
    )


class CampaignScopeUnit(Base):
    """One unit below the issuing body chosen as the campaign's scope (none: the whole subtree)."""

    __tablename__ = "campaign_scope_units"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"))

    campaign: Mapped[Campaign] = relationship(back_populates="scope_units")
    unit: Mapped[OrgUnit] = relationship()

    __table_args__ = (UniqueConstraint("campaign_id", "unit_id"),)


class CampaignPhase(Base):
    __tablename__ = "campaign_phases"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))  # 自查自纠, 集中整治 …
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    description: Mapped[str] = mapped_column(Text, default="")

    campaign: Mapped[Campaign] = relationship(back_populates="phases")


class CampaignTask(Base):
    __tablename__ = "campaign_tasks"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)  # 序号
    text: Mapped[str] = mapped_column(Text)  # 重点任务
    due_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default=TaskStatus.NOT_STARTED)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    campaign: Mapped[Campaign] = relationship(back_populates="tasks")
    offices: Mapped[list[TaskOffice]] = relationship(
        back_populates="task", order_by="TaskOffice.id", cascade="all, delete-orphan"
    )
    progress: Mapped[list[TaskProgress]] = relationship(
        back_populates="task", order_by="TaskProgress.id", cascade="all, delete-orphan"
    )

    __table_args__ = (UniqueConstraint("campaign_id", "seq"),)

    @property
    def lead_offices(self) -> list[OrgUnit]:
        return [o.office for o in self.offices if o.role == OfficeRole.LEAD]

    @property
    def cooperating_offices(self) -> list[OrgUnit]:
        return [o.office for o in self.offices if o.role == OfficeRole.COOPERATING]


class TaskOffice(Base):
    __tablename__ = "campaign_task_offices"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("campaign_tasks.id"), index=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), index=True)
    role: Mapped[str] = mapped_column(String(16))

    task: Mapped[CampaignTask] = relationship(back_populates="offices")
    office: Mapped[OrgUnit] = relationship()

    __table_args__ = (UniqueConstraint("task_id", "office_id"),)


class TaskProgress(Base):
    __tablename__ = "campaign_task_progress"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("campaign_tasks.id"), index=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    on: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))  # the task's status after this update
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    task: Mapped[CampaignTask] = relationship(back_populates="progress")
    office: Mapped[OrgUnit] = relationship()
    author: Mapped[User] = relationship()


class Inspection(Base):
    __tablename__ = "campaign_inspections"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), index=True)
    checklist_code: Mapped[str] = mapped_column(String(32))
    inspected_on: Mapped[date] = mapped_column(Date, index=True)
    inspectors: Mapped[str] = mapped_column(String(300))  # 检查人
    accompanying: Mapped[str] = mapped_column(String(300), default="")  # 陪同检查人
    # {item code: {"found": bool, "sampled": int, "violating": int, "persons": int,
    #  "fine": str (万元), "confiscated": str, "note": str}}
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    campaign: Mapped[Campaign] = relationship()
    institution: Mapped[OrgUnit] = relationship()
    created_by: Mapped[User] = relationship()
    clues: Mapped[list[InspectionClue]] = relationship(
        back_populates="inspection", order_by="InspectionClue.id"
    )


class InspectionClue(Base):
    """A finding turned into a clue: which inspection and which checklist item it came from."""

    __tablename__ = "campaign_inspection_clues"

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("campaign_inspections.id"), index=True)
    item_code: Mapped[str] = mapped_column(String(16))
    clue_id: Mapped[int] = mapped_column(ForeignKey("clues.id"), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    inspection: Mapped[Inspection] = relationship(back_populates="clues")

    __table_args__ = (UniqueConstraint("inspection_id", "item_code"),)
