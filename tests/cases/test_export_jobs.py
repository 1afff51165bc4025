"""Ledger exports as background jobs: progress recorded, the file sealed in the store, only
the starter sees it, a dead writer shows as interrupted, formula text stays text."""

from __future__ import annotations

import io
from datetime import timedelta

from openpyxl import load_workbook

from cases.export_jobs import ExportJob, job_of, run_export, start_ledger_export
from cases.ledger_export import BATCH, LEDGER_COLUMNS
from cases.ledger_query import LedgerFilter
from cases.states import ClueState
from config.database import utcnow
from config.errors import NotFound
from config.filestore import store_for
from tests.cases.factories import clue_in_state
from tests.conftest import login, post_form, user


def test_a_job_counts_writes_and_stores_the_ledger(app, db, session_factory, settings):
    leader = user(db, "leader")
    for i in range(3):
        clue_in_state(db, ClueState.VERIFYING, summary=f'=HYPERLINK("x"){i}')
    db.commit()
    job = start_ledger_export(db, leader, LedgerFilter())
    db.commit()
    assert job.status == "queued" and job.total >= 3
    store = store_for(settings)
    run_export(session_factory, job.id, store)
    db.expire_all()
    job = db.get(ExportJob, job.id)
    assert (job.status, job.done, job.percent) == ("done", job.total, 100), job.error
    ws = load_workbook(io.BytesIO(store.get(db, job.store_name))).active
    assert ws["A1"].value.startswith("问题线索台账（")
    assert [c.value for c in ws[2]] == list(LEDGER_COLUMNS)
    assert ws.freeze_panes == "A3"
    assert ws.max_row == job.total + 2
    formulas = [c for row in ws.iter_rows() for c in row if c.data_type == "f"]
    assert formulas == []


def test_only_the_starter_sees_a_job(db):
    job = start_ledger_export(db, user(db, "leader"), LedgerFilter())
    assert job_of(db, user(db, "leader"), job.id) is job
    try:
        job_of(db, user(db, "handler"), job.id)
    except NotFound:
        pass
    else:
        raise AssertionError("another user saw the job")


def test_a_writer_that_died_shows_interrupted_and_a_failure_is_recorded(db, session_factory):
    job = start_ledger_export(db, user(db, "leader"), LedgerFilter())
    job.status = "running"
    db.commit()
    db.expire_all()  # as read back from the database (SQLite: without its zone)
    assert job.shown_status(utcnow()) == "running"
    assert job.shown_status(utcnow() + timedelta(minutes=6)) == "interrupted"

    class Broken:
        def put(self, session, name, data):
            raise OSError("disk full")

    run_export(session_factory, job.id, Broken())  # type: ignore[arg-type]
    db.expire_all()
    job = db.get(ExportJob, job.id)
    assert job.status == "failed" and "disk full" in job.error


def test_the_page_shows_progress_then_the_download(app, client, db):
    login(client, "leader")
    sent = post_form(client, "/ledger/exports", {}, token_from="/ledger")
    assert sent.status_code == 303
    page = client.get(sent.headers["Location"]).get_data(as_text=True)
    assert 'data-status="done"' in page and "下载" in page
    state = client.get(sent.headers["Location"] + "/status").get_json()
    assert state["status"] == "done" and state["percent"] == 100
    assert state["download"].endswith("/file") and state["done"] == state["total"]
    download = client.get(sent.headers["Location"] + "/file")
    assert download.status_code == 200
    assert "filename*=UTF-8''" in download.headers["Content-Disposition"]
    load_workbook(io.BytesIO(download.get_data()))
    other = app.test_client()
    login(other, "handler")
    assert other.get(sent.headers["Location"]).status_code == 404
    assert other.get(sent.headers["Location"] + "/file").status_code == 404
    assert other.get(sent.headers["Location"] + "/status").status_code == 404
    assert BATCH >= 100  # progress is written in steps, not per row
