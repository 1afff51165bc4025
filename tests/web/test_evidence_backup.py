"""Evidence travels with the database: a backup restored on a fresh machine brings back
every file, byte for byte, and a dump without the key file opens none.

SQLite: ``qingfeng init`` on machine A, files stored through the services (clue evidence,
a portal-style tip with a GPS-tagged photo, a report's stamped PDF), ``qingfeng backup``;
machine B is a new instance folder with only the backup file and the key file (kept apart,
as the README says), ``qingfeng restore``, then every file is downloaded over HTTP from B.

PostgreSQL: the same files in a fresh database, ``pg_dump`` / ``pg_restore`` into another
fresh database, and every file is read back from there.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from datetime import date, datetime
from pathlib import Path

import pytest
import time_machine
from click.testing import CliRunner
from sqlalchemy import select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from cases.attachments import Upload as ClueUpload
from cases.attachments import add_attachments
from cases.handling_models import Attachment
from cases.intake import intake
from cases.states import ClueState
from config.database import make_engine, session_scope
from config.filekeys import FileKeyError
from config.filestore import FileBlob, store_for
from config.migrate import upgrade_database
from config.settings import Settings
from directory.demo import load_demo
from reporting import attachments as report_files
from reporting.models import SubmissionAttachment
from reporting.submissions import start_draft
from tests.cases.factories import clue_in_state
from tests.conftest import login, unit, user
from tests.dbutil import fresh_database, suite_database_url
from tests.reporting.journey import SH, obligation
from tests.reporting.pdfs import one_page_pdf
from tests.tips.helpers import PDF, photo_with_metadata
from tips.attachments import Upload as TipUpload
from tips.models import TipAttachment
from tips.service import NewTip, vault_for
from web.cli import main
from workflow.calendar_source import seed_from_package

STAMPED = one_page_pdf()  # a report's stamped scan must open as a PDF (reporting.stamped)
OCT_9 = datetime(2026, 10, 9, 10, tzinfo=SH)

# Files of every kind and size the store takes: tiny, a page, ~1 MB of random bytes.
EVIDENCE = {
    "谈话笔录.pdf": PDF,
    "核实报告.pdf": PDF + b"%" + os.urandom(1024 * 1024),
    "现场.png": photo_with_metadata("PNG"),
}


@pytest.fixture(autouse=True)
def _before_the_deadline():
    with time_machine.travel(OCT_9, tick=False):
        yield


def _settings(instance: Path, url: str) -> Settings:
    return Settings(
        env="testing",
        instance_path=instance,
        database_url=url,
        secret_key="test-secret-key-not-for-production",
        reporter_key_file=instance / "reporter.key",
        admin_totp_required=False,
    )


def _fill(session: Session, settings: Settings) -> dict[str, bytes]:
    """Store one of each kind of file; returns {stored name: bytes expected back}."""
    files = store_for(settings)
    expected: dict[str, bytes] = {}
    clue = clue_in_state(session, ClueState.VERIFYING)
    uploads = [ClueUpload(name, data) for name, data in EVIDENCE.items()]
    saved = add_attachments(session, user(session, "handler"), clue, uploads, files, 2 << 20)
    assert saved.rejected == []
    expected |= {a.stored_name: EVIDENCE[a.filename] for a in saved.saved}

    photo = photo_with_metadata()
    new = NewTip(
        channel="portal",
        content="清河县人民医院骨科医生收受耗材回扣，附现场照片",
        attachments=[TipUpload("现场.jpg", photo), TipUpload("缴费单.pdf", PDF)],
    )
    tip, _ = intake(session, None, unit(session, "C01-D01"), new, vault_for(settings))
    for row in tip.attachments:
        if row.original_name:
            expected[row.original_name] = photo  # the original, byte for byte
            expected[row.stored_name] = files.get(session, row.stored_name)  # the clean copy
        else:
            expected[row.stored_name] = PDF

    ob = obligation(session, "C01-D01-H01", form="quarterly_progress", start=date(2026, 7, 1))
    sub = start_draft(session, user(session, "reporter"), ob)
    stamped = [ClueUpload("盖章件.pdf", STAMPED)]
    done = report_files.add_attachments(
        session, user(session, "reporter"), sub, stamped, files, 2 << 20
    )
    expected[done.saved[0].stored_name] = STAMPED
    return expected


def _cli(args: list[str], instance: Path, url: str):
    env = {
        "QINGFENG_DATABASE_URL": url,
        "QINGFENG_INSTANCE_PATH": str(instance),
        "QINGFENG_ENV": "testing",
    }
    return CliRunner().invoke(main, args, env=env)


@pytest.fixture
def machine_a(tmp_path) -> tuple[Path, str]:
    instance = tmp_path / "machine-a"
    url = f"sqlite:///{instance / 'qingfeng.db'}"
    done = _cli(["init"], instance, url)
    assert done.exit_code == 0, done.output
    assert "已创建附件加密密钥" in done.output
    assert (instance / "file.key").stat().st_mode & 0o777 == 0o600
    return instance, url


def test_sqlite_backup_restored_on_a_fresh_machine_brings_back_every_file(tmp_path, machine_a):
    instance_a, url_a = machine_a
    settings_a = _settings(instance_a, url_a)
    engine = make_engine(url_a)
    with session_scope(sessionmaker(bind=engine, expire_on_commit=False)) as session:
        load_demo(session)
        seed_from_package(session)
        expected = _fill(session, settings_a)
    engine.dispose()
    assert len(expected) == 7
    # Nothing of the evidence lies in the instance folder: only the database and the keys.
    assert not (instance_a / "uploads").exists()

    backup = tmp_path / "offsite" / "qingfeng-backup.db"
    backup.parent.mkdir()
    done = _cli(["backup", str(backup)], instance_a, url_a)
    assert done.exit_code == 0, done.output
    raw = backup.read_bytes()
    assert PDF not in raw and b"QingfengTestPhone" not in raw  # sealed: the backup alone shows none

    # Machine B: a new folder; the backup, and the key file from its own safe place.
    instance_b = tmp_path / "machine-b"
    instance_b.mkdir()
    url_b = f"sqlite:///{instance_b / 'qingfeng.db'}"
    shutil.copy2(instance_a / "file.key", instance_b / "file.key")
    done = _cli(["restore", str(backup)], instance_b, url_b)
    assert done.exit_code == 0, done.output

    from web.app import create_app

    app = create_app(_settings(instance_b, url_b))
    app.config["TESTING"] = True
    factory = app.extensions["qingfeng_sessions"]
    with factory() as session:
        blobs = set(session.scalars(select(FileBlob.name)))
        assert blobs == set(expected)
        links = _links(session)
    got: dict[str, bytes] = {}
    for who, (path, name) in links:
        client = app.test_client()
        login(client, who)
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        got[name] = response.get_data()
    for name, data in expected.items():
        if name in got:
            assert hashlib.sha256(got[name]).hexdigest() == hashlib.sha256(data).hexdigest(), name
    with factory() as session:
        files = store_for(app.config["QINGFENG"])
        for name, data in expected.items():
            assert files.get(session, name) == data, name
    assert len(got) == 6  # every file a page serves (the photo's original is a logged POST)
    factory.kw["bind"].dispose()


def _links(session: Session) -> list[tuple[str, tuple[str, str]]]:
    links = []
    for a in session.scalars(select(Attachment)):
        links.append(("handler", (f"/clues/{a.clue_id}/attachments/{a.id}", a.stored_name)))
    for t in session.scalars(select(TipAttachment)):
        links.append(("clerk", (f"/tips/{t.tip_id}/attachments/{t.id}", t.stored_name)))
    for r in session.scalars(select(SubmissionAttachment)):
        link = f"/reporting/submissions/{r.submission_id}/attachments/{r.id}"
        links.append(("reporter", (link, r.stored_name)))
    return links


def test_a_restored_backup_without_the_key_file_opens_no_file(tmp_path, machine_a):
    instance_a, url_a = machine_a
    engine = make_engine(url_a)
    with session_scope(sessionmaker(bind=engine, expire_on_commit=False)) as session:
        load_demo(session)
        seed_from_package(session)
        clue = clue_in_state(session, ClueState.VERIFYING)
        add_attachments(
            session,
            user(session, "handler"),
            clue,
            [ClueUpload("谈话笔录.pdf", PDF)],
            store_for(_settings(instance_a, url_a)),
            1 << 20,
        )
        name = session.scalar(select(Attachment.stored_name))
    engine.dispose()
    other = _settings(tmp_path / "thief", url_a)  # a new key is made: not the one that sealed
    engine = make_engine(url_a)
    with Session(engine) as session, pytest.raises(FileKeyError, match="密钥不在密钥文件中"):
        store_for(other).get(session, name)
    engine.dispose()


def _pg_bin(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        pytest.fail(f"{name} not installed")
    return found


@pytest.mark.skipif(
    not (suite_database_url() or "").startswith("postgresql"),
    reason="PostgreSQL: runs in the suite's PostgreSQL pass (make test)",
)
def test_pg_dump_carries_every_file_and_pg_restore_brings_them_back(tmp_path):
    url = fresh_database("evidence_src")
    upgrade_database(url)
    settings = _settings(tmp_path / "pg-a", url)
    engine = make_engine(url)
    with session_scope(sessionmaker(bind=engine, expire_on_commit=False)) as session:
        load_demo(session)
        seed_from_package(session)
        expected = _fill(session, settings)
    engine.dispose()

    dump = tmp_path / "qingfeng.dump"
    plain = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    subprocess.run(
        [
            _pg_bin("pg_dump"),
            "--format=custom",
            "--no-owner",
            f"--file={dump}",
            f"--dbname={plain}",
        ],
        check=True,
    )
    listing = subprocess.run(
        [_pg_bin("pg_restore"), "--list", str(dump)], check=True, capture_output=True, text=True
    ).stdout
    assert "TABLE DATA public file_blobs" in listing

    target = fresh_database("evidence_dst")
    target_plain = make_url(target).set(drivername="postgresql").render_as_string(False)
    subprocess.run(
        [_pg_bin("pg_restore"), "--no-owner", f"--dbname={target_plain}", str(dump)], check=True
    )
    restored = _settings(tmp_path / "pg-b", target).with_overrides(
        file_key_file=settings.file_key_path  # the key file, from its own safe place
    )
    engine = make_engine(target)
    with Session(engine) as session:
        assert set(session.scalars(select(FileBlob.name))) == set(expected)
        files = store_for(restored)
        for name, data in expected.items():
            assert files.get(session, name) == data, name
    engine.dispose()
