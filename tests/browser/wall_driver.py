"""The browser tests' harness: a test database with known rows, the real server, and a wall that speaks the domain.

Fixtures live in conftest.py; this module holds what they are made of, so
tests can also import constants from it (`from wall_driver import PANEL_ORDER`).
"""

from __future__ import annotations

import re
import shutil
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from playwright.sync_api import Page, expect
from sqlalchemy import insert

from obeya.database import create_schema, ftr_results, make_engine, survey_responses
from obeya.rollups import refresh_rollups
from obeya.config import load_config
from tests.wall_server import WallServer

REPO_ROOT = Path(__file__).resolve().parents[2]
TEST_CONFIG_DIR = REPO_ROOT / "tests" / "fixtures" / "config"
CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
               "--disable-sync", "--no-first-run", "--hide-scrollbars"]

# The session's config is the test config with quick timings, so rotation and
# idle-resume can be watched in seconds rather than minutes.
ROTATE_SECONDS = 5
IDLE_RESUME_SECONDS = 10  # the smallest wall.yaml allows
# The panels tests/fixtures/config/wall.yaml rotates, in its order (the registry's panels it leaves out, themes and
# changes, are checked on the demo wall: tests/browser/test_browser_layout.py).
PANEL_ORDER = [setting.id for setting in load_config(TEST_CONFIG_DIR).wall.panels]


# --- known data -------------------------------------------------------------------------------------------------


class KnownData:
    """What the test database holds, in the words the wall shows."""

    # One survey answer per service per day, the same scores every week (Mon..Sun),
    # so every complete week has the same NPS: overall 9 promoters, 2 passives,
    # 3 detractors out of 14 = +42.9.
    weekly_scores = {"analysers": [10, 9, 10, 9, 8, 3, 5], "lims": [10, 10, 9, 9, 10, 7, 2]}
    overall_nps = 100 * (9 - 3) / 14
    # Tickets per service per day and how many were right first time.
    daily_tickets = {"analysers": (10, 9), "lims": (10, 8)}
    promoter_comment = "The night engineer had the analyser running again before the next sample"
    detractor_comment = "Results reached the ward two hours after sign-off"
    hidden_response_id = "R-HIDDEN"  # listed under voices.hide in the test wall.yaml
    hidden_comment = "This comment is hidden by the team and must never show"
    masked_comment = "Please call me back on ana.costa@lab.example about the printer"
    masked_address = "ana.costa@lab.example"


KNOWN_DATA = KnownData()


def fill_test_database(url: str, timezone_name: str) -> None:
    """Create the wall's tables at `url` and insert `KNOWN_DATA` for the six weeks before today, with roll-ups.

    Days are the wall's local days (`timezone_name`), so every complete week
    the wall shows holds exactly seven days of answers.
    """
    zone = ZoneInfo(timezone_name)
    today = datetime.now(zone).date()

    def utc(day, hour: int) -> datetime:  # naive UTC, as the import columns are stored
        local = datetime(day.year, day.month, day.day, hour, tzinfo=zone)
        return local.astimezone(timezone.utc).replace(tzinfo=None)

    # Each comment goes on the newest answer of its service whose score is in its band,
    # so the comments change no count.
    comments = [("analysers", "promoter", KNOWN_DATA.promoter_comment),
                ("lims", "detractor", KNOWN_DATA.detractor_comment),
                ("analysers", "detractor", KNOWN_DATA.masked_comment)]
    responses, results = [], []
    for days_ago in range(1, 43):
        day = today - timedelta(days=days_ago)
        for service, scores in KNOWN_DATA.weekly_scores.items():
            score = scores[day.weekday()]
            band = "promoter" if score >= 9 else "detractor" if score <= 6 else "passive"
            wanted = next((comment for comment in comments if comment[:2] == (service, band)), None)
            if wanted:
                comments.remove(wanted)
            responses.append(dict(response_id=f"R-{service}-{day:%Y%m%d}", ticket_id=f"T-{service}-{day:%Y%m%d}-0",
                                  service=service, responded_at=utc(day, 12), score=score,
                                  comment=wanted[2] if wanted else None))
        for service, (tickets, right) in KNOWN_DATA.daily_tickets.items():
            for n in range(tickets):
                results.append(dict(ticket_id=f"T-{service}-{day:%Y%m%d}-{n}", service=service,
                                    resolved_at=utc(day, 10), first_time_right=n < right,
                                    reopened=n >= right, reassigned=False))
    # The newest comment of all, in the current (incomplete) week so no trend counts it: hidden by wall.yaml.
    responses.append(dict(response_id=KNOWN_DATA.hidden_response_id, ticket_id="T-HIDDEN", service="lims",
                          responded_at=utc(today, 6), score=1, comment=KNOWN_DATA.hidden_comment))
    write_rows(url, responses, results)


