"""Roles and what each may do: one capability enum, one role table, one check.

Services call ``require(actor, Capability.X)``; pages and navigation ask ``can(actor, …)``
(a Jinja global ``can('x')`` reads the same table). Adding a role is a ``Role`` member and
one row of ``ROLES`` (its label, its scope, its capabilities); nothing else repeats who may
do what. A user sees their own unit and, where the role's scope allows, the units below it
(DESIGN.md, "Who uses it").
Jurisdiction (which units) stays in ``directory.jurisdiction``; lifecycle tables take the
roles that fire a step from here too (``roles_with``).

Who may be *chosen* for something is one function per choice, read by the form that offers
the names and by the service that accepts them: the assignee of a clue is
``cases.assignees.assignable_query`` (active holders of ``CLUES_HANDLE`` in the clue's body);
the reviewers of a submission are ``reporting.access.is_reviewer`` (``REPORTS_REVIEW`` in
the body above).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from config.errors import PermissionDenied

if TYPE_CHECKING:
    from directory.models import User


class Role(StrEnum):
    CLERK = "clerk"
    HANDLER = "handler"
    LEADER = "leader"
    REPORTER = "reporter"
    INSPECTOR = "inspector"
    ADMIN = "admin"
    DISCIPLINE_GROUP = "discipline_group"  # a member of a body's 驻委纪检组


class Scope(StrEnum):
    BODY = "body"  # own body and its offices
    TREE = "tree"  # own body, its offices and every unit below


class Capability(StrEnum):
    WORKBENCH = "workbench"  # 工作台, search, account security: everyone signed in
    CLUES_READ = "clues.read"
    CLUES_FOLLOW = "clues.follow"
    CLUES_HANDLE = "clues.handle"  # may be assigned a clue (指定承办人)
    CLUES_EDIT_ALL = "clues.edit.all"  # edits the records of every clue of its units
    TIPS_READ = "tips.read"
    INTAKE = "intake"  # register tips and clues, work the mailbox queue
    IDENTITY_REVEAL = "identity.reveal"
    IDENTITY_DECIDE = "identity.decide"  # the custodian approves a reveal request
    REDPACKETS = "redpackets"  # the red-packet register (office staff: of the tree)
    REDPACKETS_REGISTER = "redpackets.register"  # an institution registers its own
    REPORTS_FILL = "reports.fill"
    REPORTS_REVIEW = "reports.review"
    REPORTS_COMPLIANCE = "reports.compliance"  # other units' figures: 报送情况, 汇总, charts
    # The reports of the units directly below the body, beyond a body-wide scope (a handler
    # reviews what the institutions below send)
    REPORTS_BELOW = "reports.below"
    # Reviews every form sent to the body, whichever office it is routed to (分管/主要负责人)
    REPORTS_REVIEW_ALL = "reports.review.all"
    REPORTS_RULES_STANDING = "reports.rules.standing"  # the standing rules of the seeds
    # Where forms go and a notice's one-off obligations (reporting.routing, reporting.oneoff)
    REPORTS_RULES = "reports.rules"
    # Rules issued by a body below (periods, deadlines), besides the issuing body's own staff
    REPORTS_RULES_BELOW = "reports.rules.below"
    # Files the unit's own forms and reports its rectification items: the people told by the
    # submission and rectification reminders (an institution's 填报员, a body's handlers)
    REPORTS_DUTY = "reports.duty"
    REGISTERS = "registers"  # 登记册: 警示教育, 专题学习, 约谈, 建议书, 通报, 处理措施
    STATS = "stats"
    CAMPAIGNS_READ = "campaigns.read"
    CAMPAIGNS_MANAGE = "campaigns.manage"  # the campaigns its own office entered
    CAMPAIGNS_MANAGE_ALL = "campaigns.manage.all"  # every campaign of its jurisdiction
    UNITS_READ = "units.read"
    DIRECTORY_MANAGE = "directory.manage"  # users, units, import, tokens, TOTP resets
    CALENDAR_MANAGE = "calendar.manage"
    CALENDAR_ALERTS = "calendar.alerts"  # told when a deadline falls in an unconfirmed year
    AUDIT_READ = "audit.read"  # the audit trail, reveal logs included (纪检/督查)
    SYSTEM_MANAGE = "system.manage"  # scheduler, outbox status, dry runs, retention
    # Told when a clue waits for 受理 past its deadline; their home lists the clues waiting
    INTAKE_REMINDERS = "reminders.intake"
    ESCALATIONS = "reminders.escalation"  # told when the body's work runs overdue (升级提醒)
    RECTIFY_READ = "rectification.read"  # the rectification ledger (整改台账)
    RECTIFY_MANAGE = "rectification.manage"  # issue items, 验收/销号 them (the issuing office)
    RECTIFY_REPORT = "rectification.report"  # report an item rectified (the responsible unit)
    SUPERVISE = "supervision.manage"  # 挂牌督办 a clue below, draw and record 回头看
    BOARD = "supervision.board"  # the board of the bodies below, the 督办 list
    # Seed 001: "重大违法违纪问题及线索应同时向驻委纪检组报告" (cases.major).
    MAJOR_FLAG = "clues.major"  # flag a clue of the body 重大 (copied to its 驻委纪检组)
    MAJOR_READ = "clues.major.read"  # the 驻委纪检组: read the body's 重大 clues, nothing else
    BULLETINS_DRAFT = "documents.bulletins.draft"  # pick typical cases, edit a 通报
    BULLETINS_ISSUE = "documents.bulletins.issue"  # number, issue and publish a 通报


CAPABILITY_LABELS: dict[Capability, str] = {
    Capability.WORKBENCH: "使用工作台",
    Capability.CLUES_READ: "查看问题线索",
    Capability.CLUES_FOLLOW: "关注线索",
    Capability.CLUES_HANDLE: "承办线索",
    Capability.CLUES_EDIT_ALL: "修改他人承办线索的办理记录",
    Capability.TIPS_READ: "查看举报",
    Capability.INTAKE: "登记举报和线索",
    Capability.IDENTITY_REVEAL: "查看举报人身份",
    Capability.IDENTITY_DECIDE: "审批查看举报人身份的申请",
    Capability.REDPACKETS: "查看红包上缴登记",
    Capability.REDPACKETS_REGISTER: "登记红包上缴",
    Capability.REPORTS_FILL: "填报报表",
    Capability.REPORTS_REVIEW: "审核报表",
    Capability.REPORTS_COMPLIANCE: "查看报送情况",
    Capability.REPORTS_BELOW: "查看和审核直属下级单位的报表",
    Capability.REPORTS_REVIEW_ALL: "审核本单位收到的全部报表",
    Capability.REPORTS_RULES_STANDING: "管理默认报送规则",
    Capability.REPORTS_RULES: "管理报送规则和一次性报送任务",
    Capability.REPORTS_RULES_BELOW: "管理下级单位制定的报送规则",
    Capability.REPORTS_DUTY: "承担本单位报表填报和整改报告",
    Capability.REGISTERS: "登记警示教育、约谈等登记册",
    Capability.STATS: "查看统计图表",
    Capability.CAMPAIGNS_READ: "查看专项行动",
    Capability.CAMPAIGNS_MANAGE: "管理专项行动",
    Capability.CAMPAIGNS_MANAGE_ALL: "管理其他科室组织的专项行动",
    Capability.UNITS_READ: "查看组织机构",
    Capability.DIRECTORY_MANAGE: "管理用户和机构",
    Capability.CALENDAR_MANAGE: "维护工作日历",
    Capability.CALENDAR_ALERTS: "接收工作日历提醒",
    Capability.AUDIT_READ: "查看审计记录",
    Capability.SYSTEM_MANAGE: "管理系统运行",
    Capability.INTAKE_REMINDERS: "接收受理期限提醒",
    Capability.ESCALATIONS: "接收逾期升级提醒",
    Capability.RECTIFY_READ: "查看整改台账",
    Capability.RECTIFY_MANAGE: "下达和验收整改事项",
    Capability.RECTIFY_REPORT: "报告整改完成情况",
    Capability.SUPERVISE: "挂牌督办和开展回头看",
    Capability.BOARD: "查看下级单位督办看板",
    Capability.MAJOR_FLAG: "将线索标记为重大并报告驻委纪检组",
    Capability.MAJOR_READ: "查阅报告驻委纪检组的重大线索",
    Capability.BULLETINS_DRAFT: "起草通报",
    Capability.BULLETINS_ISSUE: "签发和公开通报",
}

C = Capability
_OFFICE = frozenset({C.WORKBENCH, C.CLUES_READ, C.CLUES_FOLLOW, C.TIPS_READ, C.REDPACKETS})
_STAFF = frozenset({C.STATS, C.CAMPAIGNS_READ, C.RECTIFY_READ})
# The issuing office's staff issue rectification items and verify them; they may report one
# rectified too (an item of their own body or office).
_RECTIFY = frozenset({C.RECTIFY_MANAGE, C.RECTIFY_REPORT})


@dataclass(frozen=True)
class RoleSpec:
    label: str  # shown to users
    scope: Scope  # jurisdiction: which units the role sees (``directory.jurisdiction``)
    grants: frozenset[Capability]  # what the role may do


# The one table of roles: adding a role is a member of ``Role`` and a row here.
ROLES: dict[Role, RoleSpec] = {
    Role.CLERK: RoleSpec(
        "登记员",
        Scope.BODY,
        _OFFICE | _STAFF | {C.INTAKE, C.IDENTITY_REVEAL, C.INTAKE_REMINDERS, C.REPORTS_COMPLIANCE},
    ),
    Role.HANDLER: RoleSpec(
        "承办人",
        Scope.BODY,
        _OFFICE
        | _STAFF
        | {
            C.INTAKE,
            C.IDENTITY_REVEAL,
            C.CLUES_HANDLE,
            C.REPORTS_FILL,
            C.REPORTS_DUTY,
            C.REPORTS_REVIEW,
            C.REPORTS_COMPLIANCE,
            C.REPORTS_RULES,
            C.REPORTS_BELOW,
            C.REGISTERS,
            C.CAMPAIGNS_MANAGE,
            C.MAJOR_FLAG,
            C.BULLETINS_DRAFT,
        }
        | _RECTIFY,
    ),
    Role.LEADER: RoleSpec(
        "分管/主要负责人",
        Scope.TREE,
        _OFFICE
        | _STAFF
        | {
            C.INTAKE,
            C.IDENTITY_REVEAL,
            C.IDENTITY_DECIDE,
            C.CLUES_HANDLE,
            C.CLUES_EDIT_ALL,
            C.REPORTS_REVIEW_ALL,
            C.CAMPAIGNS_MANAGE_ALL,
            C.REPORTS_FILL,
            C.REPORTS_REVIEW,
            C.REPORTS_COMPLIANCE,
            C.REPORTS_RULES,
            C.REPORTS_RULES_BELOW,
            C.REGISTERS,
            C.CAMPAIGNS_MANAGE,
            C.UNITS_READ,
            C.CALENDAR_ALERTS,
            C.ESCALATIONS,
            C.SUPERVISE,
            C.BOARD,
            C.MAJOR_FLAG,
            C.BULLETINS_DRAFT,
            C.BULLETINS_ISSUE,
        }
        | _RECTIFY,
    ),
    Role.REPORTER: RoleSpec(
        "机构填报员",
        Scope.BODY,
        frozenset(
            {
                C.WORKBENCH,
                C.REDPACKETS,
                C.REDPACKETS_REGISTER,
                C.REPORTS_FILL,
                C.REPORTS_DUTY,
                C.RECTIFY_READ,
                C.RECTIFY_REPORT,
                C.REGISTERS,
            }
        ),
    ),
    Role.INSPECTOR: RoleSpec(
        "纪检/督查",
        Scope.TREE,
        _OFFICE | _STAFF | {C.REPORTS_COMPLIANCE, C.UNITS_READ, C.AUDIT_READ, C.BOARD},
    ),
    Role.ADMIN: RoleSpec(
        "管理员",
        Scope.TREE,
        _STAFF
        | {
            C.WORKBENCH,
            C.CLUES_FOLLOW,
            C.REPORTS_COMPLIANCE,
            C.REPORTS_RULES,
            C.REPORTS_RULES_BELOW,
            C.REPORTS_RULES_STANDING,
            C.CAMPAIGNS_MANAGE,
            C.CAMPAIGNS_MANAGE_ALL,
            C.UNITS_READ,
            C.DIRECTORY_MANAGE,
            C.CALENDAR_MANAGE,
            C.CALENDAR_ALERTS,
            C.SYSTEM_MANAGE,
        },
    ),
    # Sits in a 驻委纪检组 unit (directory.models.UnitKind.DISCIPLINE_GROUP) of a body and
    # reads the clues that body flags 重大 (cases.major.can_read_major), nothing more.
    Role.DISCIPLINE_GROUP: RoleSpec(
        "驻委纪检组", Scope.BODY, frozenset({C.WORKBENCH, C.MAJOR_READ})
    ),
}
ROLE_LABELS: dict[Role, str] = {role: spec.label for role, spec in ROLES.items()}
ROLE_SCOPE: dict[Role, Scope] = {role: spec.scope for role, spec in ROLES.items()}


def can(actor: User, capability: Capability) -> bool:
    return Capability(capability) in ROLES[Role(actor.role)].grants


def require(actor: User, capability: Capability) -> None:
    if not can(actor, capability):
        label = CAPABILITY_LABELS[Capability(capability)]
        raise PermissionDenied(f"您的角色无权{label}。")


def roles_with(capability: Capability) -> frozenset[Role]:
    """The roles holding ``capability`` (for SQL filters, lifecycle tables and routes)."""
    return frozenset(role for role, spec in ROLES.items() if capability in spec.grants)
