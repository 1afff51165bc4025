"""Reading the State Council General Office's yearly notice on holidays (pure, no database).

《国务院办公厅关于 YYYY 年部分节假日安排的通知》 lists each holiday as one numbered item::

    二、春节：2月15日（农历腊月二十八）至23日（农历正月初七）放假调休，共9天。2月14日（周六）、2月28日（周六）上班。

``parse_notice`` turns the pasted text into the rest days and make-up working days
(调休上班) of the year. It reads the whole text or nothing: any line it cannot read
fully is reported with its number and text, and no day of the text is returned. The
title, document number, addressees, preamble, closing paragraph, signature and date
are recognised and skipped; so is advice that changes no date ("鼓励各单位…").
Weekdays written in brackets are checked against the dates, and "共N天" against the range.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

NUMERALS = "一二三四五六七八九十"
WEEKDAYS = "一二三四五六日"
_WEEKDAY_ALIASES = {"天": "日"}

# A date: optional year, month (optional when it continues a range), day, and a bracket.
_DATE = (
    r"(?:(?P<{p}y>\d{{4}})年)?(?:(?P<{p}m>\d{{1,2}})月)?(?P<{p}d>\d{{1,2}})日"
    r"(?:（(?P<{p}note>[^）]*)）)?"
)
_HOLIDAY = re.compile(
    "^" + _DATE.format(p="a") + "(?:(?:至|－|-|—|～|~)" + _DATE.format(p="b") + ")?"
    r"放假(?P<adjusted>调休)?(?P<count1>\d+)?(?:天)?(?P<tail>(?:，[^，]+)*)$"
)
_WORKDAY_ITEM = re.compile(_DATE.format(p="w"))
_ITEM = re.compile(rf"^(?P<num>[{NUMERALS}]+)、(?P<names>[^：:]+)[：:](?P<body>.+)$")
_TAIL_PARTS = re.compile(r"^(?:共(?P<count>\d+)天|与周末连休|不调休|调休)$")

# Lines of the notice that carry no date to read.
_SKIPPED = (
    re.compile(r"^国务院办公厅关于\s*\d{4}\s*年(?:部分)?节假日安排的通知$"),
    re.compile(r"^国办发明电"),
    re.compile(r"^各省、自治区、直辖市人民政府.*[：:]$"),
    re.compile(r"^经国务院批准"),
    re.compile(r"^节假日期间"),
    re.compile(r"^国务院办公厅$"),
    re.compile(r"^\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日$"),
    re.compile(r"^（此件公开发布）$"),
)
_YEAR_IN_TITLE = re.compile(r"关于\s*(\d{4})\s*年(?:部分)?节假日安排|现将\s*(\d{4})\s*年")


@dataclass(frozen=True)
class NoticeDay:
    day: date
    name: str
    line: int  # the notice's line it comes from


@dataclass
class Notice:
    year: int
    holidays: list[NoticeDay] = field(default_factory=list)
    workdays: list[NoticeDay] = field(default_factory=list)


class NoticeError(ValueError):
    """The text could not be read fully; ``problems`` name each line (zh-CN)."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("；".join(problems))
        self.problems = problems


def _normalise(line: str) -> str:
    line = line.strip().replace(" ", "").replace("\u3000", "").replace("\t", "")
    return line.replace("(", "（").replace(")", "）").replace(",", "，").replace(":", "：")


def notice_year(text: str) -> int | None:
    """The year the notice is about, from its title or preamble."""
    match = _YEAR_IN_TITLE.search(_normalise(text.replace("\n", "")))
    if match is None:
        return None
    return int(match.group(1) or match.group(2))


def _weekday_of(note: str | None) -> int | None:
    """The weekday written in a bracket ("周四", "星期日", "农历除夕、周二"), if any."""
    if not note:
        return None
    match = re.search(r"(?:周|星期)([一二三四五六日天])", note)
    if match is None:
        return None
    return WEEKDAYS.index(_WEEKDAY_ALIASES.get(match.group(1), match.group(1)))


