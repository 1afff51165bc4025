"""The disk fills up while an attachment is being stored.

The upload area is a real, tiny tmpfs (mounted for the test, so the kernel itself answers
ENOSPC part-way through the write, after some bytes have landed). Decision: the tip is
kept — its text, its reporter and every attachment that fitted are saved; the attachment
that did not fit is listed with a plain Chinese reason on the page (portal receipt, desk
flash, tip page) and no partial file is left behind. Refusing the whole submission instead
would lose the tip: a browser cannot give the files back, and the disk is still full.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlalchemy import select

from cases.handling_models import Attachment
from cases.states import ClueState
from tests.cases.factories import clue_in_state
from tests.conftest import csrf_token, login
from tests.dbutil import REQUIRE_ALL
from tests.tips.helpers import PDF, PNG
from tips.models import Tip

# Bigger than the whole filesystem: the write starts, fills the disk, and fails with ENOSPC.
BIG_PDF = PDF + b"%" + os.urandom(48 * 1024)
FS_SIZE = "32k"
NO_SPACE = "服务器存储空间不足"


@pytest.fixture(autouse=True)
def _working_day():
    with time_machine.travel(
        datetime(2026, 6, 15, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False
    ):
        yield


def _unavailable(reason: str) -> None:
    message = f"无法挂载临时小文件系统（{reason}），磁盘写满测试无法进行"
    if REQUIRE_ALL:
        pytest.fail(message + "；CI 中不允许跳过（CI 以 root 运行）。")
    pytest.skip(message)


@pytest.fixture
def tiny_disk(app) -> Iterator[Path]:
    """Mount a 32 KiB tmpfs over the app's upload directory for the test's duration."""
    uploads = app.config["QINGFENG"].upload_path
    uploads.mkdir(parents=True, exist_ok=True)
    mount = shutil.which("mount")
    if os.geteuid() != 0 or mount is None:
        _unavailable("需要 root 权限和 mount 命令")
    done = subprocess.run(  # noqa: S603 -- fixed arguments, our own temporary directory
        [mount, "-t", "tmpfs", "-o", f"size={FS_SIZE},mode=0700", "qf-full", str(uploads)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        _unavailable(done.stderr.strip() or f"mount 返回 {done.returncode}")
    try:
        yield uploads
    finally:
        subprocess.run(["umount", "-l", str(uploads)], check=False)  # noqa: S603, S607


def _files(root: Path) -> dict[str, int]:
    return {
        str(p.relative_to(root)): p.stat().st_size for p in sorted(root.rglob("*")) if p.is_file()
    }


def _latest_tip(db) -> Tip:
    db.expire_all()  # the app wrote through its own session
    tip = db.scalar(select(Tip).order_by(Tip.id.desc()).limit(1))
    assert tip is not None
    return tip


def test_the_tiny_disk_really_fails_with_enospc_part_way(tiny_disk):
    """The fault is real: a plain write into the mount stops with ENOSPC after some bytes."""
    target = tiny_disk / "probe.bin"
    with pytest.raises(OSError, match="No space left on device"):
        target.write_bytes(BIG_PDF)
    assert 0 < target.stat().st_size < len(BIG_PDF)
    target.unlink()


def test_portal_tip_is_kept_when_the_disk_fills_and_no_partial_file_is_left(
    client, app, db, tiny_disk
):
    app.config["QINGFENG"] = app.config["QINGFENG"].with_overrides(intake_unit="C01-D01")
    content = "清河县人民医院骨科李医生收受耗材回扣，附缴费单和录音整理稿"
    response = client.post(
        "/portal/report",
        data={
            "csrf_token": csrf_token(client, "/portal/"),
            "content": content,
            "named": "n",
            "attachments": [
                (io.BytesIO(PNG), "缴费单.png"),
                (io.BytesIO(BIG_PDF), "录音整理稿.pdf"),
            ],
        },
        content_type="multipart/form-data",
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200, page[-1500:]
    # The reporter gets the receipt code (the tip exists) and is told which file was not kept.
    assert re.search(r'data-testid="receipt-code">[\d ]{16,}<', page)
    assert f"附件“录音整理稿.pdf”未能保存：{NO_SPACE}" in page
    assert "举报内容已保存，上述附件未保存。" in page

    tip = _latest_tip(db)
    assert tip.content == content and tip.clue_id is not None
    assert [a.filename for a in tip.attachments] == ["缴费单.png"]
    assert [r["filename"] for r in tip.rejected_files] == ["录音整理稿.pdf"]
    # On disk: the file that fitted, whole; nothing of the one that did not.
    stored = tiny_disk / "tips" / tip.attachments[0].stored_name
    assert _files(tiny_disk) == {f"tips/{stored.name}": len(PNG)}
    assert stored.read_bytes() == PNG

    # Staff see the note on the tip page, so they can ask the reporter for the file again.
    login(client, "clerk")
    assert f"{NO_SPACE}" in client.get(f"/tips/{tip.id}").get_data(as_text=True)


def test_desk_intake_keeps_the_tip_and_tells_the_clerk(client, db, tiny_disk):
    login(client, "clerk")
    content = "来电反映清河县人民医院药房人员收取药品回扣"
    response = client.post(
        "/intake/?channel=visit",
        data={
            "csrf_token": csrf_token(client, "/intake/"),
            "content": content,
            "named": "n",
            "meta_visitors": "1",
            "attachments": [(io.BytesIO(BIG_PDF), "来访材料.pdf")],
        },
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200, page[-1500:]
    assert "已登记来访举报" in page
    assert f"附件“来访材料.pdf”未能保存：{NO_SPACE}" in page
    tip = _latest_tip(db)
    assert tip.content == content and tip.clue_id is not None
    assert tip.attachments == [] and len(tip.rejected_files) == 1
    assert _files(tiny_disk) == {}


def test_clue_evidence_upload_keeps_what_fitted_and_names_what_did_not(client, db, tiny_disk):
    clue = clue_in_state(db, ClueState.VERIFYING)
    db.commit()
    login(client, "handler")
    response = client.post(
        f"/clues/{clue.id}/attachments",
        data={
            "csrf_token": csrf_token(client, f"/clues/{clue.id}"),
            "files": [(io.BytesIO(PDF), "谈话笔录.pdf"), (io.BytesIO(BIG_PDF), "核实报告.pdf")],
        },
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200, page[-1500:]
    assert f"“核实报告.pdf”未能保存：{NO_SPACE}" in page and "已上传 1 个附件" in page
    db.expire_all()
    rows = db.scalars(select(Attachment).where(Attachment.clue_id == clue.id)).all()
    assert [r.filename for r in rows] == ["谈话笔录.pdf"]
    assert _files(tiny_disk) == {rows[0].stored_name: len(PDF)}
