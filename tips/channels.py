"""Where a tip came from (来源渠道) and the metadata each channel records.

The channel list is that of the seeds' "拓宽线索渠道" (来信、来访、网络、电话、上级交办、
部门协作、下级报送、巡视巡察移交、纪律审查、专项检查 …). Metadata is validated per channel so a
hotline record always has its call time and clerk, a referral its reference number.
A reporter's own contacts (a caller's number, a visitor's name) are NOT metadata: they
go into the encrypted identity (``tips.protection``), never into a plaintext column.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from config.errors import ValidationError
from config.textlimits import checked

# Metadata is JSON (no column width): its texts and counts have limits of their own.
META_TEXT_MAX = 500
META_INT_MAX = 1_000_000

CHANNELS: dict[str, str] = {
    "hotline": "来电",
    "mailbox": "电子邮件",
    "letter": "来信",
    "visit": "来访",
    "portal": "网络举报",
    "superior": "上级交办",
    "department": "部门移交",
    "inspection_tour": "巡视巡察移交",
    "discipline_review": "纪律审查",
    "lower_unit": "下级报送",
    "special_check": "专项检查",
    "self_check": "自查自纠",
    "survey": "满意度评价",
}


@dataclass(frozen=True)
class MetaField:
    name: str
    label: str
    kind: str = "text"  # text | bool | int | date | datetime
    required: bool = False


def _f(name: str, label: str, kind: str = "text", required: bool = False) -> MetaField:
    return MetaField(name, label, kind, required)


_SENDER = (_f("sender", "移交单位", required=True), _f("reference", "文号/编号"))
# Referrals from departments and inspection tours often set a deadline and ask for the
# result to be reported back (seed 004: 部门协作、巡视巡察移交 … "要求报告结果").
_REFERRED = (
    *_SENDER,
    _f("deadline", "办结期限", "date"),
    _f("reply_requested", "要求报告结果", "bool"),
)
CHANNEL_FIELDS: dict[str, tuple[MetaField, ...]] = {
    "hotline": (
        _f("call_time", "来电时间", "datetime", required=True),
        _f("duration_seconds", "通话时长（秒）", "int"),
        _f("callback_wanted", "要求回电", "bool"),
        _f("clerk", "接听人", required=True),
    ),
    "letter": (_f("postmark", "邮戳日期", "date"), _f("pages", "页数", "int")),
    "visit": (_f("visitors", "来访人数", "int"), _f("id_checked", "已核验身份证件", "bool")),
    "superior": (
        _f("reference", "交办文号", required=True),
        _f("deadline", "办结期限", "date"),
        _f("reply_requested", "要求报告结果", "bool"),
        _f("superior_name", "交办机关"),
    ),
    "department": _REFERRED,
    "inspection_tour": _REFERRED,
    # Seed 004's list of sources: clues found in a disciplinary review (纪律审查).
    "discipline_review": (_f("case_reference", "审查案件编号"), _f("reviewer", "审查机关")),
    "lower_unit": _SENDER,
    "mailbox": (_f("message_id", "邮件编号", required=True), _f("subject", "邮件主题")),
    # The portal's receipt-code hash is a column of its own (``Tip.receipt_hash``, unique
    # and indexed for the reporter's look-up), not metadata.
    "portal": (),
    "special_check": (_f("check_name", "检查名称"),),
    "self_check": (_f("check_name", "检查名称"),),
    "survey": (_f("survey_name", "评价名称"),),
}


def channel_label(code: str) -> str:
    return CHANNELS.get(code, code)


def _convert(spec: MetaField, value: Any) -> Any:
    if spec.kind == "bool":
        return value in (True, "y", "on", "1", "true", 1)
    if spec.kind == "int":
        try:
            number = int(value)
        except (TypeError, ValueError) as err:
            raise ValidationError(f"“{spec.label}”须为整数。") from err
        if number < 0:
            raise ValidationError(f"“{spec.label}”不能为负数。")
        if number > META_INT_MAX:
            raise ValidationError(f"“{spec.label}”数值过大（最大 {META_INT_MAX}）。")
        return number
    if spec.kind == "date":
        try:
            return (
                value if isinstance(value, date) else date.fromisoformat(str(value))
            ).isoformat()
        except ValueError as err:
            raise ValidationError(f"“{spec.label}”日期格式不正确（应为 年-月-日）。") from err
    if spec.kind == "datetime":
        try:
            parsed = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
        except ValueError as err:
            raise ValidationError(f"“{spec.label}”时间格式不正确。") from err
        return parsed.isoformat(timespec="minutes")
    return checked(value, None, f"“{spec.label}”", field=f"meta.{spec.name}", limit=META_TEXT_MAX)


def validate_metadata(channel: str, raw: Mapping[str, Any] | None) -> dict[str, Any]:
    """The channel's metadata, converted and checked; unknown keys are dropped."""
    if channel not in CHANNELS:
        raise ValidationError("来源渠道不正确。")
    raw = raw or {}
    clean: dict[str, Any] = {}
    for spec in CHANNEL_FIELDS.get(channel, ()):
        value = raw.get(spec.name)
        empty = value is None or (isinstance(value, str) and not value.strip())
        if empty:
            if spec.required:
                raise ValidationError(f"{CHANNELS[channel]}须填写“{spec.label}”。")
            if spec.kind == "bool":
                clean[spec.name] = False
            continue
        clean[spec.name] = _convert(spec, value)
    return clean
