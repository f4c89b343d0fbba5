"""TV screens on N servers × W workers behind a round-robin proxy: is a refresh quick, does the database notice?

    python bench/load.py [--walls 50] [--instances 2] [--workers 2] [--screens 4] [--seconds 60] [--database-url URL]

Starts `--instances` copies of `python -m obeya serve --workers W` on one demo
database (a fresh demo SQLite file, or `--database-url`, e.g. a PostgreSQL
database filled with `python -m obeya demo`), a private redis-server on a free
port (`OBEYA_CACHE_URL`) when there is more than one instance, and
tests/round_robin.py in front, on a copy of the shipped config with
`refresh_seconds: 10` (`--refresh`) so several refresh periods fit the run. `--instances 1`
without `--redis` is the single box: no Redis, no proxy.

Each simulated screen does what assets/wall.js does: every 2 s it asks
`/_obeya/version` for its size, and only when the answer changed (or every
30 s) it POSTs Dash's poll callback, keeping the answer's key as the browser
does. A screen belongs to one wall: with `--walls N` the servers serve N
walls from one `OBEYA_WALLS_DIR` (copies of the config, all on the one
database, each read for itself) at `/w/wall-01/` ...; without it, the single
wall at `/`.

With `--changes K` each wall has its own database (a copy of the demo file)
and ingest token, and K times a minute one wall, in turn, gets a survey
answer through `POST /w/<id>/api/v1/responses`, as a ticket system's webhook
sends it: that wall has new numbers to draw; the others read the same
numbers again each period and draw nothing new. Without it no number
changes during the run: the refreshes counted are the walls the day's first
drawing reaches.

Reports p50/p95 of the version requests and of the refreshes (the poll
callbacks that carried a redrawn wall), and database reads per refresh period
across every worker of every server (each logs its reads). Targets: p95 of a
refresh under 200 ms; one read per period per wall, whatever N × W.
"""

from __future__ import annotations

import argparse
import http.client
import json
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.round_robin import RoundRobinProxy  # noqa: E402
from tests.wall_server import SERVE, WallServer, demo_wall  # noqa: E402  (the one harness that starts a wall)
from obeya.processes import free_port, stop  # noqa: E402

VERSION_SECONDS = 2.0  # assets/wall.js VERSION_MS
FULL_POLL_SECONDS = 30.0  # assets/wall.js FULL_POLL_MS: the poll runs this often even when nothing changed
REFRESH_SECONDS = 10  # default of --refresh
READ_LOGGED = "reading the wall's numbers from the database"
SIZE = {"height": 1080, "width": 1920}


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


