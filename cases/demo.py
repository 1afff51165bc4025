"""Demo clues in every stage of handling, so each role's pages show real work.

Dates are relative to the day the demo is loaded: the clues came in over the last five
weeks, so the first reminder sweep speaks of the demo's own recent work, never of a
deadline years ago.
"""

from __future__ import annotations

import secrets
from datetime import date, datetime, timedelta

from cryptography.fernet import Fernet
from sqlalchemy import select
from sqlalchemy.orm import Session

from cases.intake import intake
from cases.service import NewClue, create_clue, fire
from config.database import utcnow
from config.errors import CalendarUnknown
from config.filekeys import FileKeys
from config.filestore import DatabaseStore
from config.localtime import LOCAL_TZ
from directory.models import OrgUnit, User
from tips.protection import Keyring
from tips.routing import supervisor_of
from tips.service import NewTip, Vault
from workflow.calendar import load_calendar

# (summary, channel, named, petition, steps) — steps are (username, trigger, data).
Step = tuple[str, str, dict[str, str]]
# (summary, channel, named, petition, steps)
STORIES: list[tuple[str, str, bool, bool, list[Step]]] = [
    ("来电反映清河县人民医院外科医生收受患者家属红包", "hotline", True, False, []),
    ("来信反映某卫生院乡村医生违规收费", "letter", False, True, [("clerk", "register", {})]),
    (
        "网络举报清河县中医医院药剂科人员收取回扣",
        "portal",
        True,
        False,
        [("clerk", "register", {}), ("leader", "assign", {"handler_id": "handler"})],
    ),
    (
        "反映博爱医院诱导患者住院、过度检查",
        "mailbox",
        False,
        False,
        [
            ("clerk", "register", {}),
            ("leader", "assign", {"handler_id": "handler"}),
            ("handler", "propose", {"route": "verifying", "reason": "问题具体，拟初步核实"}),
        ],
    ),
    (
        "反映妇幼保健院医生私自推销保健品",
        "visit",
        True,
        False,
        [
            ("clerk", "register", {}),
            ("clerk", "notify_acceptance", {"method": "phone"}),
            ("leader", "assign", {"handler_id": "handler"}),
            ("handler", "propose", {"route": "talk_inquiry", "reason": "问题线索较笼统，拟函询"}),
            ("leader", "approve_talk_inquiry", {}),
        ],
    ),
    (
        "上级交办：城关镇卫生院套取医保基金问题",
        "superior",
        False,
        False,
        [
            ("clerk", "register", {}),
            ("leader", "assign", {"handler_id": "handler"}),
            ("handler", "propose", {"route": "verifying", "reason": "上级交办，初步核实"}),
            ("leader", "approve_verifying", {}),
            ("handler", "record_findings", {"findings": "partly", "reason": "部分查实"}),
        ],
    ),
    (
        "反映人民医院检验科医技人员收受耗材回扣",
        "hotline",
        True,
        False,
        [
            ("clerk", "register", {}),
            ("clerk", "notify_acceptance", {"method": "sms"}),
            ("leader", "assign", {"handler_id": "handler"}),
            ("handler", "propose", {"route": "verifying", "reason": "拟初步核实"}),
            ("leader", "approve_verifying", {}),
            ("handler", "record_findings", {"findings": "substantiated", "reason": "查实收受回扣"}),
            ("handler", "dispose", {"reason": "给予党纪政务处分"}),
            ("handler", "submit_result", {"reason": "已给予处分，追缴违规所得"}),
        ],
    ),
]


# Days between two stories. The further along a clue is, the earlier it came in: the last
# story (handled up to its result) came in 1 + SPACING * 6 days before the demo is loaded,
# the first (not yet registered) yesterday.
SPACING = 6


def received_at(now: datetime, i: int) -> datetime:
    """When story ``i`` came in: 09:30 local, ``1 + SPACING * i`` days before ``now``."""
    day = (now.astimezone(LOCAL_TZ) - timedelta(days=1 + SPACING * i)).date()
    return datetime(day.year, day.month, day.day, 9, 30, tzinfo=LOCAL_TZ)


