"""Chaos on the data path: do the roll-ups always equal the raw rows, and does a cold wall draw?

    python bench/chaos.py [--kills 8] [--pairs 4] [--seconds 600] [--rows 30000] [--only sqlite,postgresql,mariadb]

Three kinds of trial, each bounded in count and in time, loopback only; the
databases are fresh and dropped afterwards:

(a) kill: `python -m obeya import` of a file of --rows new responses, killed
    (SIGKILL) after a random delay up to a little longer than an import takes;
    afterwards the database holds none or all of that file's rows, and the
    roll-ups equal a direct count of the raw rows.
(b) concurrent: two imports of overlapping files started at once; both exit 0,
    every row is there once, the imported counts add up, the roll-ups match.
(c) cold start: `python app.py` on a free port and a fresh SQLite demo
    database, and at once a dozen threads asking for the layout
    (GET /_dash-layout) and the poll callback at different screen sizes; a
    trial holds when no answer fails or says "This panel could not be drawn".

Prints progress and, per kind of trial, "N of M held". Exit 1 when (a) or (b)
did not hold every time.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import select  # noqa: E402

from obeya.database import make_engine, survey_responses
from obeya.rollups import check_rollups  # noqa: E402
from tests.db_servers import KINDS, fresh_database  # noqa: E402
from tests.wall_server import WallServer  # noqa: E402  (the one harness that starts a wall)

CONFIG = ROOT / "tests" / "fixtures" / "config"
NOT_DRAWN = "This panel could not be drawn"
SCREENS = ((1920, 1080), (3840, 2160), (2560, 1440), (1280, 720))


def survey_file(path: Path, first_id: int, rows: int, seed: int) -> Path:
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as file:
        file.write("response_id,ticket_id,service,responded_at,score,comment\n")
        for i in range(first_id, first_id + rows):
            moment = datetime(2026, 1, 1) + timedelta(days=rng.randrange(120), minutes=rng.randrange(1440))
            service = rng.choice(("analysers", "lims"))
            file.write(f"R-{i},T-{i},{service},{moment:%Y-%m-%dT%H:%M}Z,{rng.randrange(11)},\n")
    return path


def importer(file: Path, url: str) -> subprocess.Popen:
    environment = {key: value for key, value in os.environ.items() if not key.startswith("OBEYA_")}
    environment.update(OBEYA_DATABASE_URL=url, OBEYA_CONFIG_DIR=str(CONFIG), PYTHONPATH=str(ROOT))
    return subprocess.Popen([sys.executable, "-m", "obeya", "import", "responses", str(file)], cwd=ROOT,
                            env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def state(engine) -> tuple[set[str], list]:
    with engine.connect() as connection:
        return set(connection.scalars(select(survey_responses.c.response_id))), check_rollups(connection).mismatches


def kill_trials(kind: str, url: str, folder: Path, trials: int, rows: int, deadline: float) -> tuple[int, int]:
    engine = make_engine(url)
    started = time.monotonic()
    base = importer(survey_file(folder / "base.csv", 0, rows, seed=0), url)
    base.communicate()
    duration = time.monotonic() - started  # how long an import of this size takes here
    held = done = 0
    for trial in range(trials):
        if time.monotonic() > deadline:
            break
        first_id = (trial + 1) * 1_000_000
        file = survey_file(folder / f"kill-{trial}.csv", first_id, rows, seed=trial + 1)
        before, _ = state(engine)
        delay = random.uniform(0.3, duration * 1.2)  # from Python's start-up to just after the commit
        process = importer(file, url)
        time.sleep(delay)  # a random point in the import is the point of this trial
        process.send_signal(signal.SIGKILL)
        process.communicate()
        after, mismatches = state(engine)
        new = {f"R-{i}" for i in range(first_id, first_id + rows)}
        whole = after in (before, before | new)
        done += 1
        held += whole and not mismatches
        print(f"  (a) {kind} trial {trial + 1}: killed after {delay:.2f} s, "
              f"{'all' if after == before | new else 'none' if after == before else 'SOME'} of the rows, "
              f"{len(mismatches)} roll-up mismatches", flush=True)
    engine.dispose()
    return held, done


def concurrent_trials(kind: str, url: str, folder: Path, trials: int, rows: int, deadline: float) -> tuple[int, int]:
    engine = make_engine(url)
    held = done = 0
    for trial in range(trials):
        if time.monotonic() > deadline:
            break
        start = 10_000_000 + trial * rows * 2
        overlap = random.randrange(rows)
        files = [survey_file(folder / f"pair-{trial}-a.csv", start, rows, seed=trial),
                 survey_file(folder / f"pair-{trial}-b.csv", start + overlap, rows, seed=trial)]
        before, _ = state(engine)
        imports = [importer(file, url) for file in files]
        outputs = [process.communicate()[0] for process in imports]
        after, mismatches = state(engine)
        wanted = {f"R-{i}" for i in range(start, start + overlap + rows)}
        counted = sum(_imported(output) for output in outputs)
        ok = ([process.returncode for process in imports] == [0, 0] and after == before | wanted
              and counted == len(wanted) and not mismatches)
        done += 1
        held += ok
        print(f"  (b) {kind} trial {trial + 1}: exits {[process.returncode for process in imports]}, "
              f"{counted:,} imported of {len(wanted):,}, {len(mismatches)} roll-up mismatches", flush=True)
        if not ok:
            print("      " + "\n      ".join(output.strip().splitlines()[-1] for output in outputs if output.strip()))
    engine.dispose()
    return held, done


def _imported(output: str) -> int:
    summary = [line for line in output.splitlines() if " rows read: " in line]
    return int(summary[-1].split(": ")[2].split()[0].replace(",", "")) if summary else 0


# --- (c) cold start under load -----------------------------------------------------------------------


def poll_body(width: int, height: int) -> bytes:
    """The request Dash sends for the wall's poll callback (as bench/load.py sends it)."""
    return json.dumps({
        "output": "..wall-body.children...wall.className...rendered.data..",
        "outputs": [{"id": "wall-body", "property": "children"}, {"id": "wall", "property": "className"},
                    {"id": "rendered", "property": "data"}],
        "inputs": [{"id": "poll", "property": "n_intervals", "value": 0},
                   {"id": "viewport", "property": "data", "value": {"height": height, "width": width}}],
        "state": [{"id": "rendered", "property": "data", "value": None}],
        "changedPropIds": ["poll.n_intervals"],
    }).encode()


