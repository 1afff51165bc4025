"""Portal and mailbox tips go to the body that supervises what they name (tips.routing)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlalchemy import select

from config.errors import ValidationError
from tests.conftest import login, post_form, unit
from tips.models import Tip
from tips.routing import chosen_unit, match_unit, portal_directory, receiving_body, supervisor_of

START = datetime(2026, 6, 15, 10, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def test_supervisor_of_each_kind(db):
    county = unit(db, "C01-D01")
    assert supervisor_of(db, unit(db, "C01-D01-H01")) == county  # a county hospital
    assert supervisor_of(db, unit(db, "C01-H11")) == unit(db, "C01")  # a city hospital
    assert supervisor_of(db, county) == unit(db, "C01")  # a county bureau: its city
    assert supervisor_of(db, unit(db, "C01-D01-O01")) == unit(db, "C01")  # an office: its body's
    assert supervisor_of(db, unit(db, "P")) == unit(db, "P")  # the root supervises itself


def test_match_unit_exact_partial_contained_and_ambiguous(db):
    hospital = unit(db, "C01-D01-H01")
    assert hospital.name == "清河县人民医院"
    assert match_unit(db, " 清河县人民医院 ") == hospital
    assert match_unit(db, "清河县人民") == hospital  # the only name containing it
    assert match_unit(db, "清河县人民医院骨科王医生") == hospital  # the name inside the text
    assert match_unit(db, "人民医院") is None  # several: ambiguous names nothing
    assert match_unit(db, "某某私立诊所") is None
    assert match_unit(db, "") is None


def test_chosen_unit_prefers_the_list_and_refuses_a_forged_choice(db, settings):
    office = unit(db, "C01-D01-O01")
    hospital = unit(db, "C01-D02-H02")
    assert chosen_unit(db, str(hospital.id), "清河县人民医院") == hospital
    assert chosen_unit(db, "", "清河县人民医院") == unit(db, "C01-D01-H01")
    for bad in (str(office.id), "99999999999999999999", "abc", "0"):
        with pytest.raises(ValidationError, match="被反映单位"):
            chosen_unit(db, bad, "")
    assert receiving_body(db, settings, None) == unit(db, "P")  # the default intake body
    override = settings.with_overrides(intake_unit="C01-D01-O01")
    assert receiving_body(db, override, None) == unit(db, "C01-D01")


def test_portal_directory_lists_names_of_bodies_and_institutions_only(db):
    groups = portal_directory(db)
    names = [name for g in groups for _, name in g.units]
    assert "清河县人民医院" in names and "东城市卫生健康委员会" in names
    assert "党建办" not in names and "综合监督处" not in names
    county = next(g for g in groups if g.label == "清河县卫生健康局")
    assert "清河县博爱医院" in [n for _, n in county.units]


def _last_tip(db) -> Tip:
    db.expire_all()
    tip = db.scalar(select(Tip).order_by(Tip.id.desc()).limit(1))
    assert tip is not None
    return tip


def _report(client, **fields):
    data = {"content": "医生收受患者红包，时间地点见附件说明", "named": "n", **fields}
    return post_form(client, "/portal/report", data, token_from="/portal/")


def test_portal_tip_chosen_from_the_list_reaches_the_county_clerk(client, db):
    hospital = unit(db, "C01-D01-H02")
    page = client.get("/portal/").get_data(as_text=True)
    assert f'<option value="{hospital.id}"' in page and "清河县中医医院" in page
    assert _report(client, accused_unit_id=str(hospital.id)).status_code == 200
    tip = _last_tip(db)
    assert tip.unit == unit(db, "C01-D01") and tip.accused_unit == hospital
    login(client, "clerk")
    home = client.get("/").get_data(as_text=True)
    assert tip.summary in home


def test_portal_free_text_routes_and_unknown_goes_to_the_intake_body(client, db):
    _report(client, accused_unit_name="西山市口腔医院")
    assert _last_tip(db).unit == unit(db, "C02")
    _report(client, accused_unit_name="某县某诊所")
    tip = _last_tip(db)
    assert tip.unit == unit(db, "P") and tip.accused_unit_text == "某县某诊所"


def test_portal_forged_choice_is_refused_with_the_field_named_and_form_kept(client, db):
    before = db.scalar(select(Tip.id).order_by(Tip.id.desc()).limit(1))
    office = unit(db, "C01-D01-O01")
    response = _report(client, accused_unit_id=str(office.id), accused_name="张某")
    text = response.get_data(as_text=True)
    assert response.status_code == 422 and "被反映单位" in text
    assert "医生收受患者红包" in text  # what was typed stays on the page
    assert db.scalar(select(Tip.id).order_by(Tip.id.desc()).limit(1)) == before


def _mail(subject: str, body: str, message_id: str) -> bytes:
    from email.message import EmailMessage

    msg = EmailMessage()
    msg["From"] = "匿名 <someone@example.org>"
    msg["To"] = "jubao@example.org"
    msg["Subject"] = subject
    msg["Message-ID"] = message_id
    msg["Date"] = "Mon, 15 Jun 2026 09:00:00 +0800"
    msg.set_content(body)
    return msg.as_bytes()


def test_polled_mail_goes_where_it_names_and_the_rest_to_the_intake_body(db, tmp_path):
    from tests.tips.helpers import make_vault
    from tips.mailbox import IngestReport, ingest

    vault = make_vault(tmp_path)
    root, report = unit(db, "P"), IngestReport()
    named = _mail("反映石门县人民医院问题", "石门县人民医院骨科医生收红包。", "<a@x>")
    vague = _mail("反映问题", "某医院医生收红包。", "<b@x>")
    ingest(db, root, named, vault, report, source="t", route=True)
    ingest(db, root, vague, vault, report, source="t", route=True)
    first, second = (db.get(Tip, i) for i in report.tips)
    assert first.unit == unit(db, "C02-D03") and first.accused_unit == unit(db, "C02-D03-H01")
    assert second.unit == root and second.accused_unit is None
    # A clerk's own upload (route off) stays in the clerk's body.
    county, more = unit(db, "C01-D01"), IngestReport()
    ingest(db, county, _mail("x", "石门县人民医院", "<c@x>"), vault, more, source="t")
    assert db.get(Tip, more.tips[0]).unit == county
