"""通报 pages: a leader picks three closed clues, edits, issues (文号, DOCX, PDF), publishes;
a handler drafts but cannot issue; hostile input answers with a message, never a 500."""

from __future__ import annotations

import io
import re

from pypdf import PdfReader

from documents import bulletin_demo
from tests.conftest import csrf_token, login
from workflow.engine import local_today


def _draft(client) -> str:
    page = client.get("/bulletins/new").get_data(as_text=True)
    ids = re.findall(r'name="clue_id" value="(\d+)"', page)
    assert len(ids) == 3
    token = csrf_token(client, "/bulletins/new")
    answer = client.post("/bulletins/new", data={"csrf_token": token, "clue_id": ids})
    assert answer.status_code == 303
    return answer.headers["Location"]


def test_leader_issues_and_publishes_three_anonymised_cases(client, db):
    bulletin_demo.load_demo(db)
    login(client, "leader")
    url = _draft(client)
    page = client.get(url).get_data(as_text=True)
    assert "张某" in page and "张三" not in page
    form = {k: v for k, v in re.findall(r'name="((?:heading|text)_\d+|title|recipients)" '
                                        r'(?:maxlength="\d+" )?value="([^"]*)"', page)}
    case_ids = re.findall(r'name="case_id" value="(\d+)"', page)
    texts = dict(re.findall(r'name="(text_\d+|intro|closing)"[^>]*>([^<]*)</textarea>', page))
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    data = {**form, **texts, "case_id": case_ids, "version": version, "then": "issue",
            "csrf_token": csrf_token(client, url)}
    answer = client.post(f"{url}/edit", data=data)
    assert answer.status_code == 303, answer.get_data(as_text=True)[:2000]
    page = client.get(url).get_data(as_text=True)
    number = f"清卫纪通〔{local_today().year}〕1号"
    assert number in page
    pdf = client.get(f"{url}/file.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert "filename*=UTF-8''" in pdf.headers["Content-Disposition"]
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert number in text.replace(" ", "")
    assert client.get(f"{url}/file.docx").status_code == 200
    assert client.get(f"{url}/file.exe").status_code == 404
    answer = client.post(f"{url}/publish", data={"csrf_token": csrf_token(client, url)})
    assert answer.status_code == 303
    portal = client.get("/portal/").get_data(as_text=True)
    assert "典型案例的通报" in portal
    link = re.search(r'href="(/portal/bulletins/\d+)"', portal).group(1)
    public = client.get(link).get_data(as_text=True)
    assert "张某" in public and "张三" not in public


def test_handler_drafts_but_does_not_issue(client, db):
    bulletin_demo.load_demo(db)
    login(client, "handler")
    url = _draft(client)
    page = client.get(url).get_data(as_text=True)
    assert 'data-testid="issue"' not in page
    answer = client.post(f"{url}/issue", data={"csrf_token": csrf_token(client, url)})
    assert answer.status_code == 403


def test_hostile_input_is_refused_with_a_message(client, db):
    bulletin_demo.load_demo(db)
    login(client, "leader")
    token = csrf_token(client, "/bulletins/new")
    for data in (
        {"clue_id": []},
        {"clue_id": ["99999999999", "abc", "-1"]},
        {"clue_id": ["1"], "period_from": "2026-13-45", "title": "题" * 500},
    ):
        answer = client.post("/bulletins/new", data={"csrf_token": token, **data})
        assert answer.status_code == 422
        assert "flash" in answer.get_data(as_text=True)
    assert client.get("/bulletins/new?period_from=x&period_to=2020-01-01&scope_unit_id=9" * 3)\
        .status_code == 200
    url = _draft(client)
    bad = client.post(f"{url}/edit", data={"csrf_token": token, "title": "x", "case_id": "z"})
    assert bad.status_code == 422 and "刷新页面" in bad.get_data(as_text=True)
    version = re.search(r'name="version" value="(\d+)"', client.get(url).get_data(as_text=True))
    long = client.post(
        f"{url}/edit", data={"csrf_token": token, "title": "题" * 300, "version": version.group(1)}
    )
    assert long.status_code == 422 and "不能超过 200 个字" in long.get_data(as_text=True)
    nul = client.post(f"{url}/edit", data={"csrf_token": token, "title": "x\x00"})
    assert nul.status_code == 400  # the app refuses NUL in any form before the view
    assert client.post(f"{url}/edit", data={"title": "x"}).status_code == 400  # no CSRF
