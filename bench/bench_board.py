"""The board of the bodies below (督办看板): 100 counties under one city, 10,000 of their
clues, with marks, reports and rectification items; the page rendered through the real
app (Flask test client, token auth, template) beside a raw-SQL baseline that reads the same
figures in the same run. Target: median under 300 ms on SQLite and PostgreSQL.

Usage: python bench/bench_board.py                       (SQLite, a temp file)
       QINGFENG_BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test_h18 python …
       (creates and drops <name>_board).
"""

from __future__ import annotations

import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert, text  # noqa: E402

from app_boot import bootstrap  # noqa: E402
from bench._setup import clue_row, drop_database, migrated, unit_row, user_row  # noqa: E402
from cases.models import Clue  # noqa: E402
from config.database import session_scope  # noqa: E402
from config.settings import Settings  # noqa: E402
from directory.models import OrgUnit, User  # noqa: E402
from directory.passwords import hash_password  # noqa: E402
from directory.tokens import create_token  # noqa: E402
from rectification.models import RectificationItem  # noqa: E402
from reporting.models import Obligation, ObligationRule  # noqa: E402
from supervision.models import SupervisedClue  # noqa: E402
from workflow.calendar_source import seed_from_package  # noqa: E402

COUNTIES, CLUES, REPEAT, TARGET_MS = 100, 10_000, 15, 300
STATES = ["registered", "triage", "verifying", "talk_inquiry", "written_off", "concluded"]
TODAY = date.today()


def populate(factory) -> None:
    rng = random.Random(19)
    now = datetime.now(UTC)
    with session_scope(factory) as s:
        seed_from_package(s)
        units = [
            unit_row(1, "P", "省卫生健康委", "province", None, "/1/", now),
            unit_row(2, "C", "市卫生健康委", "city", 1, "/1/2/", now),
        ]
        for i in range(COUNTIES):
            cid = 100 + i
            units.append(
                unit_row(cid, f"C-{i}", f"第{i}县卫生健康局", "county", 2, f"/1/2/{cid}/", now)
            )
            for j in range(2):
                hid = 10_000 + 10 * i + j
                path = f"/1/2/{cid}/{hid}/"
                units.append(
                    unit_row(hid, f"C-{i}-H{j}", f"第{i}县医院{j}", "institution", cid, path, now)
                )
        s.execute(insert(OrgUnit), units)
        city = user_row(1, "city", "leader", 2, hash_password("x" * 12), now, display_name="市领导")
        s.execute(insert(User), [city])
        clues = []
        for n in range(CLUES):
            county = 100 + n % COUNTIES
            due = TODAY + timedelta(days=rng.randint(-20, 40))
            clues.append(
                clue_row(
                    county,
                    rng.choice(STATES),
                    f"线索{n}",
                    now,
                    id=n + 1,
                    next_due_on=due,
                    ledger_no=f"B-{n}",
                )
            )
        s.execute(insert(Clue), clues)
        s.execute(
            insert(SupervisedClue),
            [
                dict(
                    clue_id=n,
                    superior_unit_id=2,
                    active=True,
                    note="",
                    marked_by_id=1,
                    marked_at=now,
                )
                for n in range(1, CLUES, 50)
            ],
        )
        s.execute(
            insert(ObligationRule),
            [
                dict(
                    id=900,
                    code="bench",
                    form_code="zl1",
                    unit_kinds="county",
                    cycle="monthly",
                    day_of_month=12,
                    label="月报",
                    source="",
                    active=True,
                )
            ],
        )
        s.execute(
            insert(Obligation),
            [
                dict(
                    rule_id=900,
                    unit_id=100 + i,
                    form_code="zl1",
                    period_start=date(TODAY.year, m, 1),
                    period_end=date(TODAY.year, m, 28),
                    period_label=f"{m}月",
                    due_on=date(TODAY.year, m, 12),
                    calendar_unknown=False,
                    state=rng.choice(["not_started", "accepted", "submitted"]),
                    late=rng.random() < 0.1,
                    created_at=now,
                )
                for i in range(COUNTIES)
                for m in range(1, 13)
            ],
        )
        s.execute(
            insert(RectificationItem),
            [
                dict(
                    unit_id=100 + n % COUNTIES,
                    year=TODAY.year,
                    seq=n + 1,
                    source_kind="self_check",
                    source_ref="",
                    problem="问题",
                    found_on=TODAY,
                    responsible_unit_id=10_000 + 10 * (n % COUNTIES),
                    responsible_person="某",
                    measure="措施",
                    deadline=TODAY - timedelta(days=n % 9),
                    state="open",
                    version=1,
                    evidence="",
                    verify_note="",
                    clocks={},
                    next_due_on=TODAY - timedelta(days=n % 9),
                    created_by_id=1,
                    created_at=now,
                    updated_at=now,
                )
                for n in range(500)
            ],
        )


BASELINE = """
SELECT c.unit_id, sum(CASE WHEN c.state NOT IN ('written_off','concluded') THEN 1 ELSE 0 END),
       sum(CASE WHEN c.state NOT IN ('written_off','concluded') AND c.next_due_on < :today
           THEN 1 ELSE 0 END)
FROM clues c JOIN org_units u ON u.id = c.unit_id WHERE u.path LIKE '/1/2/%' GROUP BY c.unit_id
"""
BASELINE_MARKS = """
SELECT c.unit_id, count(*) FROM supervised_clues s JOIN clues c ON c.id = s.clue_id
WHERE s.active GROUP BY c.unit_id
"""
BASELINE_REPORTS = """
SELECT unit_id,
       sum(CASE WHEN state IN ('not_started','draft') AND due_on < :today THEN 1 ELSE 0 END),
       sum(CASE WHEN late THEN 1 ELSE 0 END) FROM obligations GROUP BY unit_id
"""
BASELINE_RECT = """
SELECT responsible_unit_id, count(*) FROM rectification_items
WHERE state = 'open' AND next_due_on < :today GROUP BY responsible_unit_id
"""


def median_ms(fn) -> float:
    fn()
    times = []
    for _ in range(REPEAT):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def main() -> int:
    url, engine, factory = migrated("board")
    populate(factory)
    inst = Path(tempfile.mkdtemp(prefix="qf-board-"))
    settings = Settings(
        env="testing",
        instance_path=inst,
        database_url=url,
        secret_key="bench-secret-key-0123456789abcdef",
        reporter_key_file=inst / "reporter.key",
    )
    bootstrap(settings)
    with session_scope(factory) as s:
        owner = s.get(User, 1)
        _, token = create_token(s, owner, owner, "bench")
    from web.app import create_app

    app = create_app(settings, check_intake=False)
    client = app.test_client()

    def page() -> None:
        r = client.get("/supervision/board", headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 200 and "第99县卫生健康局" in r.get_data(as_text=True)

    def raw() -> None:
        with engine.connect() as conn:
            for sql in (BASELINE, BASELINE_MARKS, BASELINE_REPORTS, BASELINE_RECT):
                conn.execute(text(sql), {"today": TODAY}).all()

    app_ms, raw_ms = median_ms(page), median_ms(raw)
    print(f"{engine.dialect.name}: board of {COUNTIES} counties, {CLUES} clues")
    print(f"  page (rendered)  median {app_ms:7.1f} ms   target < {TARGET_MS} ms")
    print(f"  raw SQL baseline median {raw_ms:7.1f} ms   ratio {app_ms / raw_ms:5.1f}x")
    engine.dispose()
    drop_database(url)
    return 0 if app_ms < TARGET_MS else 1


if __name__ == "__main__":
    raise SystemExit(main())
