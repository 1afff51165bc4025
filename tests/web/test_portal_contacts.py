"""The installation's own hotlines and addresses on the portal's public notice (issue 18):
set by an administrator only, validated, audited, CSRF-protected; none by default; the
demo's are its own, never a seed's (鹿寨, 0772)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

import tips.demo
from config.audit_log import AuditEvent
from tests.conftest import login, post_form
from tips.models import PortalContacts
from tips.portal_contacts import portal_contacts

HOTLINE = "行风举报电话：0100-55501234（工作日）"
ADDRESS = "来信请寄：示范市人民路 1 号 卫生健康委员会（邮编 100000）"


def _notice(client) -> str:
    page = client.get("/portal/").get_data(as_text=True)
    return page.split('data-testid="portal-contacts"')[1].split("</section>")[0]


def test_empty_by_default_with_a_plain_line(client):
    notice = _notice(client)
    assert "举报电话和来信地址尚未公布" in notice and "网上举报" in notice
    assert "0772" not in notice and "鹿寨" not in notice


def test_admin_sets_them_and_the_portal_shows_them_audited(client, db):
    login(client, "admin")
    page = client.get("/admin/portal")
    assert page.status_code == 200 and "举报平台联系方式" in page.get_data(as_text=True)
    ok = post_form(client, "/admin/portal", {"hotlines": f"  {HOTLINE}\n\n", "addresses": ADDRESS})
    assert ok.status_code == 302
    notice = _notice(client)
    assert HOTLINE in notice and ADDRESS in notice
    event = db.scalar(select(AuditEvent).where(AuditEvent.kind == "portal.contacts_updated"))
    assert event is not None and event.detail["after"]["hotlines"] == [HOTLINE]
    assert event.detail["before"] == {"hotlines": [], "addresses": []}
    # Cleared again: the plain line returns.
    post_form(client, "/admin/portal", {"hotlines": "", "addresses": ""})
    assert "尚未公布" in _notice(client)


@pytest.mark.parametrize(
    ("hotlines", "addresses", "message"),
    [
        ("行风举报电话：请拨打", "", "没有电话号码"),
        ("电话：12345 " + "很长" * 80, "", "超过 120 个字"),
        ("\n".join(f"电话{i}：1234{i}" for i in range(9)), "", "最多填写 8 行"),
        ("电话：12345", "地址\x07", "控制字符"),
        ("电话：12345<script>", "", "尖括号"),
    ],
)
def test_bad_input_is_refused_in_chinese_and_nothing_is_saved(
    client, db, hotlines, addresses, message
):
    login(client, "admin")
    bad = post_form(client, "/admin/portal", {"hotlines": hotlines, "addresses": addresses})
    text = bad.get_data(as_text=True)
    assert bad.status_code == 422 and message in text
    assert db.scalar(select(func.count()).select_from(PortalContacts)) == 0


def test_only_administrators_and_never_without_the_csrf_token(app, client, db):
    for username in ("leader", "clerk", "reporter"):
        other = app.test_client()
        login(other, username)
        assert other.get("/admin/portal").status_code in (403, 404)
        refused = post_form(
            other, "/admin/portal", {"hotlines": HOTLINE}, token_from="/me/notifications"
        )
        assert refused.status_code in (403, 404)
    login(client, "admin")
    forged = client.post("/admin/portal", data={"hotlines": HOTLINE, "addresses": ""})
    assert forged.status_code in (400, 302, 422)
    assert portal_contacts(db).empty


def test_the_demo_shows_its_own_contacts(client, db):
    tips.demo.load_demo(db)
    db.commit()
    notice = _notice(client)
    assert "0100-55501234" in notice and "12320" in notice and "来信请寄" in notice
    assert "0772" not in notice and "鹿寨" not in notice
