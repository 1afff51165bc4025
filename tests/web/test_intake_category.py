"""One category vocabulary (issue 18): asked at intake (desk and API), one table, old short
codes moved by migration 0022b, statistics read from that one field."""

from __future__ import annotations

from alembic import command
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cases.models import Clue
from cases.reference import LEGACY_CATEGORIES, VIOLATION_CATEGORIES, category_label
from config.database import make_engine
from config.migrate import alembic_config
from directory.models import OrgUnit, UnitKind
from tests.conftest import csrf_token, login, post_form, unit
from tests.dbutil import fresh_database
from tips.models import Tip


def test_one_table_the_28_items_and_other():
    assert len(VIOLATION_CATEGORIES) == 29 and list(VIOLATION_CATEGORIES)[-1] == "other"
    assert not set(LEGACY_CATEGORIES) & set(VIOLATION_CATEGORIES)
    assert set(LEGACY_CATEGORIES.values()) <= set(VIOLATION_CATEGORIES)
    assert (
        category_label("redpacket")
        == category_label("check_08")
        == VIOLATION_CATEGORIES["check_08"]
    )
    labels = list(VIOLATION_CATEGORIES.values())
    assert not any(label.startswith("收受") for label in labels)  # no short duplicates


def _hotline(**extra):
    return {
        "content": "骨科医生收受红包两千元",
        "meta_call_time": "2026-06-15T09:30",
        "meta_clerk": "李登记",
        **extra,
    }


def test_desk_asks_the_category_and_the_clue_keeps_it(client, db):
    login(client, "clerk")
    page = client.get("/intake/?channel=letter").get_data(as_text=True)
    assert 'data-testid="intake-category"' in page and "8. 索取或收受患者及其家属“红包”行为" in page
    r = post_form(
        client,
        "/intake/?channel=hotline",
        _hotline(category="check_08", unit_id=unit(db, "C01-D01").id),
        token_from="/intake/",
    )
    assert r.status_code == 302
    db.expire_all()
    clue = db.scalars(select(Clue).order_by(Clue.id.desc())).first()
    assert clue.category == "check_08"


def test_unknown_category_is_refused_and_nothing_written(client, db):
    login(client, "clerk")
    before = db.scalar(select(func.count()).select_from(Tip))
    r = post_form(
        client, "/intake/?channel=hotline", _hotline(category="x" * 500), token_from="/intake/"
    )
    assert r.status_code == 422 and "问题类别不在列表中" in r.get_data(as_text=True)
    headers = {"X-CSRFToken": csrf_token(client, "/intake/")}
    body = {"channel": "letter", "content": "来信反映药剂科收回扣", "category": ["x"]}
    bad = client.post("/api/tips", json=body, headers=headers)
    assert bad.status_code == 422 and bad.json["error"]["details"] == {"category": "unknown"}
    assert db.scalar(select(func.count()).select_from(Tip)) == before
    ok = client.post("/api/tips", json=body | {"category": "kickback"}, headers=headers)
    assert ok.status_code == 201
    assert db.get(Clue, ok.json["clue_id"]).category == "check_11"  # the old code, read


def test_migration_moves_old_short_codes():
    url = fresh_database("category_codes")
    cfg = alembic_config(url)
    command.upgrade(cfg, "head")
    engine = make_engine(url)
    with Session(engine) as s:
        root = OrgUnit(code="X", name="测试", kind=UnitKind.PROVINCE, path="/")
        s.add(root)
        s.flush()
        for code in [*LEGACY_CATEGORIES, "check_03", "other"]:
            s.add(Clue(unit_id=root.id, channel="letter", summary=code, category=code))
        s.commit()
    command.downgrade(cfg, "0022a_clue_text_index")
    command.upgrade(cfg, "head")
    with Session(engine) as s:
        moved = {a: b for a, b in s.execute(select(Clue.summary, Clue.category))}
    engine.dispose()
    assert moved == {**LEGACY_CATEGORIES, "check_03": "check_03", "other": "other"}
