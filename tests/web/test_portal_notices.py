from __future__ import annotations

from datetime import date

from campaigns.service import NewCampaign, create_campaign, set_notice
from tests.conftest import user


def test_running_campaign_notices_are_shown_on_the_public_portal(client, db):
    leader = user(db, "leader")
    running = create_campaign(
        db,
        leader,
        NewCampaign(
            name="医疗领域腐败和作风问题专项整治",
            starts_on=date(2026, 7, 1),
            ends_on=date(2099, 12, 31),
        ),
    )
    set_notice(
        db,
        leader,
        running,
        title="关于开展专项整治的公告",
        text="欢迎社会各界监督举报。",
        hotline="0000-12345",
        mailbox="jb@example.invalid",
        address="清河县某路1号",
        published=True,
    )
    ended = create_campaign(
        db,
        leader,
        NewCampaign(name="往年专项行动", starts_on=date(2020, 7, 1), ends_on=date(2020, 12, 31)),
    )
    set_notice(
        db,
        leader,
        ended,
        title="往年公告",
        text="已结束。",
        hotline="1",
        mailbox="",
        address="",
        published=True,
    )
    db.flush()
    page = client.get("/portal/").get_data(as_text=True)
    assert "关于开展专项整治的公告" in page and "0000-12345" in page
    assert "往年公告" not in page
