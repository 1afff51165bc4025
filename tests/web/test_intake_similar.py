"""The duplicate check while the clerk types (issue 18): bodies above and below, meaning
not only names, other bodies' text never shown, the API, bad input, merge confirmation."""

from __future__ import annotations

import pytest

from cases.intake import intake
from cases.intake_check import similar_tips
from config.errors import PermissionDenied
from tests.conftest import login, post_form, unit, user
from tests.tips.helpers import make_vault
from tips.service import AccusedPerson, NewTip

CITY_TEXT = "反映清河县人民医院骨科张医生在手术前收受患者家属红包2000元。"
TYPED = "举报清河县人民医院骨科的张医生，做手术之前收了病人家属两千元红包。"


def _tip(db, tmp_path, username, content, accused=()):
    clerk = user(db, username)
    new = NewTip(
        channel="hotline",
        content=content,
        accused=list(accused),
        accused_unit_name="清河县人民医院",
        meta={"call_time": "2026-06-15T09:30", "clerk": "李登记"},
    )
    return intake(
        db,
        clerk,
        clerk.unit if username != "clerk" else unit(db, "C01-D01"),
        new,
        make_vault(tmp_path),
    )


def test_a_paraphrase_sent_to_the_city_is_found_from_the_county(db, tmp_path):
    tip, clue = _tip(db, tmp_path, "clerk_dc", CITY_TEXT)  # 东城市, above 清河县
    _tip(db, tmp_path, "clerk_sm", CITY_TEXT)  # 石门县: another city's county, not in span
    _tip(db, tmp_path, "clerk", "城关镇卫生院注射费每次多收五元")
    found = similar_tips(db, user(db, "clerk"), unit(db, "C01-D01"), TYPED)
    assert [s.tip_id for s in found] == [tip.id]
    hit = found[0]
    assert hit.score >= 0.58 and hit.body_name == unit(db, "C01").name
    assert not hit.visible and hit.summary == "" and hit.clue_id is None  # no text across
    assert (
        similar_tips(db, user(db, "clerk"), unit(db, "C01-D01"), "停车场收费过高一小时十元") == []
    )


def test_own_body_hit_links_and_same_accused_name_counts(db, tmp_path):
    tip, clue = _tip(
        db, tmp_path, "clerk", "妇产科孙医生收受红包五百元", [AccusedPerson("孙丽", "doctor")]
    )
    found = similar_tips(
        db, user(db, "clerk"), unit(db, "C01-D01"), "孙医生态度不好", accused_names=["孙 丽"]
    )
    assert found[0].tip_id == tip.id and found[0].visible and found[0].clue_id == clue.id
    assert any("同一被反映人" in r for r in found[0].reasons)
    with pytest.raises(PermissionDenied):
        similar_tips(db, user(db, "reporter"), unit(db, "C01-D01"), TYPED)


def test_desk_endpoint_and_api(client, db, tmp_path):
    _tip(db, tmp_path, "clerk_dc", CITY_TEXT)
    login(client, "clerk")
    r = post_form(
        client,
        "/intake/similar",
        {
            "content": TYPED,
            "unit_id": unit(db, "C01-D01").id,
            "accused_name": "",
            "accused_unit_name": "",
        },
        token_from="/intake/",
    )
    items = r.get_json()["items"]
    assert r.status_code == 200 and len(items) == 1
    assert items[0]["summary"] == "" and CITY_TEXT not in r.get_data(as_text=True)
    assert client.post("/intake/similar", data={"content": TYPED}).status_code == 400  # no CSRF
    token = client.get("/intake/").get_data(as_text=True).split('name="csrf_token" value="')[1]
    headers = {"X-CSRFToken": token.split('"')[0]}
    r = client.post("/api/intake/similar", json={"content": TYPED}, headers=headers)
    assert r.status_code == 200 and len(r.get_json()["items"]) == 1


@pytest.mark.parametrize(
    "body",
    [
        [1, 2],
        {"content": "x" * 200_000},
        {"content": TYPED, "unit_id": "abc"},
        {"content": TYPED, "unit_id": 10**30},
        {"content": TYPED, "accused_names": "张三"},
        {"content": {"a": 1}},
        {"content": TYPED, "accused_names": ["名" * 5000]},
    ],
)
def test_bad_api_input_is_a_clear_error_or_empty(client, db, body):
    login(client, "clerk")
    token = client.get("/intake/").get_data(as_text=True).split('name="csrf_token" value="')[1]
    r = client.post("/api/intake/similar", json=body, headers={"X-CSRFToken": token.split('"')[0]})
    assert r.status_code in (200, 400, 404, 422), r.status_code
    if r.status_code != 200:
        assert r.get_json()["error"]["message"]


def test_the_desk_has_the_panel_and_merge_asks_first(client, db, tmp_path):
    _tip(db, tmp_path, "clerk", CITY_TEXT)
    tip, _clue = _tip(db, tmp_path, "clerk", TYPED)
    login(client, "clerk")
    assert 'data-testid="similar-panel"' in client.get("/intake/").get_data(as_text=True)
    page = client.get(f"/intake/tips/{tip.id}/decision").get_data(as_text=True)
    assert "合并为重复件" in page and 'data-confirm="确定将本举报合并为' in page


def test_decision_page_proposes_the_paraphrase_and_merge_is_logged(db, tmp_path):
    from sqlalchemy import select

    from cases.intake import decide, propose_duplicates
    from workflow.models import TransitionLog

    first, first_clue = _tip(db, tmp_path, "clerk", CITY_TEXT)
    decide(db, user(db, "clerk"), first, "register")
    second, second_clue = _tip(db, tmp_path, "clerk", TYPED)
    candidates = propose_duplicates(db, user(db, "clerk"), second)
    assert [c.clue.id for c in candidates] == [first_clue.id]
    decide(db, user(db, "clerk"), second, "merge", {"target_clue_id": first_clue.id})
    log = db.scalars(
        select(TransitionLog).where(
            TransitionLog.subject_id == second_clue.id, TransitionLog.trigger == "merge"
        )
    ).one()
    assert log.to_state == "merged" and log.actor_id == user(db, "clerk").id
