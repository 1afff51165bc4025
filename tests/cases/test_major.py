"""重大 → 驻委纪检组 (seed 001: "重大违法违纪问题及线索应同时向驻委纪检组报告"): who may flag,
who is told, who may read (the body's own 驻委纪检组 only, read-only), through the service,
the router, the pages."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from cases.major import get_major_clue, major_clues
from cases.service import available, fire, get_clue
from config.errors import NotFound, PermissionDenied
from config.localtime import LOCAL_TZ
from directory.models import UnitKind
from directory.roles import Role
from directory.service import add_unit, add_user
from notifications.models import Delivery
from notifications.router import route_events
from tests.cases.factories import clue_in_state, new_clue
from tests.conftest import csrf_token, login, unit, user

REASON = {"reason": "涉及套取医保基金数额较大"}
NOV_5 = datetime(2026, 11, 5, 10, tzinfo=LOCAL_TZ)


def flagged(db, actor="leader", **fields):
    clue = clue_in_state(db, "verifying", **fields)
    fire(db, user(db, actor), clue, "mark_major", REASON)
    return clue


def other_group_member(db):
    """A 驻委纪检组 member of another county (云台区): sees none of 清河县's clues."""
    county = unit(db, "C01-D02")
    group = add_unit(
        db,
        code="C01-D02-G01",
        name="驻云台区卫健局纪检组",
        kind=UnitKind.DISCIPLINE_GROUP,
        parent=county,
    )
    return add_user(
        db,
        username="jjz_yt",
        display_name="云台纪检",
        password="qingfeng2026x",
        role=Role.DISCIPLINE_GROUP,
        unit=group,
        email="jjz_yt@demo.qingfeng.local",
    )


def test_leader_and_handler_may_flag_a_clue_major_once(db):
    clue = flagged(db, "handler")
    assert clue.major and clue.major_reason == REASON["reason"] and clue.major_at
    assert "mark_major" not in {t.trigger for t in available(db, user(db, "leader"), clue)}
    other = clue_in_state(db, "verifying")
    for name in ("clerk", "inspector", "jijianzu"):
        with pytest.raises((PermissionDenied, NotFound)):
            fire(db, user(db, name), other, "mark_major", REASON)
    assert not other.major


def test_flagging_tells_the_bodys_discipline_group_and_nobody_elses(db):
    intruder = other_group_member(db)
    clue = flagged(db)
    route_events(db, NOV_5)
    told = set(
        db.scalars(
            select(Delivery.recipient_user_id).where(Delivery.subject_ref == f"clue:{clue.id}")
        )
    )
    assert user(db, "jijianzu").id in told
    assert intruder.id not in told
    delivery = db.scalars(
        select(Delivery).where(Delivery.recipient_user_id == user(db, "jijianzu").id)
    ).first()
    assert delivery is not None and "驻委纪检组" in delivery.context["action"]
    assert delivery.context["path"] == f"/clues/{clue.id}"  # redirected to the read-only page


def test_the_group_reads_only_its_bodys_major_clues(db):
    member = user(db, "jijianzu")
    mine = flagged(db)
    plain = clue_in_state(db, "verifying")
    elsewhere = new_clue(db, unit_code="C01-D02", actor=None)
    elsewhere.major = True
    db.flush()
    assert [c.id for c in major_clues(db, member)] == [mine.id]
    assert get_major_clue(db, member, mine.id) is mine
    for clue in (plain, elsewhere):
        with pytest.raises(NotFound):
            get_major_clue(db, member, clue.id)
    with pytest.raises(NotFound):  # the clue pages of the body stay closed to the group
        get_clue(db, member, mine.id)
    assert available(db, member, mine) == []
    with pytest.raises(NotFound):
        get_major_clue(db, other_group_member(db), mine.id)
    # The body's staff see the same list for their jurisdiction.
    assert mine.id in {c.id for c in major_clues(db, user(db, "leader"))}
    assert elsewhere.id not in {c.id for c in major_clues(db, user(db, "leader"))}
    with pytest.raises(PermissionDenied):
        major_clues(db, user(db, "reporter"))


def test_the_pages_flag_list_and_show_read_only(app, client, db):
    clue = clue_in_state(db, "verifying")
    db.commit()
    login(client, "leader")
    page = client.get(f"/clues/{clue.id}").get_data(as_text=True)
    assert "标记为重大线索" in page
    token = csrf_token(client, f"/clues/{clue.id}")
    answer = client.post(
        f"/clues/{clue.id}/fire/mark_major",
        data={"csrf_token": token, "version": clue.version, "reason": "涉嫌违纪违法"},
    )
    assert answer.status_code == 302
    page = client.get(f"/clues/{clue.id}").get_data(as_text=True)
    assert 'data-testid="major-badge"' in page and "涉嫌违纪违法" in page
    client = app.test_client()
    login(client, "jijianzu")
    listing = client.get("/major/").get_data(as_text=True)
    assert clue.reference in listing and "涉嫌违纪违法" in listing
    shown = client.get(f"/major/{clue.id}")
    assert shown.status_code == 200 and "只读" in shown.get_data(as_text=True)
    assert "确认" not in shown.get_data(as_text=True)  # no step forms
    assert client.get(f"/clues/{clue.id}").headers["Location"].endswith(f"/major/{clue.id}")
    link = f'href="/clues/{clue.id}"'
    assert link not in client.get("/clues/").get_data(as_text=True)
    assert client.get("/ledger").status_code == 403
    assert link not in client.get("/search?q=红包").get_data(as_text=True)
    assert client.get(f"/major/{clue.id + 1000}").status_code == 404
    refused = client.post(
        f"/clues/{clue.id}/fire/submit_result",
        data={"csrf_token": csrf_token(client, "/major/"), "version": clue.version},
    )
    assert refused.status_code in {403, 404}


def test_an_over_long_reason_is_refused_without_a_change(client, db):
    clue = clue_in_state(db, "verifying")
    db.commit()
    login(client, "handler")
    token = csrf_token(client, f"/clues/{clue.id}")
    answer = client.post(
        f"/clues/{clue.id}/fire/mark_major",
        data={"csrf_token": token, "version": clue.version, "reason": "重" * 501},
    )
    assert answer.status_code == 422
    db.refresh(clue)
    assert not clue.major


def test_every_page_without_arguments_answers_the_group_member_without_error(app):
    """The 驻委纪检组 role reaches the workbench, search, its account and the 重大 pages;
    every other page refuses it or shows nothing of the body (never an error)."""
    client = app.test_client()
    login(client, "jijianzu")
    for rule in app.url_map.iter_rules():
        if rule.arguments or "GET" not in (rule.methods or ()) or rule.endpoint == "auth.logout":
            continue
        answer = client.get(rule.rule)
        assert answer.status_code < 500, rule.rule