def cold_start_trial(folder: Path, trial: int) -> bool:
    url = f"sqlite:///{folder / f'cold-{trial}.db'}"
    environment = {key: value for key, value in os.environ.items() if not key.startswith("OBEYA_")}
    environment.update(OBEYA_DATABASE_URL=url, PYTHONPATH=str(ROOT))
    subprocess.run([sys.executable, "-m", "obeya", "demo"], cwd=ROOT, env=environment, check=True,
                   stdout=subprocess.DEVNULL)
    # started, not waited for: the point is to ask the moment it listens
    server = WallServer(ROOT / "config", url, folder / f"cold-{trial}.log").start(until="started")
    port = server.port
    answers: list[str] = []

    def ask(number: int) -> None:
        width, height = SCREENS[number % len(SCREENS)]
        give_up = time.monotonic() + 60
        while time.monotonic() < give_up:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                if number % 2:
                    connection.request("GET", "/_dash-layout")
                else:
                    connection.request("POST", "/_dash-update-component", body=poll_body(width, height),
                                       headers={"Content-Type": "application/json"})
                response = connection.getresponse()
                body = response.read().decode("utf-8", "replace")
                answers.append("ok" if response.status == 200 and NOT_DRAWN not in body
                               else f"{response.status}{' not drawn' if NOT_DRAWN in body else ''}")
                return
            except OSError:
                time.sleep(0.05)  # not listening yet: the point is to ask the moment it is
        answers.append("no answer")

    threads = [threading.Thread(target=ask, args=(number,)) for number in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    server.stop()
    bad = [answer for answer in answers if answer != "ok"]
    print(f"  (c) trial {trial + 1}: {len(answers) - len(bad)} of {len(answers)} answers drawn"
          + (f"; others: {', '.join(sorted(set(bad)))}" if bad else ""), flush=True)
    return not bad


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kills", type=int, default=8, help="kill trials per database (default 8)")
    parser.add_argument("--pairs", type=int, default=4, help="concurrent-import trials per database (default 4)")
    parser.add_argument("--colds", type=int, default=3, help="cold-start trials (default 3)")
    parser.add_argument("--rows", type=int, default=30_000, help="rows per imported file (default 30,000)")
    parser.add_argument("--seconds", type=float, default=600, help="stop starting new trials after this long")
    parser.add_argument("--only", default=",".join(KINDS), help="databases, comma-separated")
    arguments = parser.parse_args()
    deadline = time.monotonic() + arguments.seconds
    totals = {"(a) kill during import": [0, 0], "(b) concurrent imports": [0, 0], "(c) cold start under load": [0, 0]}

    with tempfile.TemporaryDirectory(prefix="obeya-chaos-") as temporary:
        folder = Path(temporary)
        for kind in arguments.only.split(","):
            try:
                with fresh_database(kind, folder / kind) as url:
                    (folder / kind).mkdir(exist_ok=True)
                    print(f"{kind}: kill trials", flush=True)
                    held, done = kill_trials(kind, url, folder / kind, arguments.kills, arguments.rows, deadline)
                    totals["(a) kill during import"][0] += held
                    totals["(a) kill during import"][1] += done
                    print(f"{kind}: concurrent-import trials", flush=True)
                    held, done = concurrent_trials(kind, url, folder / kind, arguments.pairs,
                                                   max(arguments.rows // 10, 100), deadline)
                    totals["(b) concurrent imports"][0] += held
                    totals["(b) concurrent imports"][1] += done
            except BaseException as error:  # db_servers skips (or under CI fails) a server that is down
                if type(error).__name__ not in ("Skipped", "Failed"):
                    raise
                print(f"{kind}: skipped: {str(error).splitlines()[0]}")
        print("cold-start trials", flush=True)
        for trial in range(arguments.colds):
            if time.monotonic() > deadline:
                break
            totals["(c) cold start under load"][0] += cold_start_trial(folder, trial)
            totals["(c) cold start under load"][1] += 1

    for kind, (held, done) in totals.items():
        print(f"{kind}: {held} of {done} held")
    return 0 if all(held == done for kind, (held, done) in totals.items() if not kind.startswith("(c)")) else 1


if __name__ == "__main__":
    sys.exit(main())
