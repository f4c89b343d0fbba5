"""The wall stays live on a TV nobody touches (issue 4, DESIGN.md "How it behaves").

YAML edits show within 5 seconds without a reload; wrong YAML keeps the last
good wall up under a banner naming file, line and column; a wall started on
wrong YAML shows the problem and comes up by itself once it is fixed; a
restarted server is followed by the page on its own; a database that cannot
be read gives a stale badge over the last good numbers, and recovery.

The first two tests edit the session server's config copy and put it back
exactly. The others start servers of their own (`start_wall_server`): one is
killed, the others start on a broken config or lose their database.
"""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from obeya.config import ConfigError, load_config
from wall_driver import (ACTIVE_PAGE, PANEL_ORDER, TEST_CONFIG_DIR, Wall, WallServer, fill_test_database, new_page,
                         quick_config)

EDIT_SECONDS = 5  # DESIGN.md: "YAML edits appear within 5 seconds"
PERSONA_NAMES = ["Ana Costa", "Ben Okafor", "Chen Wei"]  # tests/fixtures/config/personas.yaml
OFFLINE = "Server unreachable \u2013 retrying"  # wall.js, in #wall-mode while /_obeya/health does not answer
READ_LOGGED = "reading the wall's numbers from the database"  # obeya/live.py logs it before every read


def ms_left(since: float, seconds: float) -> float:
    """Milliseconds left of `seconds` counted from `since` (time.monotonic()), at least 1."""
    return max(1.0, (since + seconds - time.monotonic()) * 1000)


def mark_page(page: Page) -> None:
    """Put a marker on the page's window: it is gone once the page has reloaded."""
    page.evaluate("() => { window.__marker = 1; }")


def still_marked(page: Page) -> bool:
    return page.evaluate("() => window.__marker === 1")


def banner(page: Page):
    return page.locator("#wall-banner")


def health(server: WallServer) -> dict:
    with urllib.request.urlopen(server.url + "/_obeya/health", timeout=5) as response:
        return json.loads(response.read())


# --- servers of our own ----------------------------------------------------------------------------------------