def newest_comments(comments: list[tuple[int, str]]):
    """A `fill` for `served_wall`: six weeks of answers and tickets for both test services, and `comments`
    ((score, text), newest last) as the newest survey comments, all from yesterday."""

    def fill(url: str, timezone_name: str) -> None:
        zone = ZoneInfo(timezone_name)
        today = datetime.now(zone).date()

        def utc(day, hour: int, minute: int = 0) -> datetime:
            local = datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone)
            return local.astimezone(timezone.utc).replace(tzinfo=None)

        scores = [10, 9, 10, 9, 8, 3, 5]
        responses, results = [], []
        for days_ago in range(1, 43):
            day = today - timedelta(days=days_ago)
            for service in ("analysers", "lims"):
                responses.append(dict(response_id=f"R-{service}-{day:%Y%m%d}", ticket_id=f"T-{service}-{day:%Y%m%d}",
                                      service=service, responded_at=utc(day, 12), score=scores[day.weekday()],
                                      comment=None))
                for n in range(10):
                    results.append(dict(ticket_id=f"T-{service}-{day:%Y%m%d}-{n}", service=service,
                                        resolved_at=utc(day, 10), first_time_right=n < 8, reopened=n >= 8,
                                        reassigned=False))
        yesterday = today - timedelta(days=1)
        for n, (score, comment) in enumerate(comments):
            responses.append(dict(response_id=f"R-COMMENT-{n}", ticket_id=f"T-COMMENT-{n}",
                                  service=("analysers", "lims")[n % 2], responded_at=utc(yesterday, 14, n),
                                  score=score, comment=comment))
        write_rows(url, responses, results)

    return fill


def write_rows(url: str, responses: list[dict], results: list[dict]) -> None:
    """Put survey responses and first-time-right rows into a fresh wall database, roll-ups counted."""
    engine = make_engine(url)
    create_schema(engine)
    with engine.begin() as connection:
        connection.execute(insert(survey_responses), responses)
        connection.execute(insert(ftr_results), results)
    refresh_rollups(engine)
    engine.dispose()


def quick_config(folder: Path) -> Path:
    """Copy the test config to `folder`, with short rotation and idle-resume times."""
    shutil.copytree(TEST_CONFIG_DIR, folder)
    wall_yaml = folder / "wall.yaml"
    text = wall_yaml.read_text(encoding="utf-8")
    text, replaced = re.subn(r"(?m)^rotate_seconds:.*$",
                             f"rotate_seconds: {ROTATE_SECONDS}\nidle_resume_seconds: {IDLE_RESUME_SECONDS}", text)
    assert replaced == 1, "tests/fixtures/config/wall.yaml should set rotate_seconds once"
    wall_yaml.write_text(text, encoding="utf-8")
    return folder


# --- the server: tests/wall_server.py -------------------------------------------------------------------------


def served_wall(folder: Path, config_dir: Path, fill, env: dict[str, str] | None = None) -> WallServer:
    """The real server on `config_dir` and a fresh database in `folder` that `fill(url, zone)` writes."""
    from obeya.config import load_config

    database_url = f"sqlite:///{folder / 'wall.db'}"
    fill(database_url, load_config(config_dir).wall.timezone)
    return WallServer(config_dir, database_url, folder / "server.log", env=env).start()


# --- the browser ------------------------------------------------------------------------------------------------


class BrowserErrors:
    """Console errors and uncaught page errors seen by one page."""

    def __init__(self, page: Page) -> None:
        self.messages: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.messages.append(f"page error: {error}"))

    def _console(self, message) -> None:
        if message.type == "error":
            self.messages.append(f"console error: {message.text} ({message.location.get('url', '')})")


def new_page(context) -> Page:
    page = context.new_page()
    page.browser_errors = BrowserErrors(page)
    return page


# --- the wall, in the domain's words ----------------------------------------------------------------------------

ACTIVE_PAGE = "#wall-panels > .panel.is-active > .page.is-active"