class _LineReader:
    def __init__(self, year: int, number: int, line: str) -> None:
        self.year, self.number, self.line = year, number, line

    def fail(self, why: str) -> NoticeError:
        return NoticeError([f"第 {self.number} 行“{self.line}”：{why}"])

    def date(self, m: re.Match[str], p: str, month: int | None = None) -> date:
        year = int(m.group(f"{p}y") or self.year)
        raw_month = m.group(f"{p}m")
        if raw_month is None and month is None:
            raise self.fail(f"“{m.group(0)}”缺少月份。")
        month = int(raw_month) if raw_month else month
        assert month is not None
        try:
            day = date(year, month, int(m.group(f"{p}d")))
        except ValueError:
            raise self.fail(f"日期“{m.group(0)}”不存在。") from None
        weekday = _weekday_of(m.group(f"{p}note"))
        if weekday is not None and weekday != day.weekday():
            raise self.fail(
                f"{day.month}月{day.day}日是星期{WEEKDAYS[day.weekday()]}，"
                f"与括号中的“周{WEEKDAYS[weekday]}”不符，请核对年份和日期。"
            )
        return day


def _holidays(reader: _LineReader, sentence: str, name: str) -> list[NoticeDay]:
    m = _HOLIDAY.match(sentence)
    if m is None:
        raise reader.fail(f"无法识别“{sentence}”。")
    first = reader.date(m, "a")
    last = reader.date(m, "b", first.month) if m.group("bd") else first
    if last.month < first.month and not m.group("by"):  # "12月31日至1月2日" style
        last = last.replace(year=last.year + 1)
    if last < first or (last - first).days > 31:
        raise reader.fail(f"放假区间“{sentence}”无效。")
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    counts = [m.group("count1")]
    for part in filter(None, (m.group("tail") or "").split("，")):
        tail = _TAIL_PARTS.match(part)
        if tail is None:
            raise reader.fail(f"无法识别“{part}”。")
        counts.append(tail.group("count"))
    for count in filter(None, counts):
        if int(count) != len(days):
            raise reader.fail(f"写明共 {count} 天，但所列日期为 {len(days)} 天。")
    return [NoticeDay(d, name, reader.number) for d in days]


def _workdays(reader: _LineReader, sentence: str, name: str) -> list[NoticeDay]:
    body = sentence[: -len("上班")]
    parts = body.split("、") if body else []
    days = []
    for part in parts:
        m = _WORKDAY_ITEM.fullmatch(part)
        if m is None:
            raise reader.fail(f"无法识别上班日期“{part}”。")
        days.append(NoticeDay(reader.date(m, "w"), name, reader.number))
    if not days:
        raise reader.fail(f"无法识别“{sentence}”。")
    return days


def _split_sentences(body: str) -> list[str]:
    """Sentences by "。", keeping brackets whole (a bracket may hold "、" but never "。")."""
    return [s for s in (part.strip() for part in body.split("。")) if s]


def parse_notice(text: str, year: int | None = None) -> Notice:
    """The rest days and make-up working days the notice sets; ``NoticeError`` naming every
    line it could not read fully (then nothing is returned)."""
    year = year or notice_year(text)
    if year is None:
        raise NoticeError(["无法确定通知所属年份：请粘贴通知全文（含标题），或选择年份。"])
    notice = Notice(year)
    problems: list[str] = []
    items = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        line = _normalise(raw)
        if not line or any(p.search(line) for p in _SKIPPED):
            continue
        reader = _LineReader(year, number, raw.strip())
        item = _ITEM.match(line)
        if item is None:
            problems.append(f"第 {number} 行“{raw.strip()}”：无法识别，不是通知中的放假安排条目。")
            continue
        items += 1
        name = item.group("names")[:50]
        try:
            for sentence in _split_sentences(item.group("body")):
                if sentence.startswith("鼓励"):
                    continue  # advice to employers (e.g. rest on 除夕); sets no date
                if sentence.endswith("上班"):
                    notice.workdays += _workdays(reader, sentence, name)
                else:
                    notice.holidays += _holidays(reader, sentence, name)
        except NoticeError as err:
            problems += err.problems
    if not problems and not items:
        problems.append("未找到任何放假安排条目（如“一、元旦：1月1日放假，共1天。”）。")
    if problems:
        raise NoticeError(problems)
    return notice
