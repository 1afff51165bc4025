"""The file store fills up while an attachment is being stored.

Each test runs against each store, made full for real:

- ``directory``: the store's folder is a tiny tmpfs (mounted for the test, so the kernel
  itself answers ENOSPC part-way through the write, after some bytes have landed);
- ``database`` on SQLite: ``PRAGMA max_page_count`` a few pages above the database's size,
  so SQLite itself answers SQLITE_FULL ("database or disk is full") mid-insert;
- ``database`` on PostgreSQL: the server raises its disk-full error (SQLSTATE 53100) for a
  row over 16 KiB, from a trigger that lives only in the test's transaction (see
  ``full_store`` for why not a real full tablespace).

Decision: the tip is kept — its text, its reporter and every attachment that fitted are
saved; the attachment that did not fit is listed with a plain Chinese reason on the page
(portal receipt, desk flash, tip page) and nothing of it is left behind. Refusing the whole
submission instead would lose the tip: a browser cannot give the files back, and the store
is still full.
"""

from __future__ import annotations

import errno
import io
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlalchemy import select

from cases.handling_models import Attachment
from cases.states import ClueState
from config.filestore import FileBlob, FileStore, StoreError, store_for
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


@contextmanager
def _tmpfs(target: Path, owner: str | None = None) -> Iterator[Path]:
    """Mount a 32 KiB tmpfs at ``target`` for the duration."""
    target.mkdir(parents=True, exist_ok=True)
    mount = shutil.which("mount")
    if os.geteuid() != 0 or mount is None:
        _unavailable("需要 root 权限和 mount 命令")
    done = subprocess.run(  # noqa: S603 -- fixed arguments, our own temporary directory
        [mount, "-t", "tmpfs", "-o", f"size={FS_SIZE},mode=0700", "qf-full", str(target)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        _unavailable(done.stderr.strip() or f"mount 返回 {done.returncode}")
    try:
        if owner:
            shutil.chown(target, owner, owner)
        yield target
    finally:
        subprocess.run(["umount", "-l", str(target)], check=False)  # noqa: S603, S607


@dataclass
class Full:
    """The store under test, full; ``names()`` lists what it holds."""

    kind: str
    store: FileStore
    folder: Path | None = None

    def names(self, db) -> list[str]:
        if self.folder is not None:  # every file whole: no ".part" left behind
            return sorted(p.name for p in self.folder.iterdir())
        return sorted(db.scalars(select(FileBlob.name)))


@pytest.fixture(params=["directory", "database"])
def store_kind(request) -> str:
    return request.param


@pytest.fixture
def full_store(store_kind, app, db, connection) -> Iterator[Full]:
    cfg = app.config["QINGFENG"].with_overrides(file_store=store_kind)
    app.config["QINGFENG"] = cfg
    if store_kind == "directory":
        with _tmpfs(cfg.file_store_path) as folder:
            yield Full("directory", store_for(cfg), folder)
    elif connection.dialect.name == "sqlite":
        pages = connection.exec_driver_sql("PRAGMA page_count").scalar()
        connection.exec_driver_sql(f"PRAGMA max_page_count = {int(pages or 0) + 8}")
        try:
            yield Full("database", store_for(cfg))
        finally:
            connection.exec_driver_sql("PRAGMA max_page_count = 1073741823")
    else:
        # PostgreSQL: the server refuses rows over 16 KiB with its own disk-full error
        # (SQLSTATE 53100), raised by a trigger created in the test's transaction and rolled
        # back with it. Not a real full disk: a tablespace on a tiny tmpfs was tried and
        # crashed the shared server (the checkpointer PANICs when it cannot fsync a file of
        # the unmounted tablespace), so the fault is raised in the one session instead.
        connection.exec_driver_sql(PG_FULL_FUNCTION)
        connection.exec_driver_sql(
            "CREATE TRIGGER file_blobs_full BEFORE INSERT ON file_blobs "
            "FOR EACH ROW EXECUTE FUNCTION pg_temp.file_blobs_full()"
        )
        yield Full("database", store_for(cfg))


PG_FULL_FUNCTION = """
CREATE FUNCTION pg_temp.file_blobs_full() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF octet_length(NEW.sealed) > 16384 THEN
        RAISE EXCEPTION 'could not extend file "file_blobs": No space left on device'
            USING ERRCODE = 'disk_full';
    END IF;
    RETURN NEW;
END $$
"""


def _latest_tip(db) -> Tip:
    db.expire_all()  # the app wrote through its own session
    tip = db.scalar(select(Tip).order_by(Tip.id.desc()).limit(1))
    assert tip is not None
    return tip


def test_the_tiny_disk_really_fails_with_enospc_part_way(tmp_path):
    """The fault is real: a plain write into the mount stops with ENOSPC after some bytes."""
    with _tmpfs(tmp_path / "probe") as tiny:
        target = tiny / "probe.bin"
        with pytest.raises(OSError, match="No space left on device"):
            target.write_bytes(BIG_PDF)
        assert 0 < target.stat().st_size < len(BIG_PDF)
        target.unlink()


def test_the_full_store_really_refuses_a_big_file_and_takes_a_small_one(db, full_store):
    """The fault is real in every store: the database or the disk itself says it is full."""
    full_store.store.put(db, "probe-small.png", PNG)
    with pytest.raises(StoreError) as refused:
        full_store.store.put(db, "probe-big.pdf", BIG_PDF)
    assert refused.value.errno == errno.ENOSPC, refused.value
    assert full_store.names(db) == ["probe-small.png"]
    assert full_store.store.get(db, "probe-small.png") == PNG


def test_portal_tip_is_kept_when_the_disk_fills_and_no_partial_file_is_left(
    client, app, db, full_store
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
    # In the store: the file that fitted, whole; nothing of the one that did not.
    assert full_store.names(db) == [tip.attachments[0].stored_name]
    assert full_store.store.get(db, tip.attachments[0].stored_name) == PNG

    # Staff see the note on the tip page, so they can ask the reporter for the file again.
    login(client, "clerk")
    assert f"{NO_SPACE}" in client.get(f"/tips/{tip.id}").get_data(as_text=True)


def test_desk_intake_keeps_the_tip_and_tells_the_clerk(client, db, full_store):
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
    assert full_store.names(db) == []


def test_clue_evidence_upload_keeps_what_fitted_and_names_what_did_not(client, db, full_store):
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
    assert full_store.names(db) == [rows[0].stored_name]
    assert full_store.store.get(db, rows[0].stored_name) == PDF