class OwnServers:
    """Wall servers for one test, each on a fresh copy of the quick test config and a fresh test database."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.servers: list[WallServer] = []
        self.logs: list[Path] = []

    def start(self, edit_wall_yaml=None) -> WallServer:
        """A started server; `edit_wall_yaml(text) -> text` changes its wall.yaml first."""
        folder = self.folder / f"server-{len(self.servers)}"
        folder.mkdir()
        config_dir = quick_config(folder / "config")
        if edit_wall_yaml:
            wall_yaml = config_dir / "wall.yaml"
            wall_yaml.write_text(edit_wall_yaml(wall_yaml.read_text(encoding="utf-8")), encoding="utf-8")
        database_url = f"sqlite:///{folder / 'wall.db'}"
        fill_test_database(database_url, load_config(TEST_CONFIG_DIR).wall.timezone)
        server = WallServer(config_dir, database_url, folder / "server.log")
        self.servers.append(server)
        self.logs.append(server.log_path)
        server.start()
        return server

    def restart(self, server: WallServer) -> None:
        """Start `server` again, on the same port, config and database (a new process: a new boot id)."""
        assert server.process.poll() is not None, "restart a server only once it is down"
        if server._log is not None:
            server._log.close()
        server.log_path = server.log_path.with_name(f"server-{len(self.logs)}.log")
        self.logs.append(server.log_path)
        server.start()

    def close(self) -> None:
        for server in self.servers:
            server.stop()
        for log in self.logs:  # shown by pytest when the test failed
            text = log.read_text(encoding="utf-8", errors="replace") if log.exists() else "(no output)"
            print(f"--- {log} ---\n{text}")


@pytest.fixture
def start_wall_server(tmp_path: Path):
    servers = OwnServers(tmp_path)
    yield servers
    servers.close()


@pytest.fixture
def own_page(browser_context):
    """A fresh page that is not tied to the session's server (the test checks the browser's errors itself)."""
    page = new_page(browser_context)
    yield page
    page.close()


# --- YAML edits on the session's server -------------------------------------------------------------------------


def test_an_edit_to_the_yaml_appears_within_five_seconds_without_reload(wall, wall_server):
    personas = wall_server.config_dir / "personas.yaml"
    original = personas.read_bytes()
    wall.open(panel="personas", rotate=0)
    expect(wall.page.locator(ACTIVE_PAGE).get_by_text("Ana Costa")).to_be_visible()
    mark_page(wall.page)
    try:
        personas.write_bytes(original.replace(b"name: Ana Costa", b"name: Ana Ferreira"))
        saved = time.monotonic()
        expect(wall.page.locator(ACTIVE_PAGE).get_by_text("Ana Ferreira")).to_be_visible(
            timeout=ms_left(saved, EDIT_SECONDS))
        assert still_marked(wall.page), "the page reloaded to show the edit"
        assert wall.slide() == ("personas", 0), "the redraw lost the wall's place"
        assert wall.active_panel() == "personas"
        assert wall.mode() == "held"
    finally:
        personas.write_bytes(original)
    expect(wall.page.locator(ACTIVE_PAGE).get_by_text("Ana Costa")).to_be_visible(timeout=10_000)


def test_a_syntax_error_in_personas_keeps_the_old_personas_and_shows_the_banner_with_the_line(wall, wall_server,
                                                                                               tmp_path):
    personas = wall_server.config_dir / "personas.yaml"
    original = personas.read_bytes()
    # Ben's role indented two spaces too far: the classic mistake.
    broken = original.replace(b"\n    role: Lab manager\n", b"\n      role: Lab manager\n")
    assert broken != original
    # Where the loader places the problem, from a copy broken the same way.
    shutil.copytree(wall_server.config_dir, tmp_path / "broken")
    (tmp_path / "broken" / "personas.yaml").write_bytes(broken)
    with pytest.raises(ConfigError) as problems:
        load_config(tmp_path / "broken")
    problem = problems.value.problems[0]
    assert (problem.file, problem.line) == ("personas.yaml", 12), problem  # the role line of personas[1]
    expected = f"personas.yaml:{problem.line}:{problem.column}: YAML syntax"

    wall.open(panel="personas", rotate=0)
    expect(banner(wall.page)).to_be_hidden()
    mark_page(wall.page)
    try:
        personas.write_bytes(broken)
        saved = time.monotonic()
        expect(banner(wall.page)).to_contain_text(expected, timeout=ms_left(saved, EDIT_SECONDS))
        expect(banner(wall.page)).to_be_visible()
        expect(banner(wall.page).locator("code")).to_have_text(str(problem))
        for name in PERSONA_NAMES:
            expect(wall.page.locator(ACTIVE_PAGE).get_by_text(name)).to_be_visible()
        assert wall.active_panel() == "personas"
        shown, panels = banner(wall.page).bounding_box(), wall.page.locator("#wall-panels").bounding_box()
        assert shown["y"] + shown["height"] <= panels["y"] + 1, "the banner covers the panel"
    finally:
        personas.write_bytes(original)
    fixed = time.monotonic()
    expect(banner(wall.page)).to_be_hidden(timeout=ms_left(fixed, EDIT_SECONDS))
    expect(banner(wall.page)).to_be_empty()
    for name in PERSONA_NAMES:
        expect(wall.page.locator(ACTIVE_PAGE).get_by_text(name)).to_be_visible()
    assert still_marked(wall.page), "the page reloaded"


# --- servers of their own ---------------------------------------------------------------------------------------


BROKEN_TITLE = ("title: Lab wall\n", "title: Lab wall: nights\n")  # a colon in a plain scalar: a YAML syntax error

# Runs in the page: why a viewer cannot read the element at `selector` ('' when they can): it must be on the
# screen, and what the browser shows at its corners must be it (not clipped away by a box, not covered).
UNREADABLE = """
(selector) => {
  const el = document.querySelector(selector);
  if (!el) return 'not in the page';
  const r = el.getBoundingClientRect();
  if (r.width < 1 || r.height < 1) return 'has no size';
  if (r.top < 0 || r.left < 0 || r.bottom > innerHeight || r.right > innerWidth) return 'is off the screen';
  const corners = [[r.left + 2, r.top + 2], [r.right - 2, r.bottom - 2],
                   [(r.left + r.right) / 2, (r.top + r.bottom) / 2]];
  for (const [x, y] of corners) {
    const seen = document.elementFromPoint(x, y);
    if (!seen || !el.contains(seen)) {
      const what = seen ? seen.outerHTML.slice(0, 80) : 'nothing';
      return `is hidden at (${Math.round(x)}, ${Math.round(y)}) behind ${what}`;
    }
  }
  return '';
}
"""


def start_on_broken_wall_yaml(start_wall_server: OwnServers):
    """A server started on a wall.yaml with a syntax error, and the problem the loader reports for it."""
    server = start_wall_server.start(lambda text: text.replace(*BROKEN_TITLE))
    with pytest.raises(ConfigError) as problems:
        load_config(server.config_dir)
    problem = problems.value.problems[0]
    assert (problem.file, problem.line) == ("wall.yaml", 3), problem
    return server, problem


def fix_wall_yaml(server: WallServer) -> float:
    wall_yaml = server.config_dir / "wall.yaml"
    wall_yaml.write_text(wall_yaml.read_text(encoding="utf-8").replace(BROKEN_TITLE[1], BROKEN_TITLE[0]),
                         encoding="utf-8")
    return time.monotonic()


def first_poll_answered(page: Page):
    """Context manager: waits for the page's first answer to its banner poll (2 s after load)."""
    return page.expect_response(lambda response: "/_dash-update-component" in response.url
                                and "wall-banner" in (response.request.post_data or ""), timeout=15_000)




