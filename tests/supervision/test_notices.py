"""督查情况通报 (seed 001: "督查情况要予以公开通报"): a superior drafts the notice from its 督办
list and a quarter's 回头看, publishes it to the bodies below, their leaders are told, and
everyone below reads it; nobody beside or above the tree does."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

import cases.demo
import rectification.demo
import supervision.demo
from config.errors import NotFound, PermissionDenied, ValidationError
from notifications.models import Delivery
from notifications.notice_messages import tell_below
from supervision.lookback import previous_quarter
from supervision.models import SupervisionNotice
from supervision.notices import draft, get_notice, notices_for, publish
from tests.conftest import login, post_form, user

TODAY = date.today()


def _demo(db):
    cases.demo.load_demo(db)
    rectification.demo.load_demo(db)
    supervision.demo.load_demo(db)


def test_the_draft_reads_the_figures_and_the_notice_reaches_the_bodies_below(db):
    _demo(db)
    leader_dc = user(db, "leader_dc")
    label = previous_quarter(TODAY)[0]
    made = draft(db, leader_dc, label, TODAY)
    assert made.period == label and "挂牌督办" in made.body and "回头看" in made.body
    assert "办理到位 1 件" in made.body  # the demo's one look-back recorded
    assert "季度问题线索督查情况的通报" in made.title
    assert draft(db, leader_dc, "<script>", TODAY).period == label  # mistyped: last quarter
    notice = publish(db, leader_dc, vars(made) | {"title": "关于督查情况的通报"})
    assert tell_below(db, notice) >= 1
    told = set(
        db.scalars(
            select(Delivery.recipient_user_id).where(
                Delivery.subject_ref == f"supervision_notice:{notice.id}"
            )
        )
    )
    assert user(db, "leader").id in told and leader_dc.id not in told
    for reader in ("leader", "handler", "reporter", "leader_dc", "inspector"):
        assert notice.id in {n.id for n in notices_for(db, user(db, reader))}, reader
        assert get_notice(db, user(db, reader), notice.id) is notice
    for outsider in ("clerk_sm", "clerk_xs", "clerk_p"):
        assert notice.id not in {n.id for n in notices_for(db, user(db, outsider))}
        with pytest.raises(NotFound):
            get_notice(db, user(db, outsider), notice.id)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "通" * 201}, "title"),
        ({"body": ""}, "body"),
        ({"period": "2026Q5"}, "period"),
        ({"period": "x" * 9}, "period"),
        ({"body": "正文\x00"}, "body"),
    ],
)
def test_bad_notices_are_refused_by_field(db, changes, field):
    good = {"period": "2026Q3", "title": "关于督查情况的通报", "body": "通报内容"}
    with pytest.raises(ValidationError) as refused:
        publish(db, user(db, "leader_dc"), good | changes)
    assert field in refused.value.details
    assert db.scalar(select(SupervisionNotice.id)) is None


def test_only_a_supervising_leader_publishes(db):
    good = {"period": "2026Q3", "title": "通报", "body": "内容"}
    for name in ("handler", "clerk", "inspector", "reporter"):
        with pytest.raises(PermissionDenied):
            publish(db, user(db, name), good)


def test_the_pages_draft_publish_and_show(client, db, app):
    _demo(db)
    db.commit()
    login(client, "leader_dc")
    page = client.get("/supervision/notices/").get_data(as_text=True)
    assert "发布督查情况通报" in page and "挂牌督办" in page
    assert client.get("/supervision/notices/?period=" + "9" * 50).status_code == 200
    bad = post_form(client, "/supervision/notices/", {"period": "2026Q3", "title": "", "body": "x"})
    assert bad.status_code == 422 and "标题" in bad.get_data(as_text=True)
    data = {"period": "2026Q3", "title": "关于三季度督查情况的通报", "body": "各县：……"}
    answer = post_form(client, "/supervision/notices/", data)
    assert answer.status_code == 302
    shown = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert "关于三季度督查情况的通报" in shown and "各县：……" in shown
    county = app.test_client()
    login(county, "reporter")
    listing = county.get("/supervision/notices/").get_data(as_text=True)
    assert "关于三季度督查情况的通报" in listing and "发布督查情况通报" not in listing
    assert county.get(answer.headers["Location"]).status_code == 200
    outsider = app.test_client()
    login(outsider, "clerk_sm")
    assert outsider.get(answer.headers["Location"]).status_code == 404
