"""Demo: the 东城市 leader supervises its counties.

A clue of the 清河县 ledger is under 挂牌督办 by the city; the 云台区 has an overdue clue
handed down by the city; and last quarter's 回头看 has been drawn from clues the counties
wrote off then (entered here as history: written off on a date of that quarter, with the
log row the write-off step leaves), one of them already looked back on.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from cases.models import Clue
from cases.service import NewClue, create_clue, fire
from cases.states import ClueState
from config.database import utcnow
from config.errors import CalendarUnknown
from config.localtime import LOCAL_TZ, local_date
from directory.models import OrgUnit, User
from supervision.lookback import draw, previous_quarter, record_outcome
from supervision.notices import draft, publish
from supervision.service import mark
from workflow.models import TransitionLog

HISTORY = (
    ("C01-D01", "clerk", "来信反映卫生院收取患者购物卡（已查否销号）"),
    ("C01-D01", "clerk", "来电反映医院违规检查收费（已查实整改销号）"),
    ("C01-D02", "clerk_yt", "网络举报医生收受医药代表回扣（已核实处理销号）"),
)


def load_demo(session: Session, now: datetime | None = None) -> None:
    now = now or utcnow()
    try:
        with session.begin_nested():
            _play(session, now)
    except CalendarUnknown:
        return


def _play(session: Session, now: datetime) -> None:
    users = {u.username: u for u in session.scalars(select(User))}
    units = {u.code: u for u in session.scalars(select(OrgUnit).where(OrgUnit.code.like("C01%")))}
    city_leader = users["leader_dc"]
    county_clue = session.scalar(
        select(Clue)
        .where(Clue.unit_id == units["C01-D01"].id, Clue.ledger_no.is_not(None))
        .order_by(Clue.id.desc())
    )
    if county_clue is not None:
        due = (local_date(now) + timedelta(days=10)).isoformat()
        mark(
            session,
            city_leader,
            county_clue.id,
            {"due_on": due, "note": "请按期报送核查结果"},
            now=now,
        )
    _handed_down(session, users["clerk_yt"], units["C01-D02"], now)
    label, start, _ = previous_quarter(local_date(now))
    for i, (code, clerk, summary) in enumerate(HISTORY):
        _written_off(
            session, users[clerk], units[code], summary, start + timedelta(days=20 + 15 * i)
        )
    made = draw(session, city_leader, units["C01"], label, 50, now=now)
    if made.samples:
        first = made.samples[0]
        note = "抽查卷宗，核查结论与证据相符，反馈到位（演示数据）"
        record_outcome(session, city_leader, first.id, "confirmed", note)
    # 督查情况要予以公开通报: last quarter's results, published to the counties.
    made_draft = draft(session, city_leader, label, local_date(now))
    publish(session, city_leader, vars(made_draft), now=now)


def _handed_down(session: Session, clerk: User, county: OrgUnit, now: datetime) -> None:
    """A clue the city handed down, registered 20 days ago, past the city's deadline."""
    when = now - timedelta(days=20)
    clue = create_clue(
        session, clerk, county,
        NewClue(channel="superior", summary="市卫健委交办：反映区医院药房违规收受回扣（演示数据）",
                handed_down=True, superior_ref="东卫纪交〔演示〕1号",
                superior_due=local_date(now - timedelta(days=3)), received_at=when),
        now=when,
    )  # fmt: skip
    fire(session, clerk, clue, "register", {}, now=when + timedelta(hours=1))


def _written_off(session: Session, clerk: User, county: OrgUnit, summary: str, day) -> None:
    when = datetime(day.year, day.month, day.day, 9, 30, tzinfo=LOCAL_TZ)
    clue = create_clue(session, clerk, county, NewClue(channel="letter", summary=summary,
                                                      received_at=when - timedelta(days=40)),
                       now=when - timedelta(days=40))  # fmt: skip
    fire(session, clerk, clue, "register", {}, now=when - timedelta(days=39))
    clue.state, clue.version = ClueState.WRITTEN_OFF, clue.version + 1
    clue.clocks, clue.next_due_on, clue.next_due_kind = {}, None, None
    session.add(
        TransitionLog(
            lifecycle="clue",
            subject_id=clue.id,
            actor_id=None,
            at=when,
            trigger="approve_write_off",
            from_state=ClueState.PENDING_WRITE_OFF,
            to_state=ClueState.WRITTEN_OFF,
            version=clue.version,
            reason="（演示数据：历史销号）",
            payload={},
        )  # fmt: skip
    )
    session.flush()
