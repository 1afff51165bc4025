"""发起整改 from a clue's findings and from an inspection's findings, prefilled; the 责任人 is
an account of the responsible unit (the picker lists only those, the service refuses others)."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from sqlalchemy import select

from campaigns.inspections import NewInspection, record_inspection
from campaigns.models import Inspection
from config.errors import ValidationError
from notifications.rectification_routes import responsible_people
from rectification.models import RectificationItem
from rectification.responsible import person_choices
from rectification.service import create_item
from tests.campaigns.helpers import shaanxi_campaign
from tests.cases.factories import clue_in_state
from tests.conftest import login, post_form, unit, user
from tests.rectification.helpers import ISSUED, issue, item_data


def test_the_picker_lists_the_units_accounts_and_the_service_refuses_others(db):
    h01, h02 = unit(db, "C01-D01-H01"), unit(db, "C01-D01-H02")
    people = person_choices(db, [h01.id, h02.id])
    assert {p.id for p in people if p.unit_id == h01.id} == {user(db, "reporter").id}
    county = unit(db, "C01-D01")  # a body: its offices' users answer for it too
    assert {user(db, "handler").id, user(db, "leader").id} <= {
        p.id for p in person_choices(db, [county.id])
    }
    assert user(db, "jijianzu").id not in {p.id for p in person_choices(db, [county.id])}
    with pytest.raises(ValidationError) as refused:
        issue(db, responsible_user_id=user(db, "handler").id)  # not of the hospital
    assert "responsible_user_id" in refused.value.details
    item = issue(db)
    assert item.responsible_user_id == user(db, "reporter").id
    assert item.responsible_person == user(db, "reporter").display_name
    assert user(db, "reporter") in responsible_people(db, [item])[item.id]


def test_a_clue_with_findings_offers_a_prefilled_rectification(client, db):
    clue = clue_in_state(db, "disposing")
    clue.findings = "substantiated"
    clue.ledger_no = f"清卫纪线〔2026〕Z{clue.id}号"
    clue.findings_text = "收费窗口多收检查费"
    clue.accused_unit_id = unit(db, "C01-D01-H01").id
    db.commit()
    with time_machine.travel(ISSUED, tick=False):
        login(client, "leader")
        page = client.get(f"/clues/{clue.id}").get_data(as_text=True)
        assert 'data-testid="start-rectification"' in page
        link = page.split('data-testid="start-rectification" href="')[1].split('"')[0]
        form = client.get(link.replace("&amp;", "&")).get_data(as_text=True)
        assert "收费窗口多收检查费" in form and f'value="{clue.ledger_no}"' in form
        assert f'<option value="{unit(db, "C01-D01-H01").id}" selected' in form
        assert 'data-testid="person-picker"' in form and "周填报" in form
        data = item_data(db, source_kind="clue", clue_ref=clue.ledger_no)
        answer = post_form(client, "/rectification/new", data)
        assert answer.status_code == 302, answer.get_data(as_text=True)
        shown = client.get(answer.headers["Location"]).get_data(as_text=True)
    item = db.scalar(select(RectificationItem).where(RectificationItem.clue_id == clue.id))
    assert item is not None and item.responsible_user_id == user(db, "reporter").id
    assert "周填报（清河县人民医院）" in shown


def test_no_button_before_findings_or_without_the_right(client, db):
    early = clue_in_state(db, "verifying")
    db.commit()
    login(client, "leader")
    assert "发起整改" not in client.get(f"/clues/{early.id}").get_data(as_text=True)


def test_a_wrong_person_is_refused_on_the_page_with_the_form_kept(client, db):
    with time_machine.travel(ISSUED, tick=False):
        login(client, "leader")
        data = item_data(db, responsible_user_id=user(db, "clerk_sm").id)
        answer = post_form(client, "/rectification/new", data)
    assert answer.status_code == 422
    html = answer.get_data(as_text=True)
    assert "责任人须为责任单位" in html and "门诊收费处未公示收费项目和标准" in html


def _inspection(db) -> Inspection:
    campaign = shaanxi_campaign(db, user(db, "admin"))
    return record_inspection(
        db,
        user(db, "leader"),
        campaign,
        NewInspection(
            unit(db, "C01-D01-H01").id,
            date(2020, 8, 20),
            "钱分管",
            "医务科张科长",
            {"8": {"found": "1", "note": "外科医生收受红包"}},
        ),
    )


def test_the_inspection_page_offers_a_prefilled_rectification(client, db):
    inspection = _inspection(db)
    db.commit()
    with time_machine.travel(ISSUED, tick=False):
        login(client, "leader")
        page = client.get(f"/campaigns/inspections/{inspection.id}").get_data(as_text=True)
        link = page.split('data-testid="start-rectification" href="')[1].split('"')[0]
        form = client.get(link.replace("&amp;", "&")).get_data(as_text=True)
        assert "外科医生收受红包" in form
        assert f'name="inspection_id" value="{inspection.id}"' in form
        data = item_data(db, inspection_id=str(inspection.id))
        assert post_form(client, "/rectification/new", data).status_code == 302
    item = db.scalar(
        select(RectificationItem).where(RectificationItem.inspection_id == inspection.id)
    )
    assert item is not None and item.source_kind == "inspection"


def test_an_inspection_outside_the_body_is_refused(db):
    data = item_data(db, inspection_id="99999999")
    with time_machine.travel(ISSUED, tick=False), pytest.raises(ValidationError) as refused:
        create_item(db, user(db, "leader"), data)
    assert "source_ref" in refused.value.details
    assert (
        db.scalar(select(RectificationItem.id).where(RectificationItem.inspection_id == 99999999))
        is None
    )
