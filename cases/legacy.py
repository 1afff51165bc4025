"""Importing an existing clue ledger (问题线索台账) kept in Excel before Qingfeng.

Every row becomes a tip (status ``imported``) and its clue in the state the ledger says.
All rows or none: the whole file is validated first and the validation report lists
every problem by row; nothing is written unless every row is good (directory/tabular.py).
A reporter named in the ledger is encrypted like any other (tips.service).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from cases.ledger import next_number
from cases.models import Clue
from cases.service import NewClue, create_clue
from cases.states import CLOSED_STATES, ClueState
from config.errors import DomainError, ValidationError
from config.localtime import LOCAL_TZ
from config.textlimits import checked
from directory.models import OrgUnit, UnitKind
from directory.tabular import Report, database_refusal, map_header, read_table
from tips.channels import CHANNELS
from tips.models import TipStatus
from tips.protection import normalize_contact
from tips.service import AccusedPerson, Identity, NewTip, Vault, check_new_tip, create_tip
from workflow.models import TransitionLog

ALIASES: dict[str, tuple[str, ...]] = {
    "seq": ("序号",),
    "received_on": ("受理日期", "收件日期", "登记日期", "日期"),
    "channel": ("来源", "线索来源", "来源渠道"),
    "accused": ("反映对象", "被反映人", "被反映单位"),
    "content": ("反映问题", "反映内容", "主要问题"),
    "status": ("办理状态", "状态"),
    "ledger_no": ("编号", "台账编号", "线索编号"),
    "reporter": ("反映人", "举报人"),
    "phone": ("联系电话", "联系方式"),
    "note": ("备注", "办理结果"),
}
REQUIRED = ("received_on", "channel", "content", "status")

_CHANNEL_WORDS = {label: code for code, label in CHANNELS.items()}
_CHANNEL_WORDS.update(
    {
        "电话": "hotline",
        "12345": "hotline",
        "信访": "letter",
        "网络": "portal",
        "邮件": "mailbox",
        "邮箱": "mailbox",
        "交办": "superior",
        "上级转办": "superior",
        "移交": "department",
        "巡视巡察": "inspection_tour",
        "纪律审查": "discipline_review",
        "下级": "lower_unit",
    }
)
STATUS_WORDS: dict[str, ClueState] = {
    "待受理": ClueState.RECEIVED,
    "未受理": ClueState.RECEIVED,
    "已受理": ClueState.REGISTERED,
    "办理中": ClueState.REGISTERED,
    "在办": ClueState.REGISTERED,
    "不予受理": ClueState.NOT_ACCEPTED,
    "已转办": ClueState.FORWARDED,
    "转办": ClueState.FORWARDED,
    "已办结": ClueState.WRITTEN_OFF,
    "办结": ClueState.WRITTEN_OFF,
    "已销号": ClueState.WRITTEN_OFF,
    "结案": ClueState.WRITTEN_OFF,
}
_TIP_STATUS = {ClueState.RECEIVED: TipStatus.RECEIVED}
_DATE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?")


@dataclass(frozen=True)
class LedgerRow:
    row: int
    received: date
    channel: str
    state: ClueState
    content: str
    accused: str
    ledger_no: str
    identity: Identity
    note: str


def _parse_date(text: str) -> date | None:
    match = _DATE.match(text.strip())
    if not match:
        return None
    try:
        return date(*(int(g) for g in match.groups()))
    except ValueError:
        return None


def _parse(rownum: int, values: dict[str, str], report: Report) -> LedgerRow | None:
    errors = len(report.errors)
    for name in REQUIRED:
        if not values.get(name):
            report.add(rownum, ALIASES[name][0], "不能为空")
    received = _parse_date(values.get("received_on", ""))
    if values.get("received_on") and received is None:
        report.add(rownum, "受理日期", "日期格式不正确（应为 2023-03-14 或 2023年3月14日）")
    channel = _CHANNEL_WORDS.get(values.get("channel", "").strip())
    if values.get("channel") and channel is None:
        report.add(rownum, "来源", f"无法识别的来源“{values['channel']}”")
    state = STATUS_WORDS.get(values.get("status", "").strip())
    if values.get("status") and state is None:
        known = "、".join(STATUS_WORDS)
        report.add(rownum, "办理状态", f"无法识别的状态“{values['status']}”（可用：{known}）")
    if len(report.errors) > errors or received is None or channel is None or state is None:
        return None
    return LedgerRow(
        row=rownum,
        received=received,
        channel=channel,
        state=state,
        content=values["content"],
        accused=values.get("accused", ""),
        ledger_no=values.get("ledger_no", ""),
        identity=Identity(name=values.get("reporter", ""), phone=values.get("phone", "")),
        note=values.get("note", ""),
    )


def import_ledger(
    session: Session, unit: OrgUnit, filename: str, data: bytes, vault: Vault
) -> Report:
    """Import a legacy ledger into ``unit`` (a body): all rows or none (raises with the report)."""
    if unit.kind == UnitKind.OFFICE:
        raise ValidationError("请选择机关（而非内设科室）作为台账所属单位。")
    header, rows = read_table(filename, data)
    report = Report()
    index = map_header(header, ALIASES, report)
    for name in REQUIRED:
        if name not in index:
            report.add(1, ALIASES[name][0], "缺少此列")
    report.raise_if_errors("台账")
    parsed: list[LedgerRow] = []
    seen: dict[str, int] = {}
    for rownum, cells in enumerate(rows, start=2):
        values = {name: (cells[i] if i < len(cells) else "").strip() for name, i in index.items()}
        row = _parse(rownum, values, report)
        if row is None:
            continue
        if row.ledger_no:
            if row.ledger_no in seen:
                report.add(rownum, "编号", f"与第 {seen[row.ledger_no]} 行编号重复")
            elif session.scalar(select(Clue.id).where(Clue.ledger_no == row.ledger_no)):
                report.add(rownum, "编号", f"编号 {row.ledger_no} 已存在")
            seen[row.ledger_no] = rownum
        try:  # a malformed phone must be reported before anything is written
            if row.identity.phone:
                normalize_contact("phone", row.identity.phone)
        except ValidationError as err:
            report.add(rownum, "联系电话", err.message)
        _check_lengths(row, report)
        parsed.append(row)
    if not parsed and not report.errors:
        report.add(2, "", "文件中没有数据行")
    report.raise_if_errors("台账")
    for row in parsed:
        # Anything the checks above missed, refused by the database or by the flush guard,
        # still names its row and field, and nothing of the file is kept (the caller
        # rolls back on the error raised below).
        try:
            _write(session, unit, row, vault, filename)
            session.flush()
        except DomainError as err:
            report.add(row.row, _column_of(err.details), err.message)
        except SQLAlchemyError as err:
            column, message = database_refusal(err)
            report.add(row.row, _COLUMN_OF_DB.get(column, column), message)
        if report.errors:
            break
        report.created += 1
    report.raise_if_errors("台账")
    return report


# Where a tip field comes from in the ledger (the first alias is the usual column title).
_COLUMN_OF_FIELD = {
    "content": ALIASES["content"][0],
    "summary": ALIASES["content"][0],
    "accused_unit_name": ALIASES["accused"][0],
    "accused": ALIASES["accused"][0],
    "identity.name": ALIASES["reporter"][0],
    "identity.phone": ALIASES["phone"][0],
    "ledger_no": ALIASES["ledger_no"][0],
}
_COLUMN_OF_DB = {
    "name": ALIASES["accused"][0],
    "name_key": ALIASES["accused"][0],
    "accused_unit_text": ALIASES["accused"][0],
    "summary": ALIASES["content"][0],
    "content": ALIASES["content"][0],
    "ledger_no": ALIASES["ledger_no"][0],
    "uq_clues_ledger_no": ALIASES["ledger_no"][0],
}


def _column_of(details: object) -> str:
    keys = list(details) if isinstance(details, dict) else []
    for key in keys:
        for prefix, column in _COLUMN_OF_FIELD.items():
            if key == prefix or key.startswith(prefix + "."):
                return column
        if key in _COLUMN_OF_DB:
            return _COLUMN_OF_DB[key]
    return keys[0] if keys else ""


def _check_lengths(row: LedgerRow, report: Report) -> None:
    """Every text of the row within the limit of the field it fills (tips.service)."""
    try:
        check_new_tip(_new_tip(row))
        checked(row.ledger_no, Clue.ledger_no, "编号", field="ledger_no")
    except ValidationError as err:
        report.add(row.row, _column_of(err.details), err.message)


def _write(session: Session, unit: OrgUnit, row: LedgerRow, vault: Vault, source: str) -> None:
    received = datetime.combine(row.received, time(9, 0), LOCAL_TZ)
    tip = create_tip(session, None, unit, _new_tip(row), vault)
    tip.status = _TIP_STATUS.get(row.state, TipStatus.IMPORTED)
    clue = create_clue(
        session,
        None,
        unit,
        NewClue(
            channel=row.channel,
            summary=tip.summary,
            content=row.content,
            accused_unit_id=tip.accused_unit_id,
            received_at=received,
        ),
        now=received,
    )
    clue.tip_id, tip.clue_id = tip.id, clue.id
    if row.state != ClueState.RECEIVED:
        clue.state = row.state
        if row.state in CLOSED_STATES:  # old intake clocks of a closed matter are not owed
            clue.clocks, clue.next_due_on, clue.next_due_kind = {}, None, None
        if row.ledger_no:
            clue.ledger_no, clue.ledger_year = row.ledger_no, row.received.year
        elif row.state in (ClueState.REGISTERED, ClueState.WRITTEN_OFF):
            clue.ledger_seq, clue.ledger_no = next_number(session, unit, row.received.year)
            clue.ledger_year = row.received.year
        session.add(
            TransitionLog(
                lifecycle="clue",
                subject_id=clue.id,
                actor_id=None,
                at=received,
                trigger="import",
                from_state=ClueState.RECEIVED,
                to_state=row.state,
                version=clue.version,
                reason=f"历史台账导入（{source} 第 {row.row} 行）{row.note}"[:500],
                payload={"file": source, "row": row.row},
            )
        )


def _new_tip(row: LedgerRow) -> NewTip:
    return NewTip(
        channel=row.channel,
        content=row.content,
        meta=_legacy_meta(row),
        accused_unit_name=row.accused,
        accused=[] if _looks_like_unit(row.accused) else [AccusedPerson(row.accused)],
        named=not row.identity.is_empty(),
        identity=row.identity,
        received_at=datetime.combine(row.received, time(9, 0), LOCAL_TZ),
    )


def _legacy_meta(row: LedgerRow) -> dict[str, str]:
    # Required metadata of a channel (call time, reference) is unknown for old rows.
    if row.channel == "hotline":
        return {"call_time": f"{row.received.isoformat()}T09:00", "clerk": "历史台账"}
    if row.channel == "superior":
        return {"reference": row.ledger_no or "历史台账"}
    if row.channel in ("department", "inspection_tour", "lower_unit"):
        return {"sender": "历史台账"}
    if row.channel == "mailbox":
        return {"message_id": f"legacy-{row.row}"}
    return {}


def _looks_like_unit(text: str) -> bool:
    return any(word in text for word in ("医院", "卫生院", "中心", "诊所", "门诊", "局", "委"))