# Runs in the page: the visible text of the active page, including chart (SVG) text.
VISIBLE_TEXT = """
() => {
  const page = document.querySelector('%s');
  if (!page) return '';
  const svgText = Array.from(page.querySelectorAll('svg text'))
      .filter(t => getComputedStyle(t).visibility !== 'hidden' && getComputedStyle(t).display !== 'none')
      .map(t => t.textContent);
  return [page.innerText, ...svgText].join('\\n');
}
""" % ACTIVE_PAGE

# Runs in the page: fonts are loaded, every chart has drawn, and the panels have not changed
# for a while (the server's redraw for this screen size and plotly's re-render are done).
SETTLED = """
async (quietMs) => {
  await document.fonts.ready;
  const panels = document.getElementById('wall-panels');
  if (!panels) return false;
  const charts = Array.from(panels.querySelectorAll('.js-plotly-plot'));
  if (!charts.every(chart => chart.querySelector('.main-svg'))) return false;
  return await new Promise(resolve => {
    let timer = setTimeout(done, quietMs);
    const watch = new MutationObserver(records => {
      // wall.js toggling which page is visible is not a redraw
      if (records.every(r => r.type === 'attributes' && r.attributeName === 'class')) return;
      clearTimeout(timer); timer = setTimeout(done, quietMs);
    });
    function done() { watch.disconnect(); resolve(true); }
    watch.observe(panels, {childList: true, subtree: true, attributes: true, characterData: true});
  });
}
"""


# An init script: when wall.js takes charge, note the time and panel, then every change of panel.
RECORD_PANELS = """
(() => {
  const started = setInterval(() => {
    const wall = document.getElementById('wall');
    if (!wall || !window.obeyaWall || !window.obeyaWall.state().panel) return;
    clearInterval(started);
    window.__panels = [{panel: wall.getAttribute('data-active-panel'), at: performance.now()}];
    new MutationObserver(() => {
      const panel = wall.getAttribute('data-active-panel');
      if (panel !== window.__panels[window.__panels.length - 1].panel) {
        window.__panels.push({panel, at: performance.now()});
      }
    }).observe(wall, {attributes: true, attributeFilter: ['data-active-panel']});
  }, 10);
})();
"""


def _redraw_answer(response) -> bool:
    """The server's answer to a screen asking whether to redraw the panels."""
    return ("/_dash-update-component" in response.url
            and "wall-body.children" in (response.request.post_data or ""))


