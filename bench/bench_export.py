"""The ledger export at 20,000 and 100,000 clues: time and peak memory, each in a subprocess.

Variants, on the same generated database and the same rows, each run in a fresh Python
process so that its peak resident memory is its own:

- ``rows``        — the ledger's rows only (one Core SELECT of the sheet's columns read in
                    batches, jurisdiction, filters, batch details), discarded: the raw
                    baseline of what any writer must at least pay;
- ``openpyxl``    — the rows written with openpyxl's write-only workbook (cells through
                    ``config.spreadsheet.xlsx_row``);
- ``xw_formats``  — XlsxWriter ``constant_memory``, one ``write_*`` per cell, each with a
                    cell format;
- ``xw_plain``    — the same without cell formats;
- ``xw_row``      — the same through ``write_row`` (XlsxWriter dispatches on type per cell);
- ``xw_shared``   — XlsxWriter without ``constant_memory``: shared strings, the whole sheet
                    held until it is saved (not flat: shown for the choice);
- ``export``      — the product's own export (``cases.ledger_export.ledger_xlsx``: title,
                    frozen header, widths, formula-safe text) with its own writer,
                    ``config.xlsx_stream`` (rows formatted straight into the zip entry).

Memory is reported as the peak resident size over the resident size just before the
export starts, so the figures compare writers, not interpreters.

Usage: python bench/bench_export.py [ROWS ...]          (SQLite, a temp file)
       QINGFENG_BENCH_VARIANTS=rows,export python …     (only those beside the baseline)
       QINGFENG_BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test python …
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import select  # noqa: E402
from sqlalchemy.orm import sessionmaker  # noqa: E402

from config.database import make_engine  # noqa: E402

VARIANTS = ("rows", "openpyxl", "xw_formats", "xw_plain", "xw_row", "xw_shared", "export")
GOAL_SECONDS = 10.0


def build(rows: int) -> str:
    from bench._setup import fresh_database
    from bench.bench_scale import add_province_users, fix_sequences, load_clues
    from bench.bench_sweep import populate
    from config.migrate import upgrade_database

    url = fresh_database(f"export{rows}")
    upgrade_database(url)
    engine = make_engine(url)
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    institutions = 1000
    counties = institutions // 100
    populate(factory, institutions, 0)
    load_clues(engine, rows, counties, 2 + counties, institutions)
    fix_sequences(engine)
    add_province_users(factory)
    with engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE")
    engine.dispose()
    return url


def rss_kib() -> int:
    """Peak resident size of this process so far (VmHWM: ``ru_maxrss`` would carry the
    parent's peak across fork and exec)."""
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def current_kib() -> int:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * (os.sysconf("SC_PAGE_SIZE") // 1024)


def child(url: str, variant: str) -> None:
    """One measurement, printed as JSON on the last line."""
    from cases.ledger_export import ledger_rows, ledger_xlsx
    from cases.ledger_query import LedgerFilter
    from directory.models import User

    engine = make_engine(url)
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    with factory() as session:
        actor = session.scalar(select(User).where(User.username == "p_inspector"))
        assert actor is not None
        before = current_kib()
        t0, c0 = time.perf_counter(), time.process_time()
        size = n = 0
        if variant == "rows":
            for _ in ledger_rows(session, actor, LedgerFilter()):
                n += 1
        elif variant == "export":
            for chunk in ledger_xlsx(session, actor, LedgerFilter()):
                size += len(chunk)
        elif variant == "openpyxl":
            size, n = _openpyxl(ledger_rows(session, actor, LedgerFilter()))
        else:
            size, n = _xlsxwriter(variant, ledger_rows(session, actor, LedgerFilter()))
        seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    growth = (rss_kib() - before) / 1024
    print(json.dumps({"seconds": seconds, "cpu": cpu, "growth_mib": growth, "bytes": size, "n": n}))


def _openpyxl(rows) -> tuple[int, int]:
    import tempfile

    from openpyxl import Workbook

    from cases.ledger_export import LEDGER_COLUMNS
    from config.spreadsheet import xlsx_row

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("台账")
    ws.append(list(LEDGER_COLUMNS))
    n = 0
    for n, row in enumerate(rows, start=1):  # noqa: B007
        ws.append(xlsx_row(ws, row))
    with tempfile.TemporaryFile() as fh:
        wb.save(fh)
        return fh.tell(), n


def _xlsxwriter(variant: str, rows) -> tuple[int, int]:
    import tempfile

    import xlsxwriter

    from cases.ledger_export import LEDGER_COLUMNS

    n = 0
    with tempfile.TemporaryFile() as fh:
        wb = xlsxwriter.Workbook(
            fh, {"constant_memory": variant != "xw_shared", "in_memory": False}
        )
        ws = wb.add_worksheet("台账")
        text = wb.add_format({"font_name": "Calibri"}) if variant == "xw_formats" else None
        ws.write_row(0, 0, LEDGER_COLUMNS)
        for n, row in enumerate(rows, start=1):
            if variant == "xw_row":
                ws.write_row(n, 0, row)
                continue
            for c, value in enumerate(row):
                if isinstance(value, int | float):
                    ws.write_number(n, c, value, text)
                else:
                    ws.write_string(n, c, str(value), text)
        wb.close()
        return fh.tell(), n


def measure(url: str, variant: str) -> dict:
    out = subprocess.run(  # noqa: S603 — this very script, with its own arguments
        [sys.executable, __file__, "--child", url, variant],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])},
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3])
        return 0
    sizes = [int(a) for a in sys.argv[1:]] or [20_000, 100_000]
    # QINGFENG_BENCH_VARIANTS=rows,export re-measures the chosen writer beside the baseline.
    picked = os.environ.get("QINGFENG_BENCH_VARIANTS", "")
    chosen = [v for v in VARIANTS if v == "rows" or not picked or v in picked.split(",")]
    backend = "PostgreSQL" if os.environ.get("QINGFENG_BENCH_DATABASE_URL") else "SQLite"
    ok = True
    for rows in sizes:
        t0 = time.perf_counter()
        url = build(rows)
        print(f"[{backend}] {rows:,} clues (set-up {time.perf_counter() - t0:.0f} s)")
        figures = {v: measure(url, v) for v in chosen}
        base = figures["rows"]["seconds"]
        for v in chosen:
            f = figures[v]
            print(
                f"  {v:<10} {f['seconds']:7.2f} s (processor {f['cpu']:6.2f} s)  "
                f"×{f['seconds'] / base:5.2f} of rows  "
                f"peak growth {f['growth_mib']:6.1f} MiB  {f['bytes'] / 1e6:6.1f} MB"
            )
        if rows >= 100_000 and figures["export"]["seconds"] > GOAL_SECONDS:
            ok = False
            print(f"  goal missed: export over {GOAL_SECONDS:.0f} s")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
