"""One wall beyond one host (issue 15): two `obeya serve` behind a round-robin proxy, one PostgreSQL, one Redis.

Two real servers (two workers each) read the same PostgreSQL database and
share a private Redis this module starts on a free port (so it can kill it:
never the machine's own Redis on 6379); tests/round_robin.py sends each
request to the next server, as a load balancer would. A real Chromium screen
watches the wall through the proxy.
"""

from __future__ import annotations

import json
import socket
import subprocess
import time
import urllib.error
import urllib.request
from types import SimpleNamespace

import pytest
from playwright.sync_api import Page, expect

from obeya.config import load_config
from obeya.processes import free_port, stop
from tests.db_servers import fresh_database
from tests.round_robin import RoundRobinProxy
from tests.wall_server import SERVE
from wall_driver import TEST_CONFIG_DIR, Wall, WallServer, fill_test_database, new_page, quick_config

REFRESH_SECONDS = 10  # the smallest wall.yaml allows: a few periods fit in a test
READ_LOGGED = "reading the wall's numbers from the database"  # obeya/live.py logs it before every read
REDIS_LOST = "is unreachable"  # obeya/cache.py, once per process when Redis goes away
REDIS_BACK = "answers again"
REMOTE_TOKEN = "remote-hosts-5d1e"
INGEST_TOKEN = "ingest-hosts-77a0"
LONG = 600  # ?rotate= when rotation must not interfere