class Wall:
    """The wall in one browser page: open it, drive it like a facilitator, read what it shows."""

    def __init__(self, page: Page, server: WallServer) -> None:
        self.page = page
        self.server = server
        self.root = page.locator("#wall")

    # -- opening ---------------------------------------------------------------------------------------------

    def url(self, panel: str | None = None, rotate: str | float | None = None, kiosk: str | int | None = None,
            **extra) -> str:
        query = {key: value for key, value in dict(panel=panel, rotate=rotate, kiosk=kiosk, **extra).items()
                 if value is not None}
        return self.server.url + "/" + ("?" + urlencode(query) if query else "")

    def open(self, panel: str | None = None, rotate: str | float | None = None, kiosk: str | int | None = None,
             size: tuple[int, int] = (1920, 1080), **extra) -> Wall:
        """Load the wall and wait until the rotation script has taken charge and the server drew it at `size`."""
        self.page.set_viewport_size({"width": size[0], "height": size[1]})
        # At load the browser reports its size and the server redraws the panels for it: wait for that answer.
        with self.page.expect_response(_redraw_answer, timeout=15_000):
            self.page.goto(self.url(panel, rotate, kiosk, **extra))
        self.page.wait_for_function("() => window.obeyaWall && window.obeyaWall.state().panel")
        self.settle()
        return self

    def settle(self) -> None:
        """Wait until fonts are loaded, charts drawn and the panels have stopped changing."""
        self.page.wait_for_function(SETTLED, arg=300, timeout=20_000, polling=100)

    # -- driving ---------------------------------------------------------------------------------------------

    def press(self, key: str) -> Wall:
        self.page.keyboard.press(key)
        return self

    def jump_to(self, panel: str) -> Wall:
        """Show the first page of `panel` with its number key (panels 1–9)."""
        number = self.panel_ids().index(panel) + 1
        if self.slide() != (panel, 0):
            self.press(str(number)).wait_for_page(panel, 0)
        self.settle()
        return self

    def goto(self, panel: str) -> Wall:
        """Jump to `panel` the way a facilitator does: click its tab."""
        self.page.locator(f'button.wall-tab[data-goto="{panel}"]').click()
        return self

    def click_control(self, action: str) -> Wall:
        self.page.locator(f'.wall-controls [data-action="{action}"]').click()
        return self

    # -- reading ---------------------------------------------------------------------------------------------

    def active_panel(self) -> str | None:
        return self.root.get_attribute("data-active-panel")

    def mode(self) -> str | None:
        """rotating, held, paused or standup (from `#wall[data-mode]`)."""
        return self.root.get_attribute("data-mode")

    def mode_text(self) -> str:
        return self.page.locator("#wall-mode").inner_text()

    def state(self) -> dict:
        """wall.js's own view: {panel, page, mode, slides}."""
        return self.page.evaluate("() => window.obeyaWall.state()")

    def panel_ids(self) -> list[str]:
        return self.page.eval_on_selector_all("#wall-panels > [data-panel]", "els => els.map(e => e.dataset.panel)")

    def slides(self) -> list[tuple[str, int]]:
        """Every (panel, page) in rotation order: the pages of a panel are shown one after the other."""
        return [(panel, number) for panel in self.panel_ids() for number in range(max(self.page_count(panel), 1))]

    def slide(self) -> tuple[str, int]:
        """The (panel, page) on screen."""
        state = self.state()
        return state["panel"], state["page"]

    def page_count(self, panel: str) -> int:
        return self.page.locator(f'#wall-panels > [data-panel="{panel}"] > .page').count()

    def visible_text(self) -> str:
        """The text on the active page as a viewer sees it (whitespace collapsed), chart text included."""
        return " ".join(self.page.evaluate(VISIBLE_TEXT).split())

    def panel_text(self, panel: str) -> str:
        """The visible text of every page of `panel`, shown one page after the other with the Right key."""
        self.wait_for_panel(panel)
        texts = []
        for number in range(self.page_count(panel)):
            self.wait_for_page(panel, number)
            texts.append(self.visible_text())
            if number + 1 < self.page_count(panel):
                self.press("ArrowRight")
        return " ".join(texts)

    # -- waiting ---------------------------------------------------------------------------------------------

    def wait_for_panel(self, panel: str, timeout: float = 10_000) -> Wall:
        expect(self.root).to_have_attribute("data-active-panel", panel, timeout=timeout)
        return self

    def wait_for_page(self, panel: str, number: int, timeout: float = 10_000) -> Wall:
        self.page.wait_for_function("([panel, number]) => { const s = window.obeyaWall.state();"
                                    " return s.panel === panel && s.page === number; }",
                                    arg=[panel, number], timeout=timeout)
        return self

    def wait_for_slide(self, slide: tuple[str, int], timeout: float = 10_000) -> Wall:
        return self.wait_for_page(*slide, timeout=timeout)

    def wait_for_change(self, since: tuple[str, int] | None = None, timeout: float = 10_000) -> tuple[str, int]:
        """Wait until a (panel, page) other than `since` (default: the one on screen now) is shown; returns it."""
        panel, number = since or self.slide()
        self.page.wait_for_function("([panel, number]) => { const s = window.obeyaWall.state();"
                                    " return s.panel !== panel || s.page !== number; }",
                                    arg=[panel, number], timeout=timeout)
        return self.slide()

    def wait_for_mode(self, mode: str, timeout: float = 10_000) -> Wall:
        expect(self.root).to_have_attribute("data-mode", mode, timeout=timeout)
        return self

    # -- the stand-up ------------------------------------------------------------------------------------------

    def agenda_item(self) -> int | None:
        """The stand-up's agenda item on screen, 0-based (`#wall[data-agenda-item]`); None outside a stand-up."""
        value = self.root.get_attribute("data-agenda-item")
        return int(value) if value is not None else None

    def wait_for_agenda_item(self, item: int, timeout: float = 10_000) -> Wall:
        expect(self.root).to_have_attribute("data-agenda-item", str(item), timeout=timeout)
        return self

    def next_item(self) -> Wall:
        """PageDown, as a clicker sends it, until the stand-up reaches its next agenda item (or ends)."""
        start = self.agenda_item()
        for _ in range(20):
            slide = self.slide()
            self.press("PageDown")
            self.page.wait_for_function(
                "([panel, page, item]) => { const s = window.obeyaWall.state();"
                " const w = document.getElementById('wall');"
                " return s.panel !== panel || s.page !== page || w.getAttribute('data-agenda-item') !== item; }",
                arg=[slide[0], slide[1], str(start)])
            if self.agenda_item() != start:
                return self
        raise AssertionError(f"PageDown did not leave agenda item {start}")

    def timer(self) -> dict[str, str]:
        """The stand-up timer's parts as shown: item, who, left, meeting (empty strings when hidden)."""
        return self.page.evaluate("""() => {
            const box = document.getElementById('wall-standup');
            const part = name => box.hidden ? '' : box.querySelector('.standup-' + name).textContent;
            return {item: part('item'), who: part('who'), left: part('left'), meeting: part('meeting')};
        }""")

    def stays_on(self, panel: str, milliseconds: float) -> bool:
        """True when `panel` stayed on screen for `milliseconds` (watched in the page, not sampled)."""
        return self.page.evaluate(
            """([panel, ms]) => new Promise(resolve => {
                 const wall = document.getElementById('wall');
                 if (wall.getAttribute('data-active-panel') !== panel) { resolve(false); return; }
                 const watch = new MutationObserver(() => {
                   if (wall.getAttribute('data-active-panel') !== panel) { watch.disconnect(); resolve(false); }
                 });
                 watch.observe(wall, {attributes: true, attributeFilter: ['data-active-panel']});
                 setTimeout(() => { watch.disconnect(); resolve(true); }, ms);
               })""",
            [panel, milliseconds],
        )

    def record_panels(self) -> Wall:
        """Before `open`: record when rotation starts and every panel change after (see `recorded_panels`)."""
        self.page.add_init_script(RECORD_PANELS)
        return self

    def wait_for_recorded_changes(self, count: int, timeout: float) -> list[dict]:
        """[{panel, at}] from the start of rotation, once `count` panel changes were seen; `at` in ms."""
        self.page.wait_for_function("n => window.__panels && window.__panels.length > n", arg=count,
                                    timeout=timeout)
        return self.page.evaluate("() => window.__panels")

    def browser_errors(self) -> list[str]:
        return list(self.page.browser_errors.messages)


