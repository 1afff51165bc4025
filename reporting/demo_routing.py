"""Demo of where forms go and of a notice's one-off obligations, dated from today.

Seed ``004_…``: every county's 统计表（一） goes to its 党建办 ("附件1报至局党建办"). Seed
``002_…``: the cities' quarterly progress goes to two offices of the province ("分别报送"),
the current quarter's due on the 8th of the next month (as "2021年10月8日前"). The demo
county enters two one-off obligations: a summary "12月1日前" style, and one counted in
working days that may fall in a year whose calendar nobody has confirmed yet (pending).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from config.database import utcnow
from config.localtime import LOCAL_TZ
from directory.models import OrgUnit, UnitKind, User
from reporting.models import Cycle, ObligationRule, RuleRecipient
from reporting.obligations import ensure_default_rules, period_containing
from reporting.oneoff import create_oneoff
from reporting.routing import set_override, set_recipients


def _user(session: Session, username: str) -> User:
    found = session.scalar(select(User).where(User.username == username))
    assert found is not None, username
    return found


def _offices(session: Session, body: OrgUnit, *names: str) -> list[int]:
    return list(
        session.scalars(
            select(OrgUnit.id).where(
                OrgUnit.parent_id == body.id,
                OrgUnit.kind == UnitKind.OFFICE,
                OrgUnit.name.in_(names),
            )
        )
    )


def _next_month_8th(today: date) -> date:
    end = period_containing(Cycle.QUARTERLY, today).end
    return date(end.year + end.month // 12, end.month % 12 + 1, 8)


def _route_to_dangjian(session: Session, rule: ObligationRule) -> None:
    """统计表（一） of every county's institutions to the county's 党建办 (as each county's
    staff would: a body routes into its own offices only)."""
    for county in session.scalars(select(OrgUnit).where(OrgUnit.kind == UnitKind.COUNTY)):
        for office_id in _offices(session, county, "党建办"):
            if office_id not in {r.office_id for r in rule.recipients}:
                office = session.get(OrgUnit, office_id)
                assert office is not None
                rule.recipients.append(RuleRecipient(office_id=office_id, office=office))


def load_demo(session: Session, now: datetime | None = None) -> None:
    now = (now or utcnow()).astimezone(LOCAL_TZ)
    today = now.date()
    rules: dict[str, ObligationRule] = {r.code: r for r in ensure_default_rules(session)}
    admin, leader = _user(session, "admin"), _user(session, "leader")
    _route_to_dangjian(session, rules["zl1_institution"])
    province = admin.unit
    set_recipients(
        session,
        admin,
        rules["quarterly_progress"],
        _offices(session, province, "综合监督处", "医政医管处"),
    )
    set_override(
        session,
        admin,
        rules["quarterly_progress"],
        today,
        _next_month_8th(today),
        "桂卫医发〔2021〕28号：首次季度报告于下季度首月8日前报送",
    )
    county = leader.unit
    yizheng = _offices(session, county, "医政体改和中医股")
    create_oneoff(
        session,
        leader,
        {
            "label": "专项整治工作总结及量表",
            "source": "鹿卫医〔2021〕22号",
            "form_code": "campaign_summary",
            "unit_kinds": ["institution"],
            "due": (today + timedelta(days=15)).isoformat(),
            "period_start": (today - timedelta(days=2)).isoformat(),
            "offices": yizheng,
        },
        today,
    )
    create_oneoff(
        session,
        leader,
        {
            "label": "工作总结报告、附件3和附件4",
            "source": "桂卫医发〔2021〕28号",
            "form_code": "annual_summary",
            "unit_kinds": ["institution"],
            "counted_from": (today + timedelta(days=25)).isoformat(),
            "working_days": "10",
            "period_start": (today - timedelta(days=1)).isoformat(),
            "offices": _offices(session, county, "党建办"),
        },
        today,
    )
    session.flush()