def wait_until(condition, timeout: float, what: str, poll: float = 0.2):
    """Wait for `condition()` to be true (returns it), or fail saying `what` did not happen."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := condition():
            return result
        time.sleep(poll)
    pytest.fail(f"within {timeout:g} s: {what}")


class PrivateRedis:
    """A redis-server of this test's own on a free port, without persistence: kill it and start it again."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> PrivateRedis:
        self.process = subprocess.Popen(["redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
                                         "--save", "", "--appendonly", "no", "--daemonize", "no"],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_until(self._answers, 10, f"redis-server on port {self.port} answered PING")
        return self

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as connection:
                connection.sendall(b"PING\r\n")
                return connection.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def kill(self) -> None:
        self.process.kill()
        self.process.wait()


class Hosts:
    """The two servers, the proxy in front and what their logs say."""

    def __init__(self, servers: list[WallServer], proxy: RoundRobinProxy, redis: PrivateRedis) -> None:
        self.servers, self.proxy, self.redis = servers, proxy, redis
        self.front = SimpleNamespace(url=proxy.url)  # what a screen opens: the load balancer

    def logs(self) -> list[str]:
        return [server.output() for server in self.servers]

    def reads(self) -> int:
        """Database reads so far, by every worker of every server."""
        return sum(log.count(READ_LOGGED) for log in self.logs())

    def reads_after(self, line: str) -> list[int]:
        """Per server: the reads it logged after it first logged `line` (0 when it never did)."""
        return [log.partition(line)[2].count(READ_LOGGED) for log in self.logs()]

    def all_logged(self, line: str) -> bool:
        return all(line in log for log in self.logs())


@pytest.fixture(scope="module")
def hosts(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hosts")
    config_dir = quick_config(folder / "config")
    wall_yaml = config_dir / "wall.yaml"
    wall_yaml.write_text(wall_yaml.read_text(encoding="utf-8") + f"\nrefresh_seconds: {REFRESH_SECONDS}\n",
                         encoding="utf-8")
    redis = PrivateRedis().start()
    with fresh_database("postgresql", folder) as database_url:
        fill_test_database(database_url, load_config(TEST_CONFIG_DIR).wall.timezone)
        env = {"OBEYA_CACHE_URL": redis.url, "OBEYA_REMOTE_TOKEN": REMOTE_TOKEN, "OBEYA_INGEST_TOKEN": INGEST_TOKEN}
        servers = [WallServer(config_dir, database_url, folder / f"server-{name}.log", command=SERVE,
                              env={**env, "OBEYA_DATA_DIR": str(folder / f"data-{name}")}) for name in "ab"]
        for server in servers:
            server.start()
        proxy = RoundRobinProxy([server.port for server in servers])
        try:
            yield Hosts(servers, proxy, redis)
        finally:
            proxy.close()
            for server in servers:
                print(f"--- {server.log_path.name} ---\n{server.stop()}")
            stop(redis.process)


@pytest.fixture(scope="module")
def screen(browser, hosts):
    """A TV opened through the load balancer, with a marker on its window (gone if the page ever reloads)
    and the versions it was told, in order."""
    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    context.set_default_timeout(10_000)
    page = new_page(context)
    page.versions = []
    page.on("response", lambda response: page.versions.append(response.json()["version"])
            if "/_obeya/version" in response.url and response.ok else None)
    wall = Wall(page, hosts.front).open()
    page.evaluate("() => { window.__marker = 1; }")
    yield wall
    errors = page.browser_errors.messages
    context.close()
    assert not errors, "the browser logged errors:\n" + "\n".join(errors)


def get_json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.loads(response.read())


def post(url: str, body: bytes, headers: dict) -> int:
    request = urllib.request.Request(url, data=body, method="POST", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def came_back(versions: list[str]) -> bool:
    """Whether a version the screen had left was told to it again: two servers disagreeing (a flicker)."""
    left: set[str] = set()
    for before, after in zip(versions, versions[1:]):
        if after != before:
            if after in left:
                return True
            left.add(before)
    return False


def assert_still_the_same_page(wall: Wall, hosts: Hosts) -> None:
    page: Page = wall.page
    assert page.evaluate("() => window.__marker === 1"), "the screen reloaded its page"
    assert sum(hosts.proxy.requests("/_dash-layout")) == 1, "the screen asked for the wall's layout again"
    expect(page.locator(".stale-badge")).to_have_count(0)
    assert "_dash-global-error-container" not in page.content()


def test_every_server_running_the_same_code_gives_the_same_boot_id_and_version(hosts):
    first, second = (server.url for server in hosts.servers)
    boots = {get_json(url + "/_obeya/health")["boot"] for url in (first, second) * 4}
    assert len(boots) == 1, "a screen moving between servers would reload"
    size = "/_obeya/version?width=1920&height=1080"
    wait_until(lambda: get_json(first + size) == get_json(second + size), 15, "both servers drew the same version")


def test_four_workers_on_two_servers_read_once_per_period_and_the_screen_never_reloads(hosts, screen):
    before, started = hosts.reads(), time.monotonic()
    wait_until(lambda: hosts.reads() >= before + 3, 6 * REFRESH_SECONDS, "three more refresh periods passed")
    periods = (time.monotonic() - started) / REFRESH_SECONDS
    reads = hosts.reads() - before
    assert reads <= periods + 1.5, f"{reads} database reads in {periods:.1f} refresh periods:\n{hosts.logs()}"
    served = hosts.proxy.requests("/_obeya/version")
    assert all(count > 0 for count in served), f"the screen's requests did not reach both servers: {served}"
    assert_still_the_same_page(screen, hosts)
    assert not came_back(screen.page.versions), f"the screen was told versions back and forth: {screen.page.versions}"


def test_without_redis_each_server_reads_for_itself_and_the_screen_notices_nothing(hosts, screen):
    hosts.redis.kill()
    wait_until(lambda: hosts.all_logged(REDIS_LOST), 3 * REFRESH_SECONDS, "both servers said Redis is away")
    wait_until(lambda: all(hosts.reads_after(REDIS_LOST)), 3 * REFRESH_SECONDS, "each server read for itself")
    for log in hosts.logs():  # once per process, not at every request
        assert log.count(REDIS_LOST) <= 2, log  # two workers a server
    assert_still_the_same_page(screen, hosts)
    expect(screen.page.locator("#wall-panels [data-panel=nps]")).to_contain_text("NPS")

    hosts.redis.start()
    wait_until(lambda: hosts.all_logged(REDIS_BACK), 3 * REFRESH_SECONDS, "both servers said Redis is back")
    before, started = hosts.reads(), time.monotonic()
    wait_until(lambda: hosts.reads() >= before + 3, 6 * REFRESH_SECONDS, "three more refresh periods passed")
    periods = (time.monotonic() - started) / REFRESH_SECONDS
    reads = hosts.reads() - before
    assert reads <= periods + 1.5, f"sharing did not resume: {reads} reads in {periods:.1f} periods"
    assert_still_the_same_page(screen, hosts)


def test_a_remote_command_given_on_one_server_reaches_a_tv_streaming_from_the_other(browser, hosts):
    first, second = hosts.servers
    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    try:
        tv = Wall(new_page(context), second).open(rotate=LONG)
        tv.page.wait_for_function("() => window.obeyaWall.shared() !== null")
        shown = tv.active_panel()
        first.send_command(command="next")
        tv.page.wait_for_function(f"() => document.getElementById('wall').dataset.activePanel !== '{shown}'",
                                  timeout=1000)  # DESIGN.md: a command reaches every screen within one second
        first.send_command(command="goto:voices")
        tv.wait_for_panel("voices", timeout=1000)
        assert tv.browser_errors() == []
    finally:
        context.close()


def test_a_pairing_code_pairs_one_phone_whichever_server_it_reaches(hosts):
    first, second = hosts.servers
    request = urllib.request.Request(first.url + "/_obeya/pairing", data=b"{}", method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        code = json.loads(response.read())["link"].partition("pair=")[2]

    opener = urllib.request.build_opener(NoRedirect)
    with pytest.raises(urllib.error.HTTPError) as paired:
        opener.open(f"{second.url}/remote?pair={code}", timeout=10)
    assert paired.value.code == 303
    with pytest.raises(urllib.error.HTTPError) as again:
        opener.open(f"{first.url}/remote?pair={code}", timeout=10)
    assert again.value.code == 403
    assert "This pairing link was used already" in again.value.read().decode()


def test_an_annotation_added_through_one_server_is_on_both_servers_walls(hosts):
    first, second = hosts.servers
    size = "/_obeya/version?width=1920&height=1080"
    before = get_json(second.url + size)
    with pytest.raises(urllib.error.HTTPError) as login:
        urllib.request.build_opener(NoRedirect).open(f"{first.url}/remote?token={REMOTE_TOKEN}", timeout=10)
    cookie = login.value.headers["Set-Cookie"].split(";")[0]
    assert post(first.url + "/remote/annotation", json.dumps({"text": "New VPN client"}).encode(),
                {"Content-Type": "application/json", "Cookie": cookie}) == 200
    wait_until(lambda: get_json(second.url + size) != before and get_json(first.url + size) == get_json(
        second.url + size), 15, "the other server drew the annotation too")


def test_the_ingest_pace_is_counted_across_servers(hosts):
    """120 requests a minute per token, wherever they land (each of four workers would allow 120 on its own)."""
    headers = {"Authorization": f"Bearer {INGEST_TOKEN}", "Content-Type": "text/plain"}
    answers: dict[int, list[int]] = {}  # minute of the clock -> the answers within it
    for index in range(250):  # more than twice the limit: one minute of the clock holds more than 120 of them
        minute = int(time.time() // 60)
        status = post(f"{hosts.servers[index % 2].url}/api/v1/responses", b"x", headers)
        if int(time.time() // 60) == minute:
            answers.setdefault(minute, []).append(status)
    assert all(set(statuses) <= {415, 429} for statuses in answers.values()), answers
    assert all(statuses.count(415) <= 120 for statuses in answers.values()), "over the limit in one minute"
    assert any(429 in statuses for statuses in answers.values()), "the servers never said 'too many'"
