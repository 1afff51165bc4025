"""The State Council notice parser, day by day against ``chinesecalendar`` for years it covers."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import chinese_calendar
import pytest

from workflow.calendar import WorkingCalendar
from workflow.holiday_notice import NoticeError, notice_year, parse_notice

NOTICES = Path(__file__).parent / "notices"


@pytest.mark.parametrize("year", [2024, 2025, 2026])
def test_notice_gives_the_same_working_days_as_chinesecalendar(year):
    text = (NOTICES / f"{year}.txt").read_text("utf-8")
    assert notice_year(text) == year
    notice = parse_notice(text)
    calendar = WorkingCalendar.build(
        [year], [d.day for d in notice.holidays], [d.day for d in notice.workdays]
    )
    day, differences = date(year, 1, 1), []
    while day.year == year:
        if calendar.is_workday(day) != chinese_calendar.is_workday(day):
            differences.append(day)
        day += timedelta(days=1)
    assert differences == []
    package_workdays = {d for d in chinese_calendar.workdays if d.year == year}
    assert {d.day for d in notice.workdays} == package_workdays
    assert {d.day for d in notice.holidays} <= set(chinese_calendar.holidays)


def test_names_and_lines_are_kept():
    notice = parse_notice((NOTICES / "2026.txt").read_text("utf-8"))
    spring = [d for d in notice.holidays if d.name == "春节"]
    assert spring[0].day == date(2026, 2, 15) and spring[-1].day == date(2026, 2, 23)
    assert [d.day for d in notice.workdays if d.name == "春节"] == [
        date(2026, 2, 14),
        date(2026, 2, 28),
    ]


@pytest.mark.parametrize(
    ("change", "why"),
    [
        (
            ("2月15日（农历腊月二十八、周日）", "2月15日（农历腊月二十八、周一）"),
            "与括号中的“周一”不符",
        ),
        (("共9天", "共10天"), "写明共 10 天，但所列日期为 9 天"),
        (("5月9日（周六）上班", "5月9日（周六）值班"), "无法识别"),
        (("六、中秋节：", "六、中秋节 "), "无法识别，不是通知中的放假安排条目"),
        (("10月1日（周四）至7日（周三）", "10月1日（周四）至10月40日"), "不存在"),
    ],
)
def test_a_line_it_cannot_read_refuses_the_whole_text(change, why):
    text = (NOTICES / "2026.txt").read_text("utf-8").replace(*change)
    with pytest.raises(NoticeError) as caught:
        parse_notice(text)
    assert len(caught.value.problems) == 1
    assert caught.value.problems[0].startswith("第 ") and why in caught.value.problems[0]


def test_an_unknown_sentence_or_stray_line_is_named():
    text = (NOTICES / "2025.txt").read_text("utf-8") + "\n另行通知的其他事项。\n"
    with pytest.raises(NoticeError, match="另行通知的其他事项"):
        parse_notice(text)
    with pytest.raises(NoticeError, match="未找到任何放假安排条目"):
        parse_notice("国务院办公厅关于2027年部分节假日安排的通知")
    with pytest.raises(NoticeError, match="年份"):
        parse_notice("一、元旦：1月1日放假，共1天。")
