"""A campaign's chosen scope: units below the issuer and institution classes, used everywhere."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import func, select

from campaigns.inspections import NewInspection, record_inspection
from campaigns.models import Campaign
from campaigns.overview import compliance, inspection_progress
from campaigns.scope import describe
from campaigns.service import (
    NewCampaign,
    add_obligation,
    create_campaign,
    get_campaign,
    set_scope,
)
from config.errors import NotFound, ValidationError
from directory.models import OrgUnit, UnitKind
from directory.roles import Role
from directory.service import add_user
from reporting.forms import FORMS
from reporting.obligations import generate_obligations
from reporting.prefill import prefill
from tests.conftest import login, post_form, unit, user

AUGUST = (date(2020, 8, 1), date(2020, 8, 31))


def _campaign(db, units=(), classes=()) -> Campaign:
    """A province campaign (issued by the admin's 示范省卫生健康委员会) with a chosen scope."""
    return create_campaign(
        db,
        user(db, "admin"),
        NewCampaign(
            name="2020年专项整治",
            starts_on=date(2020, 7, 15),
            ends_on=date(2020, 12, 31),
            scope_unit_ids=tuple(unit(db, code).id for code in units),
            scope_classes=tuple(classes),
        ),
    )


def _city_leader(db):
    """A leader over 东城市 (清河县 and 云台区 below it), who may inspect either county."""
    return add_user(db, username="c01_leader", display_name="市分管", password="qingfeng2026",
                    role=Role.LEADER, unit=unit(db, "C01"))  # fmt: skip


def _codes(page: str, db) -> set[str]:
    ids = {int(x) for x in re.findall(r'<option value="(\d+)"', page)}
    return {db.get(OrgUnit, i).code for i in ids}


def _visit(db, campaign, code):
    leader = user(db, "leader")
    return record_inspection(
        db, leader, campaign, NewInspection(unit(db, code).id, date(2020, 8, 20), "钱分管")
    )


def test_one_county_scope_limits_the_form_and_refuses_other_institutions(app, client, db):
    _city_leader(db)
    db.commit()
    login(client, "admin")
    resp = post_form(client, "/campaigns/new", {
        "name": "清河县专项检查", "starts_on": "2020-07-15", "ends_on": "2020-12-31",
        "scope_units": [str(unit(db, "C01-D01").id)],
    })  # fmt: skip
    assert resp.status_code == 302
    campaign_path = resp.headers["Location"]
    overview = client.get(campaign_path).get_data(as_text=True)
    assert "范围：清河县卫生健康局" in overview
    assert "范围内医疗机构 7 家" in overview  # the county's seven, not the province's 34

    client = app.test_client()  # a second browser, signed in as the city leader
    login(client, "c01_leader", "qingfeng2026")
    path = f"{campaign_path}/inspections/new"
    offered = _codes(client.get(path).get_data(as_text=True), db)
    assert offered == {f"C01-D01-H0{n}" for n in range(1, 8)}
    resp = post_form(client, path, {
        "institution_id": unit(db, "C01-D02-H01").id, "inspected_on": "2020-08-20",
        "inspectors": "市分管",
    })  # fmt: skip
    assert resp.status_code == 422
    assert "云台区人民医院”不在本专项行动的范围内（范围：清河县卫生健康局）" in resp.get_data(
        as_text=True
    )


def test_a_scope_unit_outside_the_issuers_jurisdiction_is_refused(client, db):
    before = db.scalar(select(func.count(Campaign.id)))
    login(client, "leader")  # 清河县 leader: 石门县 is another city's county
    resp = post_form(client, "/campaigns/new", {
        "name": "越界专项", "starts_on": "2020-07-15", "ends_on": "2020-12-31",
        "scope_units": [str(unit(db, "C02-D03").id)],
    })  # fmt: skip
    assert resp.status_code == 422
    text = resp.get_data(as_text=True)
    assert "范围单位“石门县卫生健康局”不在发文单位“清河县卫生健康局”的管辖范围内" in text
    db.expire_all()
    assert db.scalar(select(func.count(Campaign.id))) == before  # nothing half-saved
    with pytest.raises(ValidationError, match="管辖范围"):
        _campaign(db, units=("P",))  # the issuer itself is not "below" it
    with pytest.raises(ValidationError, match="内设处室"):
        _campaign(db, units=("P-O01",))


def test_a_class_filter_narrows_the_scope(db):
    campaign = _campaign(db, units=("C01-D01", "C02-D03"), classes=("public_l2plus",))
    leader = user(db, "leader")
    progress = inspection_progress(db, leader, campaign)
    assert progress.institutions == 3  # 清河县人民医院, 中医医院, 妇幼保健院
    with pytest.raises(ValidationError, match="不在本专项行动的范围内"):
        _visit(db, campaign, "C01-D01-H07")
    _visit(db, campaign, "C01-D01-H01")
    assert describe(campaign) == "范围：清河县卫生健康局、石门县卫生健康局；二级以上公立医疗机构"
    with pytest.raises(ValidationError, match="类别"):
        _campaign(db, classes=("hospital",))


def test_lh1_prefill_counts_only_institutions_in_scope(db):
    city = unit(db, "C01")
    whole = prefill(db, FORMS["lh1"], city, *AUGUST)
    # 东城市's own 第一人民医院 plus the two counties' 人民医院
    assert whole.values[("pub2_general", "total")] == 3
    campaign = _campaign(db, units=("C01-D01",))
    _visit(db, campaign, "C01-D01-H01")
    scoped = prefill(db, FORMS["lh1"], city, *AUGUST)
    assert scoped.values[("pub2_general", "total")] == 1
    assert scoped.values[("pub2_general", "inspected")] == 1
    assert scoped.values[("pri2_specialty", "total")] == 0  # 华康眼科 is the province's
    # Outside the campaign's dates the body follows no campaign: its whole subtree again.
    later = prefill(db, FORMS["lh1"], city, date(2021, 3, 1), date(2021, 3, 31))
    assert later.values[("pub2_general", "total")] == 3
    set_scope(db, user(db, "admin"), campaign, [unit(db, "C01-D01").id], ["private_l2plus"])
    narrowed = prefill(db, FORMS["lh1"], city, *AUGUST)
    assert narrowed.values[("pub2_general", "total")] == 0
    assert narrowed.values[("pri2_general", "total")] == 1  # 清河县博爱医院


def test_scope_limits_who_sees_the_campaign_and_who_owes_its_reports(db):
    campaign = _campaign(db, units=("C01-D01",))
    add_obligation(
        db, user(db, "admin"), campaign, form_code="campaign_summary",
        unit_kinds=(UnitKind.CITY, UnitKind.INSTITUTION), period_start=date(2020, 7, 15),
        period_end=date(2020, 8, 31), due=date(2020, 8, 31), label="8月底前报送",
    )  # fmt: skip
    generate_obligations(db, date(2020, 9, 5))
    owed = compliance(db, user(db, "admin"), campaign, date(2020, 9, 5))[0].owed
    assert owed == 8  # 东城市 (on the way to 清河县) and 清河县's seven institutions
    assert get_campaign(db, user(db, "leader"), campaign.id) is campaign
    outsider = add_user(db, username="d03_reporter", display_name="石门", password="qingfeng2026",
                        role=Role.REPORTER, unit=unit(db, "C02-D03-H01"))  # fmt: skip
    with pytest.raises(NotFound):
        get_campaign(db, outsider, campaign.id)


def test_a_campaigns_deadlines_bind_only_the_units_it_reaches(db):
    """Obligations (and so their reminders) are created for the units inside the issuer's
    subtree and the chosen scope, not for every unit of the kind in the province."""
    from reporting.models import Obligation

    scoped = _campaign(db, units=("C01-D01",))
    county_campaign = create_campaign(
        db, user(db, "leader"),
        NewCampaign(name="清河县自查", starts_on=date(2020, 7, 15), ends_on=date(2020, 12, 31)),
    )  # fmt: skip
    for campaign, who, form in ((scoped, "admin", "campaign_summary"),
                                (county_campaign, "leader", "quarterly_progress")):  # fmt: skip
        add_obligation(
            db, user(db, who), campaign, form_code=form,
            unit_kinds=(UnitKind.CITY, UnitKind.COUNTY, UnitKind.INSTITUTION),
            period_start=date(2020, 7, 15), period_end=date(2020, 8, 31), due=date(2020, 8, 31),
            label=f"{campaign.name}：8月底前报送",
        )  # fmt: skip
    generate_obligations(db, date(2020, 9, 5))

    def owing(campaign) -> set[str]:
        rows = db.scalars(
            select(OrgUnit.code)
            .join(Obligation, Obligation.unit_id == OrgUnit.id)
            .where(Obligation.period_label == f"{campaign.name}：8月底前报送")
        )
        return set(rows)

    qinghe = {u.code for u in db.scalars(
        select(OrgUnit).where(OrgUnit.path.startswith(unit(db, "C01-D01").path),
                              # offices and the 驻委纪检组 owe no forms
                              OrgUnit.kind.not_in([UnitKind.OFFICE, UnitKind.DISCIPLINE_GROUP]))
    )}  # fmt: skip
    assert owing(county_campaign) == qinghe  # 清河县 and its institutions, nobody else
    assert owing(scoped) == qinghe | {"C01"}  # the city on the way to the chosen county
    assert "C02-D03-H01" not in owing(scoped) | owing(county_campaign)
