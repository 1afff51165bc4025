"""Demo: seed ``001_…`` (陕卫办医发〔2020〕36号) entered as a campaign of the demo province.

The campaign is the seed's, moved to the day the demo is loaded: it began a month ago,
its phases keep the seed's lengths, and its report deadlines lie ahead, so the first
reminder sweep never speaks of 2020.

The eight tasks come in through the task-division import, exactly as the seed prints the
table; the offices the demo province lacks are created by name (the import's option). A
county leader inspects the 清河县人民医院 against the checklist, finds 红包, and turns the
finding into a clue.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from campaigns.inspections import NewInspection, finding_to_clue, record_inspection
from campaigns.models import Campaign
from campaigns.service import NewCampaign, add_obligation, add_phase, create_campaign, set_notice
from campaigns.tasks import import_tasks
from config.database import utcnow
from config.localtime import LOCAL_TZ
from directory.models import OrgUnit, UnitKind, User

# The campaign began this many days before the demo is loaded (inside its first phase).
STARTED_DAYS_AGO = 30


def name(year: int) -> str:
    return f"{year}年全省卫生健康行业作风专项整治行动"


def doc_number(year: int) -> str:
    """The demo province's own number, in the seed's form (示范 for 陕)."""
    return f"示范卫办医发〔{year}〕36号"


# The 任务分工表 of seed 001_…, as printed (序号, 重点任务, 责任处室).
TASK_TABLE = """序号,重点任务,责任处室
1,加强党对纠风工作的全面领导,机关党委
2,配合医保等部门严厉打击欺诈骗取医保基金行为,医政医管局、中医药管理局、妇幼健康处
3,巩固医药流通领域改革成效,药政处、中医药管理局、妇幼健康处
4,开展行业协会专项治理行动,省学会服务中心
5,深入清理群众身边的医疗行业乱象,医政医管局、中医药管理局、妇幼健康处
6,持续开展改善医疗服务行动,医政医管局、中医药管理局、妇幼健康处
7,公共卫生行风治理,疾控处
8,基层医疗机构行风治理,基层处
"""

# 三、实施步骤 of seed 001_…: 7月15日–8月31日, 9月1日–10月31日, 11月1日–12月31日,
# as (name, first day, last day) counted in days from the campaign's start.
PHASES = (
    ("全面清查、集中整治", 0, 47),
    ("专项督查、巩固提高", 48, 108),
    ("总结通报", 109, 169),
)
# The seed's two report deadlines: 8月底前 (the end of the first phase) and 12月15日前.
FIRST_REPORT_DAY, FINAL_REPORT_DAY = 47, 153
INSPECTED_DAY = 20

NOTICE = (
    "我省正在开展{year}年全省卫生健康行业作风专项整治行动，重点整治欺诈骗取医保基金、"
    "收受“红包”礼金和医药耗材企业回扣、违法违规执业等群众反映强烈的问题。"
    "如您在就诊过程中发现医疗机构有乱收费、收受“红包”礼金等违法违规行为，"
    "请及时向我们举报，我们将认真排查您提供的线索，及时查处违法违规行为。"
)


def _md(d: date) -> str:
    return f"{d.month}月{d.day}日"


def _user(session: Session, username: str) -> User:
    found = session.scalar(select(User).where(User.username == username))
    assert found is not None, username
    return found


def load_demo(session: Session, now: datetime | None = None) -> Campaign:
    """Enter the seed 001 campaign with its phases, tasks, deadlines, notice and one
    inspection, begun ``STARTED_DAYS_AGO`` days before ``now``."""
    start = (now or utcnow()).astimezone(LOCAL_TZ).date() - timedelta(days=STARTED_DAYS_AGO)

    def day(n: int) -> date:
        return start + timedelta(days=n)

    admin, leader = _user(session, "admin"), _user(session, "leader")
    campaign = create_campaign(
        session,
        admin,
        NewCampaign(
            name=name(start.year),
            doc_number=doc_number(start.year),
            issued_on=start,
            starts_on=start,
            ends_on=day(PHASES[-1][2]),
        ),
    )
    for phase, first, last in PHASES:
        add_phase(session, admin, campaign, phase, day(first), day(last))
    import_tasks(
        session, admin, campaign, "任务分工表.csv", TASK_TABLE.encode(), create_missing_offices=True
    )
    kinds = (UnitKind.CITY, UnitKind.INSTITUTION)
    add_obligation(
        session, admin, campaign, form_code="campaign_summary", unit_kinds=kinds,
        period_start=start, period_end=day(FIRST_REPORT_DAY), due=day(FIRST_REPORT_DAY),
        label=f"{_md(day(FIRST_REPORT_DAY))}前报送清理清查发现的行风问题及整改情况",
    )  # fmt: skip
    add_obligation(
        session, admin, campaign, form_code="campaign_summary", unit_kinds=kinds,
        period_start=day(PHASES[-1][1]), period_end=day(FINAL_REPORT_DAY),
        due=day(FINAL_REPORT_DAY),
        label=f"{_md(day(FINAL_REPORT_DAY))}前报送专项行动整体工作书面总结",
    )  # fmt: skip
    set_notice(
        session,
        admin,
        campaign,
        title="卫生健康行业作风专项整治行动工作公告",
        text=NOTICE.format(year=start.year),
        hotline="示范省卫生健康委举报电话：0000-12320",
        mailbox="jubao@demo.qingfeng.local",
        address="示范省卫生健康委员会（示范市健康路1号）",
        published=True,
    )
    hospital = session.scalar(select(OrgUnit).where(OrgUnit.code == "C01-D01-H01"))
    assert hospital is not None
    inspection = record_inspection(
        session,
        leader,
        campaign,
        NewInspection(
            institution_id=hospital.id,
            inspected_on=day(INSPECTED_DAY),
            inspectors="钱分管、孙承办",
            accompanying="医务科 张科长",
            answers={
                "1": {"sampled": "20", "violating": "0"},
                "8": {"found": True, "note": "住院部患者家属反映外科医生收受红包"},
            },
        ),
    )
    finding_to_clue(session, leader, inspection, "8")
    return campaign