def load_demo(session: Session, now: datetime | None = None) -> None:
    """Clues received over the five weeks before ``now``, each at its stage."""
    now = now or utcnow()
    try:
        with session.begin_nested():
            _play(session, now)
    except CalendarUnknown:
        # A deadline falls in a year nobody has confirmed yet (from about November until
        # next year's calendar is entered, where deadlines of such years are not yet kept
        # pending): play the stories where every deadline still fits the calendar.
        with session.begin_nested():
            _play(session, _fitting(session))


# The demo's 问题类别 (one table: the 28 checklist items and 其他), by a word of the summary.
_DEMO_CATEGORIES = (
    ("回扣", "check_11"),
    ("红包", "check_08"),
    ("医保", "check_17"),
    ("过度检查", "check_15"),
    ("保健品", "check_26"),
    ("收费", "check_14"),
)


def _category_of(summary: str) -> str:
    return next((code for word, code in _DEMO_CATEGORIES if word in summary), "other")


def _fitting(session: Session) -> datetime:
    """A day late enough in the last confirmed year that every story's clock fits in it."""
    last = max(load_calendar(session).years)
    day = date(last, 12, 31) - timedelta(days=100)
    return datetime(day.year, day.month, day.day, 18, tzinfo=LOCAL_TZ)


def _play(session: Session, now: datetime) -> None:
    users = {u.username: u for u in session.scalars(select(User))}
    county = session.scalars(select(OrgUnit).where(OrgUnit.code == "C01-D01")).one()
    hospital = session.scalars(select(OrgUnit).where(OrgUnit.code == "C01-D01-H01")).one()
    for i, (summary, channel, named, petition, steps) in enumerate(STORIES):
        when = received_at(now, i)
        clue = create_clue(
            session,
            users["clerk"],
            county,
            NewClue(
                channel=channel,
                summary=summary,
                content=f"{summary}。（演示数据）",
                reporter_named=named,
                petition=petition,
                accused_unit_id=hospital.id,
                received_at=when,
                category=_category_of(summary),
            ),
            now=when,
        )
        for j, (username, trigger, raw) in enumerate(steps, start=1):
            data = {k: users[v].id if k == "handler_id" else v for k, v in raw.items()}
            # A step every two hours: even the longest story is over before the next begins.
            fire(session, users[username], clue, trigger, data, now=when + timedelta(hours=2 * j))
    _portal_tip(session, now - timedelta(hours=3))
    _city_letter(session, now - timedelta(days=2))


def _portal_tip(session: Session, when: datetime) -> None:
    """A portal tip naming a county hospital, taken in and routed as the portal does it:
    it waits in the county clerk's "网络举报待受理". Anonymous and without files, so the
    throw-away vault is never used (no receipt code either: the demo prints none)."""
    named = session.scalars(select(OrgUnit).where(OrgUnit.code == "C01-D01-H07")).one()
    content = "网络举报：清河县博爱医院以免费体检为名招揽老年患者住院，虚计诊疗项目套取医保基金。"
    throwaway = DatabaseStore(FileKeys((secrets.token_bytes(32),)))
    vault = Vault(Keyring((Fernet.generate_key(),), b"demo"), throwaway, 0)
    new = NewTip(
        channel="portal",
        content=content + "（演示数据）",
        accused_unit_id=named.id,
        accused_unit_name=named.name,
        received_at=when,
    )
    intake(session, None, supervisor_of(session, named), new, vault, now=when)


def _city_letter(session: Session, when: datetime) -> None:
    """A letter to the city body about a county hospital's red packet: typing the same
    matter at the county desk shows it in the duplicate check (bodies above and below)."""
    city = session.scalars(select(OrgUnit).where(OrgUnit.code == "C01")).one()
    clerk = session.scalars(select(User).where(User.username == "clerk_dc")).one()
    throwaway = DatabaseStore(FileKeys((secrets.token_bytes(32),)))
    vault = Vault(Keyring((Fernet.generate_key(),), b"demo"), throwaway, 0)
    content = "反映清河县人民医院骨科张医生在手术前收受患者家属红包2000元，不给红包就往后排手术。"
    new = NewTip(
        channel="letter",
        content=content + "（演示数据）",
        accused_unit_name="清河县人民医院",
        received_at=when,
    )
    intake(session, clerk, city, new, vault, now=when)