class Screen(threading.Thread):
    """One simulated TV on the wall at `prefix`: asks for the version every 2 s, runs the poll when it changed."""

    def __init__(self, port: int, prefix: str, until: float, start_delay: float, counted_from: float) -> None:
        super().__init__(daemon=True)
        self.port, self.prefix, self.until, self.start_delay = port, prefix, until, start_delay
        self.counted_from = counted_from  # samples before it (the cold start) are not counted
        self.versions: list[float] = []  # milliseconds per /_obeya/version answer
        self.refreshes: list[float] = []  # milliseconds per poll that carried a redrawn wall
        self.errors = 0
        self.last_error = b""

    def run(self) -> None:
        time.sleep(self.start_delay)  # screens are not switched on in the same millisecond
        seen, rendered, ticks, poll_at = None, None, 0, 0.0
        while time.monotonic() < self.until:
            started = time.perf_counter()
            status, payload = self._request("GET", f"/_obeya/version?width={SIZE['width']}&height={SIZE['height']}")
            if time.monotonic() >= self.counted_from:
                self.versions.append((time.perf_counter() - started) * 1000)
            if status != 200:
                self._error(payload)
            else:
                version = json.loads(payload)["version"]
                if version != seen or time.monotonic() >= poll_at:
                    seen, poll_at, ticks = version, time.monotonic() + FULL_POLL_SECONDS, ticks + 1
                    rendered = self._poll(rendered, ticks)
            time.sleep(max(VERSION_SECONDS - (time.perf_counter() - started), 0))

    def _poll(self, rendered: dict | None, ticks: int) -> dict | None:
        started = time.perf_counter()
        status, payload = self._request("POST", "/_dash-update-component", poll_body(rendered, ticks))
        took = (time.perf_counter() - started) * 1000
        if status == 200:
            try:
                answer = json.loads(payload)["response"]
            except (ValueError, KeyError):
                self._error(payload)
                return rendered
            if "rendered" in answer:  # Dash answers an unchanged wall with an empty response
                if rendered is not None and time.monotonic() >= self.counted_from:  # the first stands for opening
                    self.refreshes.append(took)
                return answer["rendered"]["data"]
        elif status != 204:
            self._error(payload)
        return rendered

    def _request(self, method: str, path: str, body: bytes | None = None) -> tuple[int, bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request(method, self.prefix + path, body=body, headers={"Content-Type": "application/json"})
            response = connection.getresponse()
            return response.status, response.read()
        except OSError as error:
            return 0, repr(error).encode()
        finally:
            connection.close()

    def _error(self, payload: bytes) -> None:
        self.errors += 1
        self.last_error = payload[:300]


class Webhook(threading.Thread):
    """A ticket system's automation: `per_minute` survey answers a minute, each to the next wall in turn."""

    def __init__(self, port: int, walls: list[str], tokens: dict[str, str], per_minute: float, until: float) -> None:
        super().__init__(daemon=True)
        self.port, self.walls, self.tokens, self.until = port, walls, tokens, until
        self.pause = 60 / per_minute
        self.sent = 0
        self.failures: list[bytes] = []

    def run(self) -> None:
        while time.monotonic() < self.until:
            prefix = self.walls[self.sent % len(self.walls)]
            now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
            row = {"response_id": f"LOAD-{self.sent}-{time.time_ns()}", "ticket_id": f"INC-LOAD-{self.sent}",
                   "service": "laptop", "responded_at": now, "score": self.sent % 11,
                   "comment": f"answer {self.sent} of the load bench"}
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            try:
                connection.request("POST", prefix + "/api/v1/responses", body=json.dumps([row]).encode(),
                                   headers={"Content-Type": "application/json",
                                            "Authorization": f"Bearer {self.tokens[prefix]}"})
                response = connection.getresponse()
                body = response.read()
                if response.status != 200:
                    self.failures.append(f"{response.status} {body[:200]!r}".encode())
            except OSError as error:
                self.failures.append(repr(error).encode())
            finally:
                connection.close()
            self.sent += 1
            time.sleep(self.pause)


def own_databases(work: Path, walls: list[str], demo_url: str, data_dirs: list[Path]) -> dict[str, str]:
    """Each wall on its own copy of the demo database, with an ingest token, in every server's data folder
    (each server's secrets.json of the wall, as `python -m obeya walls database|token` writes it); the tokens."""
    from obeya.walls import token_hash

    demo = Path(demo_url.removeprefix("sqlite:///"))
    tokens = {}
    for prefix in walls:
        wall_id = prefix.rpartition("/")[2]
        database = work / "databases" / f"{wall_id}.db"
        database.parent.mkdir(exist_ok=True)
        shutil.copyfile(demo, database)
        tokens[prefix] = f"ingest-{wall_id}-{time.time_ns()}"
        for data_dir in data_dirs:
            folder = data_dir / "walls" / wall_id
            folder.mkdir(parents=True, exist_ok=True)
            (folder / "secrets.json").write_text(json.dumps({"tokens": {"ingest": token_hash(tokens[prefix])},
                                                             "database_url": f"sqlite:///{database}"}))
    return tokens


class PrivateRedis:
    """redis-server on a free loopback port, no persistence, for this run only."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = subprocess.Popen(["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save",
                                         "", "--appendonly", "no"], stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.1)
        raise SystemExit(f"redis-server did not start on port {self.port}")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(int(round(share * (len(ordered) - 1))), len(ordered) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instances", type=int, default=2, help="servers behind the proxy (default 2)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per server (default 2)")
    parser.add_argument("--screens", type=int, default=4, help="screens per wall (default 4)")
    parser.add_argument("--walls", type=int, default=0, help="walls from one OBEYA_WALLS_DIR (default: the single "
                                                             "wall at /)")
    parser.add_argument("--seconds", type=int, default=60, help="how long the screens run, after --warm-up")
    parser.add_argument("--warm-up", type=int, default=0, help="seconds of the cold start (every wall drawn for the "
                        "first time) not counted (default 0)")
    parser.add_argument("--refresh", type=int, default=REFRESH_SECONDS, help="the walls' refresh_seconds "
                        f"(default {REFRESH_SECONDS}; each new read is a new wall to draw, once per wall)")
    parser.add_argument("--changes", type=float, default=0, help="survey answers a minute, each to the next wall "
                        "in turn, through the ingest API (default 0: no number changes; needs --walls)")
    parser.add_argument("--redis", action="store_true", help="share through Redis even with one instance")
    parser.add_argument("--database-url", help="the wall's database (default: a fresh demo SQLite file)")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="obeya-load-"))
    config_dir, database_url = demo_wall(work)
    database_url = args.database_url or database_url
    wall_yaml = config_dir / "wall.yaml"
    wall_yaml.write_text(re.sub(r"(?m)^refresh_seconds: \d+", f"refresh_seconds: {args.refresh}",
                                wall_yaml.read_text(encoding="utf-8")), encoding="utf-8")
    redis = PrivateRedis() if args.instances > 1 or args.redis else None
    env = {"OBEYA_CACHE_URL": redis.url} if redis else {}
    walls = [""]  # URL prefixes of the walls the screens show: "" is the single wall at /
    if args.walls:
        walls_dir = work / "walls"
        walls = [f"/w/wall-{number:02d}" for number in range(1, args.walls + 1)]
        for prefix in walls:
            shutil.copytree(config_dir, walls_dir / prefix.rpartition("/")[2])
        env["OBEYA_WALLS_DIR"] = str(walls_dir)  # every wall on OBEYA_DATABASE_URL, the one demo database
    elif args.changes:
        parser.error("--changes needs --walls")
    if args.changes and not database_url.startswith("sqlite:///"):
        parser.error("--changes copies the demo SQLite file for each wall: leave out --database-url")
    data_dirs = [work / f"data-{index}" for index in range(args.instances)]
    tokens = own_databases(work, walls, database_url, data_dirs) if args.changes else {}
    servers = [WallServer(config_dir, database_url, work / f"server-{index}.log",
                          command=SERVE[:-1] + (str(args.workers),),
                          env={**env, "OBEYA_DATA_DIR": str(data_dir)}) for index, data_dir in enumerate(data_dirs)]
    webhook = None
    proxy = None
    try:
        for server in servers:
            server.start()
        proxy = RoundRobinProxy([server.port for server in servers]) if len(servers) > 1 else None
        port = proxy.port if proxy else servers[0].port
        started = time.monotonic()
        counted_from = started + args.warm_up
        until = counted_from + args.seconds
        count = args.screens * len(walls)
        screens = [Screen(port, walls[index % len(walls)], until, start_delay=VERSION_SECONDS * index / count,
                          counted_from=counted_from) for index in range(count)]
        for screen in screens:
            screen.start()
        time.sleep(max(counted_from - time.monotonic(), 0))
        if args.changes:
            webhook = Webhook(port, walls, tokens, args.changes, until)
            webhook.start()
        reads_before = sum(server.output().count(READ_LOGGED) for server in servers)
        cpu_before = cpu_seconds(servers, redis)
        for screen in screens:
            screen.join()
        elapsed = time.monotonic() - counted_from
        reads = sum(server.output().count(READ_LOGGED) for server in servers) - reads_before
        cpu = {name: seconds - cpu_before[name] for name, seconds in cpu_seconds(servers, redis).items()}
        memory = [resident_mib(server.process.pid) for server in servers]
    finally:
        if proxy:
            proxy.close()
        for server in servers:
            server.stop()
        if redis:
            stop(redis.process)
        shutil.rmtree(work, ignore_errors=True)

    versions = [took for screen in screens for took in screen.versions]
    refreshes = [took for screen in screens for took in screen.refreshes]
    periods = elapsed / args.refresh
    print(f"machine: {platform.platform()}, {psutil.cpu_count()} cores, "
          f"{psutil.virtual_memory().total / 2**30:.0f} GiB, Python {platform.python_version()}")
    print(f"{args.instances} servers x {args.workers} workers{' behind the round-robin proxy' if proxy else ''}"
          f"{', Redis' if redis else ''}; {len(walls)} wall(s) x {args.screens} screens for {elapsed:.0f} s "
          f"after {args.warm_up} s of warm-up "
          f"(refresh_seconds {args.refresh}, database {database_url.partition(':')[0]}"
          f"{', one per wall' if args.changes else ''})")
    print(f"  version requests: {len(versions)}, p50 {statistics.median(versions):.1f} ms, "
          f"p95 {percentile(versions, 0.95):.1f} ms; errors {sum(screen.errors for screen in screens)}")
    failed = [screen.last_error for screen in screens if screen.last_error]
    if failed:
        print(f"  an error answer: {failed[0]!r}")
    if webhook:
        print(f"  survey answers through the ingest API: {webhook.sent} ({args.changes:g} a minute), "
              f"failed {len(webhook.failures)}{': ' + repr(webhook.failures[0]) if webhook.failures else ''}")
    if refreshes:
        print(f"  refreshes (a redrawn wall): {len(refreshes)}, p50 {statistics.median(refreshes):.1f} ms, "
              f"p95 {percentile(refreshes, 0.95):.1f} ms (target p95 < 200 ms)")
    print(f"  database reads: {reads} in {periods:.1f} refresh periods = {reads / periods / len(walls):.2f} per "
          f"period per wall (target: 1)")
    print(f"  CPU while counted: servers {cpu['servers'] / elapsed:.0%}, the screens and the proxy (this process) "
          f"{cpu['bench'] / elapsed:.0%}, Redis {cpu['redis'] / elapsed:.0%} of one core ({psutil.cpu_count()} here)")
    print(f"  memory at the end: {', '.join(f'{mib:.0f}' for mib in memory)} MiB per server (its workers included)")


def cpu_seconds(servers: list, redis: PrivateRedis | None) -> dict[str, float]:
    """CPU seconds used so far by the servers (their workers included), this process and Redis."""
    def used(process: psutil.Process, children: bool) -> float:
        times = process.cpu_times()
        own = times.user + times.system
        return own + (sum(used(child, False) for child in process.children(recursive=True)) if children else 0)
    return {"servers": sum(used(psutil.Process(server.process.pid), True) for server in servers),
            "bench": used(psutil.Process(), False),
            "redis": used(psutil.Process(redis.process.pid), False) if redis else 0.0}


def resident_mib(pid: int) -> float:
    """Resident memory of a server and its workers."""
    process = psutil.Process(pid)
    return sum(each.memory_info().rss for each in [process, *process.children(recursive=True)]) / 2**20


if __name__ == "__main__":
    main()
