"""Fifty TVs on one small box: is the data refresh quick, and does the database notice?

    python bench/load.py [--walls 50] [--workers 2] [--seconds 60]

Starts `python -m obeya serve --workers N` on a copy of the shipped config and
a demo database, with `refresh_seconds: 10` so several refresh periods fit the
run. Then --walls simulated walls each do what a browser on the wall does:
every 2 seconds POST the poll callback (the request that answers "did config
or data change?" and, when it did, carries the whole redrawn wall), keeping
the answer's version as the browser keeps it. Loopback only; bounded in time.

Reports the median and 95th percentile of all refresh requests and of those
that carried a redrawn wall, and the database reads the server made per
refresh period (it logs each read). Targets (issue 6): p95 under 200 ms; no
more database reads than a single wall would cause (one per period).
"""

from __future__ import annotations

import argparse
import http.client
import json
import platform
import re
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.wall_server import SERVE, WallServer, demo_wall  # noqa: E402  (the one harness that starts a wall)
POLL_SECONDS = 2.0
REFRESH_SECONDS = 10


def poll_body(rendered: dict | None, ticks: int) -> bytes:
    """The request Dash sends for the wall's poll callback."""
    return json.dumps({
        "output": "..wall-body.children...wall.className...rendered.data..",
        "outputs": [{"id": "wall-body", "property": "children"}, {"id": "wall", "property": "className"},
                    {"id": "rendered", "property": "data"}],
        "inputs": [{"id": "poll", "property": "n_intervals", "value": ticks},
                   {"id": "viewport", "property": "data", "value": {"height": 1080, "width": 1920}}],
        "state": [{"id": "rendered", "property": "data", "value": rendered}],
        "changedPropIds": ["poll.n_intervals"],
    }).encode()


class Wall(threading.Thread):
    """One simulated screen: polls like wall.js and Dash do, records how long each answer took."""

    def __init__(self, port: int, until: float, start_delay: float) -> None:
        super().__init__(daemon=True)
        self.port, self.until, self.start_delay = port, until, start_delay
        self.timings: list[tuple[float, bool]] = []  # (milliseconds, carried a redrawn wall)
        self.errors = 0
        self.last_error = b""

    def run(self) -> None:
        time.sleep(self.start_delay)  # screens are not switched on in the same millisecond
        rendered, ticks = None, 0
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        while time.monotonic() < self.until:
            ticks += 1
            started = time.perf_counter()
            try:
                try:
                    response, payload = _post(connection, poll_body(rendered, ticks))
                except (ConnectionError, http.client.RemoteDisconnected):
                    # The server closed the idle connection as the request went out: a browser retries once.
                    connection.close()
                    connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                    response, payload = _post(connection, poll_body(rendered, ticks))
            except OSError as error:
                self.errors += 1
                self.last_error = repr(error).encode()
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                time.sleep(POLL_SECONDS)
                continue
            took = (time.perf_counter() - started) * 1000
            redrawn = response.status == 200
            if redrawn:
                try:
                    answer = json.loads(payload)["response"]
                except (ValueError, KeyError):
                    self.errors += 1
                    self.last_error = payload[:300]
                    answer = {}
                redrawn = "rendered" in answer  # Dash answers an unchanged wall with an empty response
                if redrawn:
                    rendered = answer["rendered"]["data"]
            elif response.status != 204:
                self.errors += 1
                self.last_error = payload[:300]
            self.timings.append((took, redrawn))
            time.sleep(max(POLL_SECONDS - took / 1000, 0))


def _post(connection: http.client.HTTPConnection, body: bytes) -> tuple:
    connection.request("POST", "/_dash-update-component", body=body, headers={"Content-Type": "application/json"})
    response = connection.getresponse()
    return response, response.read()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(int(round(share * (len(ordered) - 1))), len(ordered) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--walls", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seconds", type=int, default=60)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="obeya-load-"))
    config_dir, database_url = demo_wall(work)
    wall_yaml = config_dir / "wall.yaml"
    wall_yaml.write_text(re.sub(r"(?m)^refresh_seconds: \d+", f"refresh_seconds: {REFRESH_SECONDS}",
                                wall_yaml.read_text(encoding="utf-8")), encoding="utf-8")
    log_path = work / "server.log"
    server = WallServer(config_dir, database_url, log_path, command=SERVE[:-1] + (str(args.workers),))
    server.start()
    port = server.port
    try:
        reads_before = log_path.read_text().count("reading the wall's numbers from the database")
        started = time.monotonic()
        until = started + args.seconds
        walls = [Wall(port, until, start_delay=POLL_SECONDS * i / args.walls) for i in range(args.walls)]
        for wall in walls:
            wall.start()
        for wall in walls:
            wall.join()
        elapsed = time.monotonic() - started
        reads = log_path.read_text().count("reading the wall's numbers from the database") - reads_before
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)

    all_ms = [took for wall in walls for took, _ in wall.timings]
    redrawn_ms = [took for wall in walls for took, redrawn in wall.timings if redrawn]
    periods = elapsed / REFRESH_SECONDS
    print(f"machine: {platform.platform()}, {psutil.cpu_count()} cores, "
          f"{psutil.virtual_memory().total / 2**30:.0f} GiB, Python {platform.python_version()}")
    print(f"{args.walls} walls polling every {POLL_SECONDS:g} s for {elapsed:.0f} s against serve with "
          f"{args.workers} workers (refresh_seconds {REFRESH_SECONDS})")
    print(f"  all refresh requests: {len(all_ms)}, median {statistics.median(all_ms):.1f} ms, "
          f"p95 {percentile(all_ms, 0.95):.1f} ms (target p95 < 200 ms); errors {sum(w.errors for w in walls)}")
    failed = [wall.last_error for wall in walls if wall.last_error]
    if failed:
        print(f"  an error answer: {failed[0]!r}")
    if redrawn_ms:
        print(f"  requests carrying a redrawn wall: {len(redrawn_ms)}, median {statistics.median(redrawn_ms):.1f} ms, "
              f"p95 {percentile(redrawn_ms, 0.95):.1f} ms")
    print(f"  database reads: {reads} in {periods:.1f} refresh periods = {reads / periods:.2f} per period "
          f"(a single wall: 1 per period)")


if __name__ == "__main__":
    main()
