"""How fast does a big survey export import? (target: 1M rows in < 20 s, peak memory < 300 MB)

    python bench/import.py [--rows 1000000] [--url DATABASE_URL] [--keep DIR] [--once]

Writes a ServiceNow-like export (UTF-8 with BOM, CRLF, every value quoted,
32-hex sys_ids, a comment on every third row, some with commas, quotes and
line breaks, timestamps over 18 months) into a temp folder, then runs

    python -m obeya import responses FILE.csv

as a subprocess with OBEYA_DATABASE_URL set (default: a fresh SQLite file in
the temp folder) and reports its wall time and peak resident memory (the
child's own ru_maxrss from wait4, cross-checked by polling psutil) and CPU
time, with the load average: on a shared machine the wall time depends on
what else runs. Unless --once, it then imports the same file again, which
must add nothing.

Then the first wall refresh (`obeya.snapshot.load_wall_data` with the shipped
config, once) after that import and after a --small-row import into a fresh
database: the importer counts the roll-ups in the wall's zone, so the wall
never has to re-count and both refreshes take about as long (target: within 1.3x).
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import random
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path

import psutil

REPO_ROOT = Path(__file__).resolve().parent.parent
SERVICES = ("laptop", "access", "software", "network", "onboarding", "meeting-rooms")
COMMENTS = (
    "Quick and friendly, thanks!",
    "Took three days, and nobody told me why.",
    'The agent said "try turning it off and on", which did not help',
    "Great service.\r\nMy laptop works again.",
    "Prima geholpen, dank je wel; über zufrieden",
    "Had to explain the problem twice",
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--url", help="import into this (empty) database instead of a fresh SQLite file")
    parser.add_argument("--keep", type=Path, help="write the CSV and database here and keep them")
    parser.add_argument("--once", action="store_true", help="skip the second import of the same file")
    parser.add_argument("--small", type=int, default=3000, help="rows of the small import (default 3000)")
    arguments = parser.parse_args()

    print(machine())
    with tempfile.TemporaryDirectory(prefix="obeya-bench-import-") as temporary:
        folder = arguments.keep or Path(temporary)
        folder.mkdir(parents=True, exist_ok=True)
        export = folder / "survey-export.csv"
        started = time.perf_counter()
        write_export(export, arguments.rows)
        print(f"export: {arguments.rows:,} rows, {export.stat().st_size / 1e6:,.1f} MB "
              f"(written in {time.perf_counter() - started:.1f} s)")
        url = arguments.url or f"sqlite:///{folder / 'bench.db'}"
        runs = ("first import", "same file again") if not arguments.once else ("first import",)
        failed = False
        for label in runs:
            load = os.getloadavg()[0]
            seconds, cpu, peak_rss, polled_rss, returncode, output = run_import(export, url)
            print(f"{label}: {seconds:.1f} s wall, {cpu:.1f} s CPU, peak RSS {peak_rss / 1e6:.0f} MB "
                  f"(polled {polled_rss / 1e6:.0f} MB), exit {returncode}; load average before {load:.1f}")
            print("  " + (output.strip().splitlines() or ["(no output)"])[-1])
            failed = failed or returncode != 0
        if url.startswith("sqlite:///"):
            with sqlite3.connect(url.removeprefix("sqlite:///")) as connection:
                stored = connection.execute("SELECT count(*) FROM survey_responses").fetchone()[0]
                days = connection.execute("SELECT count(*), sum(responses) FROM nps_daily").fetchone()
            print(f"database: {stored:,} survey responses; nps_daily: {days[0]:,} rows counting {days[1]:,} responses")
        big_refresh = first_refresh(url)
        small_export, small_url = folder / "small-export.csv", f"sqlite:///{folder / 'small.db'}"
        write_export(small_export, arguments.small)
        failed = failed or run_import(small_export, small_url)[4] != 0
        small_refresh = first_refresh(small_url)
        print(f"first wall refresh: {big_refresh * 1000:.0f} ms after the {arguments.rows:,}-row import, "
              f"{small_refresh * 1000:.0f} ms after a {arguments.small:,}-row import "
              f"({big_refresh / small_refresh:.2f}x; target within 1.3x)")
    return 1 if failed else 0


def first_refresh(url: str) -> float:
    """Seconds of the wall's first refresh (every number on every panel) of the database at `url`."""
    sys.path.insert(0, str(REPO_ROOT))
    from obeya.config import load_config
    from obeya.database import make_engine
    from obeya.snapshot import load_wall_data

    engine = make_engine(url)
    started = time.perf_counter()
    load_wall_data(engine, load_config(REPO_ROOT / "config"))
    seconds = time.perf_counter() - started
    engine.dispose()
    return seconds


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = psutil.virtual_memory().total / 2**30
    return (
        f"machine: {cpu}, {os.cpu_count()} CPUs, {memory:.0f} GiB RAM, {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}"
    )


def write_export(path: Path, rows: int) -> None:
    """A ServiceNow-like asmt_metric_result export, oldest first."""
    rng = random.Random(3)
    start = datetime(2024, 6, 1)
    span = timedelta(days=548).total_seconds()
    with path.open("w", encoding="utf-8-sig", newline="") as file:
        writer = csv.writer(file, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
        writer.writerow(["sys_id", "number", "service_offering", "metric", "sys_created_on", "actual_value",
                         "string_value"])
        for i in range(rows):
            moment = start + timedelta(seconds=span * i / rows)
            score = rng.choices(range(11), weights=(2, 1, 1, 2, 2, 3, 5, 9, 14, 25, 36))[0]
            writer.writerow([
                f"{rng.getrandbits(128):032x}",
                f"INC{i + 1:07d}",
                SERVICES[i % len(SERVICES)],
                "How likely are you to recommend us?",
                f"{moment:%Y-%m-%d %H:%M:%S}",
                score,
                COMMENTS[i % len(COMMENTS)] if i % 3 == 0 else "",
            ])


def run_import(export: Path, url: str) -> tuple[float, float, int, int, int, str]:
    """(wall seconds, CPU seconds, peak RSS from wait4, peak RSS polled, exit code, stdout) of one import."""
    environment = dict(os.environ, OBEYA_DATABASE_URL=url)
    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-m", "obeya", "import", "responses", str(export)],
        cwd=REPO_ROOT, env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    polled = 0
    output: list[str] = []
    reader = threading.Thread(target=lambda: output.append(child.stdout.read()), daemon=True)
    reader.start()
    process = psutil.Process(child.pid)
    while True:
        try:
            polled = max(polled, process.memory_info().rss)
        except psutil.Error:
            break
        if process.status() == psutil.STATUS_ZOMBIE:
            break
        time.sleep(0.02)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    reader.join()
    cpu = usage.ru_utime + usage.ru_stime
    return seconds, cpu, usage.ru_maxrss * 1024, polled, child.returncode, "".join(output)


if __name__ == "__main__":
    sys.exit(main())
