"""Portal uploads keep the file's own name, never the client's path (issue 16 §5)."""

from __future__ import annotations

import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlalchemy import select

from tests.conftest import login, post_form
from tests.tips.helpers import PDF
from tips.models import Tip

START = datetime(2026, 6, 15, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
JPG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(64)) + b"\xff\xd9"


@pytest.fixture(autouse=True)
def _setup(app):
    app.config["QINGFENG"] = app.config["QINGFENG"].with_overrides(intake_unit="C01-D01")
    with time_machine.travel(START, tick=False):
        yield


def test_client_paths_are_stripped_on_store_and_on_download(client, db):
    sent = {
        "../../../etc/cron.d/证据.pdf": PDF,
        "C:\\Users\\张三\\Desktop\\红包照片.jpg": JPG,
    }
    response = post_form(
        client,
        "/portal/report",
        {
            "content": "清河县中医医院药剂科人员收取药品回扣，附证据。",
            "named": "n",
            "attachments": [(io.BytesIO(data), name) for name, data in sent.items()],
        },
        token_from="/portal/",
        content_type="multipart/form-data",
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    db.expire_all()
    tip = db.scalar(select(Tip).order_by(Tip.id.desc()).limit(1))
    assert [a.filename for a in tip.attachments] == ["证据.pdf", "红包照片.jpg"]

    login(client, "clerk")
    for attachment in tip.attachments:
        download = client.get(f"/tips/{tip.id}/attachments/{attachment.id}")
        disposition = download.headers["Content-Disposition"]
        download.close()
        assert download.status_code == 200
        assert ".." not in disposition and "%2F" not in disposition.upper()
        assert "Users" not in disposition and "%5C" not in disposition.upper()
