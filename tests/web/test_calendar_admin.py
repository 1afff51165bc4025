"""The administrators' calendar page: alerts, entering a year, refusals."""

from __future__ import annotations

from datetime import date

import time_machine
from sqlalchemy import select

from config.database import session_scope
from tests.conftest import login, post_form, user
from workflow.calendar import load_calendar
from workflow.calendar_models import CalendarDay, CalendarYear
from workflow.calendar_service import set_year

SHANGHAI_2026_11_02 = "2026-11-02 09:00:00+08:00"
SHANGHAI_2026_10_20 = "2026-10-20 09:00:00+08:00"

HOLIDAYS = "2027-01-01 至 2027-01-03 元旦\n2027-02-06 至 2027-02-14 春节\n"
WORKDAYS = "2027-02-20 春节\n"


def test_non_admins_get_403(client):
    login(client, "leader")
    assert client.get("/admin/calendar/").status_code == 403
    assert client.get("/admin/calendar/2027").status_code == 403
    assert "/admin/calendar" not in client.get("/").get_data(as_text=True)
    response = post_form(client, "/admin/calendar/2027", {"holidays": HOLIDAYS}, token_from="/")
    assert response.status_code == 403
    response = post_form(client, "/admin/calendar/2026/unconfirm", {}, token_from="/")
    assert response.status_code == 403


def test_admin_sees_years_and_the_menu_entry(client):
    login(client, "admin")
    page = client.get("/admin/calendar/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "工作日历" in client.get("/").get_data(as_text=True)
    assert ">2026</a>" in html and ">2004</a>" in html and "内置数据" in html


def test_next_year_alert_appears_on_1_november(client):
    # Signed in inside each frozen moment: a session cookie from the future is refused.
    with time_machine.travel(SHANGHAI_2026_10_20, tick=False):
        login(client, "admin")
        html = client.get("/admin/calendar/").get_data(as_text=True)
    assert 'data-testid="calendar-alerts"' not in html
    with time_machine.travel(SHANGHAI_2026_11_02, tick=False):
        login(client, "admin")
        html = client.get("/admin/calendar/").get_data(as_text=True)
    assert 'data-testid="calendar-alerts"' in html
    assert "2027 年的工作日历尚未确认" in html and "/admin/calendar/2027" in html


def test_admin_enters_2027_through_the_form(client, db):
    login(client, "admin")
    response = post_form(
        client,
        "/admin/calendar/2027",
        {"holidays": HOLIDAYS, "workdays": WORKDAYS, "note": "国办发明电〔2026〕×号"},
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    row = db.get(CalendarYear, 2027)
    assert row.confirmed and row.source == "admin" and row.confirmed_by == user(db, "admin").id
    assert row.note == "国办发明电〔2026〕×号"
    cal = load_calendar(db)
    assert cal.add_working_days(date(2026, 12, 20), 15) == date(2027, 1, 11)
    # The form shows what is on record, one line per day, ready to correct.
    form = client.get("/admin/calendar/2027").get_data(as_text=True)
    assert "2027-02-20 春节" in form and "2027-01-02 元旦" in form and "已确认" in form
    with time_machine.travel(SHANGHAI_2026_11_02, tick=False):
        login(client, "admin")
        html = client.get("/admin/calendar/").get_data(as_text=True)
    assert 'data-testid="calendar-alerts"' not in html


def test_a_bad_line_is_named_and_nothing_is_saved(client, db):
    login(client, "admin")
    response = post_form(
        client,
        "/admin/calendar/2027",
        {"holidays": "2027-01-01 元旦\n2027-13-01 春节\n", "workdays": "2027-03-03 调休\n"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "放假日期第 2 行" in html and "日期无效" in html
    assert "2027-13-01 春节" in html  # the admin's input is kept to correct
    assert db.get(CalendarYear, 2027) is None
    assert db.scalar(select(CalendarDay).where(CalendarDay.year == 2027)) is None
    response = post_form(
        client,
        "/admin/calendar/2027",
        {"holidays": "2027-01-01 元旦\n", "workdays": "2027-03-03 调休\n"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "调休上班日期第 1 行（2027-03-03）：是星期三" in html
    assert db.get(CalendarYear, 2027) is None


def test_admin_withdraws_a_year(client, db):
    login(client, "admin")
    response = post_form(
        client, "/admin/calendar/2026/unconfirm", {}, token_from="/admin/calendar/2026"
    )
    assert response.status_code == 302
    db.expire_all()
    assert db.get(CalendarYear, 2026).confirmed is False
    assert not load_calendar(db).is_confirmed(2026)
    html = client.get("/admin/calendar/").get_data(as_text=True)
    assert "2026 年的工作日历尚未确认" in html  # the current year is now an alert


def test_year_form_redirects_and_rejects_nonsense(client):
    login(client, "admin")
    assert (
        client.get("/admin/calendar/?year=2030")
        .headers["Location"]
        .endswith("/admin/calendar/2030")
    )
    html = client.get("/admin/calendar/?year=abc").get_data(as_text=True)
    assert "请输入 2000—2100 之间的年份" in html


def test_cli_shows_a_year_and_seeds_idempotently(database_url, tmp_path, monkeypatch, engine):
    from click.testing import CliRunner
    from sqlalchemy.orm import sessionmaker

    from web.cli import main

    monkeypatch.setenv("QINGFENG_DATABASE_URL", database_url)
    monkeypatch.setenv("QINGFENG_INSTANCE_PATH", str(tmp_path))
    runner = CliRunner()
    result = runner.invoke(main, ["calendar", "show", "2026"])
    assert result.exit_code == 0, result.output
    assert "2026 年工作日历：已确认" in result.output
    assert "2026-02-14 星期六 春节" in result.output  # a make-up working day
    assert "2026-10-01 星期四 国庆节" in result.output
    missing = runner.invoke(main, ["calendar", "show", "2031"])
    assert missing.exit_code != 0 and "2031 年没有工作日历记录" in missing.output
    result = runner.invoke(main, ["calendar", "seed"])
    assert result.exit_code == 0 and "2004—2026" in result.output
    with session_scope(sessionmaker(bind=engine)) as session:
        assert session.get(CalendarYear, 2026).source == "package"


def test_init_migrates_and_seeds_the_calendar(tmp_path, monkeypatch):
    from click.testing import CliRunner
    from sqlalchemy.orm import sessionmaker

    from config.database import make_engine
    from directory.demo import load_demo
    from tests.dbutil import fresh_database
    from web.cli import main

    url = fresh_database("init_calendar")
    monkeypatch.setenv("QINGFENG_DATABASE_URL", url)
    monkeypatch.setenv("QINGFENG_INSTANCE_PATH", str(tmp_path))
    result = CliRunner().invoke(main, ["init"])
    assert result.exit_code == 0, result.output
    assert "工作日历：已载入并确认" in result.output
    engine = make_engine(url)
    with session_scope(sessionmaker(bind=engine)) as session:
        cal = load_calendar(session)
        assert cal.is_confirmed(2004) and cal.is_confirmed(2026) and not cal.is_confirmed(2027)
        load_demo(session)
        set_year(session, user(session, "admin"), 2026, [], [], "")  # an admin override ...
    result = CliRunner().invoke(main, ["init"])  # ... survives running init again
    assert result.exit_code == 0, result.output
    with session_scope(sessionmaker(bind=engine)) as session:
        assert session.get(CalendarYear, 2026).source == "admin"
        assert session.scalar(select(CalendarDay).where(CalendarDay.year == 2026)) is None
    engine.dispose()