def test_a_wall_started_on_invalid_config_shows_the_problem_not_a_stack_trace(start_wall_server, own_page):
    server, problem = start_on_broken_wall_yaml(start_wall_server)
    with first_poll_answered(own_page):
        own_page.goto(server.url + "/?rotate=0")
    wall_root = own_page.locator("#wall")
    item = own_page.locator("#wall .wall-problems li").filter(has_text=str(problem))
    expect(item).to_have_count(1)
    assert "Traceback" not in wall_root.inner_text() and "Traceback" not in own_page.content()
    assert own_page.locator("#wall-panels > [data-panel]").count() == 0
    unreadable = own_page.evaluate(UNREADABLE, "#wall .wall-problems li")
    assert not unreadable, f"the problem {unreadable}"
    # There is no last good version to speak of.
    assert "last good version" not in own_page.locator("#wall-banner").inner_text()
    assert own_page.browser_errors.messages == []

    mark_page(own_page)
    fixed = fix_wall_yaml(server)
    expect(own_page.locator("#wall-panels > [data-panel]")).to_have_count(len(PANEL_ORDER), timeout=ms_left(fixed, EDIT_SECONDS))
    assert still_marked(own_page), "the wall came up by reloading the page"
    assert own_page.browser_errors.messages == []


def test_a_wall_started_on_invalid_config_comes_up_by_itself_once_the_yaml_is_fixed(start_wall_server, own_page):
    server, problem = start_on_broken_wall_yaml(start_wall_server)
    with first_poll_answered(own_page):
        own_page.goto(server.url + "/?rotate=0")
    wall_root = own_page.locator("#wall")
    expect(wall_root).to_contain_text(str(problem))
    assert "Traceback" not in wall_root.inner_text() and "Traceback" not in own_page.content()
    mark_page(own_page)

    fixed = fix_wall_yaml(server)
    expect(own_page.locator("#wall-panels > [data-panel]")).to_have_count(len(PANEL_ORDER), timeout=ms_left(fixed, EDIT_SECONDS))
    own_page.wait_for_function("() => window.obeyaWall && window.obeyaWall.state().panel === 'mission'")
    wall = Wall(own_page, server)
    wall.settle()
    assert still_marked(own_page), "the wall came up by reloading the page"
    assert wall.mode() == "held"  # ?rotate=0 still applies: wall.js took charge of the same page
    expect(own_page.locator(ACTIVE_PAGE).get_by_text("Lab instruments and their software")).to_be_visible()
    assert str(problem) not in wall_root.inner_text()
    expect(banner(own_page)).to_be_hidden()
    assert wall.browser_errors() == []
    server.check_alive()