class SharedWalls:
    """One held wall (`?rotate=0`) per screen size, kept open across the tests of a module.

    For tests that only look: jumping to a panel with its number key is much
    quicker than loading the page again.
    """

    def __init__(self, context, server: WallServer) -> None:
        self.context = context
        self.server = server
        self.size: tuple[int, int] | None = None
        self.wall: Wall | None = None
        self.errors_seen = 0

    def at(self, size: tuple[int, int]) -> Wall:
        if self.size != size:
            self.close()
            self.wall = Wall(new_page(self.context), self.server).open(rotate=0, size=size)
            self.size = size
            self.errors_seen = 0
        return self.wall

    def new_errors(self) -> list[str]:
        if self.wall is None:
            return []
        messages = self.wall.browser_errors()[self.errors_seen:]
        self.errors_seen += len(messages)
        return messages

    def close(self) -> None:
        if self.wall is not None:
            self.wall.page.close()
        self.wall = self.size = None

    def __enter__(self) -> SharedWalls:
        return self

    def __exit__(self, *_exc) -> None:
        self.close()

class Remote:
    """The facilitator's remote (/remote) in a phone's page: what it shows, its buttons, today's annotation."""

    def __init__(self, page: Page, server: WallServer) -> None:
        self.page = page
        self.server = server
        self.root = page.locator("#remote")

    def open(self, link: str) -> Remote:
        """Open the remote with `link` (its token, or the pairing link of a TV's QR code) and wait for its state."""
        self.page.goto(link)
        self.page.wait_for_function("() => document.getElementById('remote') && "
                                    "document.getElementById('remote').hasAttribute('data-mode')")
        return self

    def press(self, command: str) -> Remote:
        """Tap the button carrying `data-remote="<command>"`: next, prev, hold, standup, goto:<panel>."""
        self.page.locator(f'[data-remote="{command}"]').click()
        return self

    def shown(self) -> str:
        """The panel the remote says the TV shows, in the wall's words."""
        return self.page.locator("#remote-panel").inner_text()

    def wait_for_mode(self, mode: str, timeout: float = 10_000) -> Remote:
        expect(self.root).to_have_attribute("data-mode", mode, timeout=timeout)
        return self

    def annotate(self, text: str, service: str = "*") -> str:
        """Add today's annotation (`service` "*": for every chart); returns what the remote answers."""
        self.page.locator("#note-text").fill(text)
        self.page.locator("#note-service").select_option(service)
        self.page.locator("#note-add").click()  # clears the last answer at once
        self.page.wait_for_function("() => document.getElementById('note-answer').hasAttribute('data-ok')")
        return self.page.locator("#note-answer").inner_text()