def test_a_killed_server_restarted_with_new_code_is_followed_without_a_manual_reload(start_wall_server, own_page):
    server = start_wall_server.start()
    # The browser's errors, and how many there were when each new document was loaded.
    loads: list[int] = []
    own_page.on("framenavigated",
                lambda frame: loads.append(len(own_page.browser_errors.messages))
                if frame == own_page.main_frame else None)
    wall = Wall(own_page, server).open(rotate=0)
    wall.goto("nps").wait_for_panel("nps")
    assert "panel=" not in own_page.url, "the panel must be in the page's state only, not in its URL"
    first_boot = health(server)["boot"]
    mark_page(own_page)
    loads_before = len(loads)

    server.process.kill()  # SIGKILL: no goodbye
    server.process.wait()
    expect(own_page.locator("#wall-mode")).to_have_text(OFFLINE, timeout=15_000)
    assert still_marked(own_page), "the page left while the server was down"
    assert wall.active_panel() == "nps"

    # The page reaches the new server once it has answered its first request: a fresh server that gets several
    # first requests at once dies (an app bug of its own, see test_a_fresh_server_survives_every_screen_at_once).
    own_page.route(f"{server.url}/**", lambda route: route.abort())
    server.extra_env["OBEYA_BOOT_ID"] = "a-deploy-of-new-code"  # the boot id is the code's digest (release.py)
    try:
        start_wall_server.restart(server)
    finally:
        own_page.unroute(f"{server.url}/**")
    assert health(server)["boot"] != first_boot
    own_page.wait_for_function(
        "() => window.__marker === undefined && window.obeyaWall && window.obeyaWall.state().panel === 'nps'"
        " && document.querySelector('#wall[data-active-panel=\"nps\"]') !== null",
        timeout=30_000, polling=200)
    assert len(loads) > loads_before, "the page did not reload"
    assert "panel=nps" in own_page.url
    wall.settle()
    expect(own_page.locator("#wall-mode")).not_to_have_text(OFFLINE)
    # The reloaded page talks to the new server without a complaint: wait for its next health check.
    with own_page.expect_response(lambda response: "/_obeya/health" in response.url and response.ok,
                                  timeout=10_000):
        pass
    errors_since_reload = own_page.browser_errors.messages[loads[-1]:]
    assert errors_since_reload == [], "the browser logged errors after the reload:\n" + "\n".join(errors_since_reload)
    server.check_alive()


# --- a database that cannot be read ----------------------------------------------------------------------------

REFRESH_SECONDS = 10  # the smallest wall.yaml allows


def quick_refresh(text: str) -> str:
    return text + f"refresh_seconds: {REFRESH_SECONDS}\n"


def stale_badge(page: Page):
    """The stale badge on the nps page on screen."""
    return page.locator('#wall-panels > [data-panel="nps"] > .page.is-active .stale-badge')


def any_stale_badge(page: Page):
    return page.locator("#wall-panels .stale-badge")


def wait_for_stale_badge(page: Page, server: WallServer, broken_at_log: int, timeout: float = 45) -> None:
    """Wait until the nps panel shows 'stale since'; fail early once the server read the database and saw nothing.

    The server reads at most every REFRESH_SECONDS, and a screen polls every 2 s: after a read that failed the
    badge is there within a few seconds.
    """
    deadline = time.monotonic() + timeout
    read_seen_at = None
    while time.monotonic() < deadline:
        try:
            expect(stale_badge(page)).to_contain_text("stale since", timeout=500)
            return
        except AssertionError:
            pass
        output = server.output()[broken_at_log:]
        if read_seen_at is None and READ_LOGGED in output:
            read_seen_at = time.monotonic()
        # A read that began just before the break may still succeed: give the next one time to come.
        waited = time.monotonic() - read_seen_at if read_seen_at else 0
        if waited > REFRESH_SECONDS + 5 and "database unreadable" not in output:
            pytest.fail(f"the server read the database after it went away and noticed nothing:\n{output}",
                        pytrace=False)
    expect(stale_badge(page)).to_contain_text("stale since", timeout=1)




def test_the_database_going_away_shows_a_stale_badge_and_recovery(start_wall_server, own_page):
    server = start_wall_server.start(quick_refresh)
    database = Path(server.database_url.removeprefix("sqlite:///"))
    away = database.with_name("away.db")
    wall = Wall(own_page, server).open(panel="nps", rotate=0)
    number = own_page.locator('#wall-panels > [data-panel="nps"] .nps-hero').first
    shown = number.inner_text()
    assert re.fullmatch(r"[\u2212-]?\d+", shown), shown
    expect(any_stale_badge(own_page)).to_have_count(0)
    try:
        broken_at_log = len(server.output())
        database.rename(away)
        database.write_bytes(b"this is not a database any more\n" * 256)
        wait_for_stale_badge(own_page, server, broken_at_log)
        expect(number).to_have_text(shown)  # the last good numbers stay up
        wall.wait_for_panel("nps")
    finally:
        if away.exists():
            database.unlink(missing_ok=True)
            away.rename(database)
    expect(any_stale_badge(own_page)).to_have_count(0, timeout=45_000)
    expect(number).to_have_text(shown)
    assert wall.browser_errors() == []
    server.check_alive()


def test_a_database_that_cannot_be_read_shows_a_stale_badge_and_recovery(start_wall_server, own_page):
    """The same promise, with a failure the server notices today: the tables it reads are gone for a while."""
    server = start_wall_server.start(quick_refresh)
    database = Path(server.database_url.removeprefix("sqlite:///"))
    wall = Wall(own_page, server).open(panel="nps", rotate=0)
    number = own_page.locator('#wall-panels > [data-panel="nps"] .nps-hero').first
    shown = number.inner_text()
    expect(any_stale_badge(own_page)).to_have_count(0)

    def rename_tables(suffix_from: str, suffix_to: str) -> None:
        with sqlite3.connect(database) as connection:
            for table in ("nps_daily", "ftr_daily"):
                connection.execute(f"ALTER TABLE {table}{suffix_from} RENAME TO {table}{suffix_to}")
        connection.close()

    broken_at_log = len(server.output())
    rename_tables("", "_away")
    try:
        wait_for_stale_badge(own_page, server, broken_at_log)
        expect(number).to_have_text(shown)
        assert wall.active_panel() == "nps"
    finally:
        rename_tables("_away", "")
    expect(any_stale_badge(own_page)).to_have_count(0, timeout=45_000)
    expect(number).to_have_text(shown)
    assert wall.browser_errors() == []
    server.check_alive()


def test_a_screen_standing_still_runs_no_dash_callback_until_the_wall_changes(wall):
    """A small box behind the TV: asking whether anything changed is a plain request; Dash's poll callback
    (a pass over every component of the wall in the browser) runs only when something did."""
    wall.open(panel="mission", rotate=0)
    asked: list[str] = []
    wall.page.on("request", lambda request: asked.append(request.url))
    with wall.page.expect_request(lambda request: "/_obeya/version" in request.url):
        pass
    with wall.page.expect_request(lambda request: "/_obeya/version" in request.url):  # a second one: 2 s later
        pass
    assert not [url for url in asked if "/_dash-update-component" in url], asked
    assert [url for url in asked if "/_obeya/version" in url]


# Runs in the page: from now on, count every redraw of a chart (plotly's afterplot) and every change inside one.
COUNT_CHART_REDRAWS = """
() => {
  window.__chartChanges = 0;
  const charts = Array.from(document.querySelectorAll('#wall-panels .js-plotly-plot'));
  charts.forEach(chart => chart.on('plotly_afterplot', () => { window.__chartChanges += 1; }));
  const watch = new MutationObserver(records => { window.__chartChanges += records.length; });
  charts.forEach(chart => watch.observe(chart, {childList: true, subtree: true, attributes: true, characterData: true}));
  return charts.length;
}
"""

# Runs in the page: the charts' elements that would be painted although their panel or page is not on screen.
PAINTED_OFF_SCREEN = """
() => Array.from(document.querySelectorAll('#wall-panels .page'))
  .filter(page => !(page.classList.contains('is-active') && page.closest('.panel').classList.contains('is-active')))
  .flatMap(page => Array.from(page.querySelectorAll('.js-plotly-plot *')))
  .filter(el => getComputedStyle(el).visibility === 'visible').length
"""


def test_charts_not_on_screen_are_not_painted_and_no_chart_is_redrawn_while_the_wall_stands_still(wall):
    """A small box behind the TV: the charts of the panels not on screen are not painted, and while a chart
    panel stands still nothing in any chart is redrawn, through the 200 ms tick and the version checks."""
    wall.open(panel="nps", rotate=0)
    assert wall.page.evaluate(COUNT_CHART_REDRAWS) >= 4  # the NPS panel's and the first-time-right panel's
    for _ in range(2):  # two checks whether the wall changed, 2 s apart; ten ticks between them
        with wall.page.expect_request(lambda request: "/_obeya/version" in request.url):
            pass
    assert wall.page.evaluate("window.__chartChanges") == 0
    assert wall.page.evaluate(PAINTED_OFF_SCREEN) == 0
    wall.press("ArrowRight")  # the next page: the charts just left are hidden, not redrawn
    wall.page.wait_for_function("() => window.obeyaWall.state().page === 1 || window.obeyaWall.state().panel !== 'nps'")
    assert wall.page.evaluate(PAINTED_OFF_SCREEN) == 0
    assert wall.page.evaluate("window.__chartChanges") == 0
