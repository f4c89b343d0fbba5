"""The stand-up in the browser: keys and a clicker on the TV, the schedule, the timer, the remote on a phone.

A server of its own (this module's), with standup.yaml and the remote's token
set, a pairing link that lasts PAIRING_SECONDS, and its own data folder for
the remote's annotations. Each screen is a browser context of its own, as a TV
and a phone are; tests that need time to pass install a clock in the TV's
context and move it (`clock.fast_forward`), so no test waits minutes.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from wall_driver import (IDLE_RESUME_SECONDS, PANEL_ORDER, ROTATE_SECONDS, Remote, Wall, fill_test_database, new_page,
                         quick_config, served_wall)
from tests.wall_server import REPO_ROOT

REMOTE_TOKEN = "remote-test-token"
PAIRING_SECONDS = 6  # the shortest the tests can use: pairing within it, and waiting it out
STANDUP_YAML = """\
starts: ["09:15"]
days: [mon, tue, wed, thu, fri]
agenda:
  - {panel: nps, minutes: 2, who: Priya}
  - {panel: ftr, minutes: 1}
  - {panel: voices, minutes: 1}
overrun_minutes: 5
"""
PLANNED_MINUTES = 4
ZONE = ZoneInfo("Europe/Berlin")  # the test config's timezone
LONG = 600  # ?rotate= when rotation must not interfere
BAD = "rgb(255, 154, 176)"  # --bad on the dark theme: over time


@pytest.fixture(scope="module")
def standup_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("standup")
    config_dir = quick_config(folder / "config")
    (config_dir / "standup.yaml").write_text(STANDUP_YAML, encoding="utf-8")
    server = served_wall(folder, config_dir, fill_test_database, env={
        "OBEYA_REMOTE_TOKEN": REMOTE_TOKEN, "OBEYA_PAIRING_SECONDS": str(PAIRING_SECONDS),
        "OBEYA_DATA_DIR": str(folder / "data")})
    server.data_dir = folder / "data"
    yield server
    server.stop()


class Screens:
    """Browser contexts for this test: TVs (optionally with a clock the test moves) and phones."""

    def __init__(self, browser, server) -> None:
        self.browser = browser
        self.server = server
        self.contexts: list = []
        self.checked: list = []

    def _page(self, viewport: dict, clock: datetime | bool | None, check: bool, **options):
        context = self.browser.new_context(viewport=viewport, **options)
        context.set_default_timeout(10_000)
        if clock is True:
            context.clock.install()
        elif clock is not None:
            context.clock.install(time=clock)
        self.contexts.append(context)
        page = new_page(context)
        if check:
            self.checked.append(page)
        return page

    def tv(self, rotate: float | None = LONG, clock: datetime | bool | None = None, **query) -> Wall:
        """A TV at 1920×1080 showing the wall."""
        page = self._page({"width": 1920, "height": 1080}, clock, True)
        wall = Wall(page, self.server).open(rotate=rotate, **query)
        page.wait_for_function("() => window.obeyaWall.shared() !== null")  # the shared state has arrived
        return wall

    def phone(self, check: bool = True) -> Remote:
        """A phone's page (390×844), not yet showing anything."""
        page = self._page({"width": 390, "height": 844}, None, check, device_scale_factor=2, is_mobile=True,
                          has_touch=True)
        return Remote(page, self.server)

    def remote(self, check: bool = True) -> Remote:
        """A phone with the remote open through its token (`check=False`: a 400 answer it gets is no error)."""
        return self.phone(check).open(f"{self.server.url}/remote?token={REMOTE_TOKEN}")

    def close(self) -> list[str]:
        errors = [message for page in self.checked for message in page.browser_errors.messages]
        for context in self.contexts:
            context.close()
        return errors


@pytest.fixture
def screens(browser, standup_server):
    standup_server.check_alive()
    standup_server.rotate_again()
    opened = Screens(browser, standup_server)
    yield opened
    errors = opened.close()
    standup_server.check_alive()
    assert not errors, "the browser logged errors:\n" + "\n".join(errors)


def monday(hour: int, minute: int, second: int = 0) -> datetime:
    return datetime(2026, 12, 7, hour, minute, second, tzinfo=ZONE)


# --- stand-up by key, the agenda and the timer ------------------------------------------------------------------


def test_s_starts_the_standup_on_its_first_item_with_who_speaks_and_the_time_left(screens):
    tv = screens.tv()
    assert tv.mode() == "rotating" and tv.agenda_item() is None
    tv.press("s").wait_for_mode("standup")
    assert tv.agenda_item() == 0
    assert tv.active_panel() == "nps"
    timer = tv.timer()
    assert timer["item"] == "1/3 NPS" and timer["who"] == "Priya"
    assert re.fullmatch(r"(2:00|1:5\d) left", timer["left"]), timer
    assert re.fullmatch(r"Meeting (4:00|3:5\d)", timer["meeting"]), timer
    assert tv.mode_text() == "Stand-up 1/3 – PageDown for the next item"
    tv.press("S").wait_for_mode("rotating")
    assert tv.agenda_item() is None and tv.timer()["left"] == ""


def test_pagedown_walks_the_agenda_page_by_page_and_past_the_end_the_wall_rotates_again(screens):
    tv = screens.tv(rotate=None)  # the configured periods: rotation must come back by itself
    tv.press("s").wait_for_mode("standup")
    tv.next_item().wait_for_agenda_item(1)
    assert tv.slide() == ("ftr", 0)
    assert tv.timer()["item"] == "2/3 First time right" and tv.timer()["who"] == ""
    tv.press("PageUp")  # back: the last page of the first item
    tv.wait_for_agenda_item(0)
    assert tv.slide() == ("nps", tv.page_count("nps") - 1)
    tv.next_item().next_item().wait_for_agenda_item(2)
    assert tv.active_panel() == "voices"
    tv.next_item().wait_for_mode("rotating")  # through the voices' pages, and past the end
    assert tv.agenda_item() is None
    tv.wait_for_change(timeout=(ROTATE_SECONDS + 3) * 1000)  # rotating again, by itself


def test_in_a_standup_nothing_resumes_by_itself(screens):
    tv = screens.tv(rotate=None, clock=True)
    tv.press("s").wait_for_mode("standup")
    shown = tv.slide()
    tv.page.clock.fast_forward((IDLE_RESUME_SECONDS + 3 * ROTATE_SECONDS) * 1000)
    tv.page.clock.fast_forward(1000)
    assert tv.mode() == "standup" and tv.slide() == shown


def test_an_item_over_its_time_says_so_in_a_word_and_a_colour(screens):
    tv = screens.tv(clock=True)
    tv.press("s").wait_for_mode("standup")
    left = tv.page.locator("#wall-standup .standup-left")
    assert left.get_attribute("data-over") == "0"
    tv.page.clock.fast_forward(150_000)  # 2½ minutes into a 2-minute item
    expect(left).to_have_text(re.compile(r"Over time \+0:3\d"))
    assert left.get_attribute("data-over") == "1" and tv.root.get_attribute("data-overtime") == "1"
    assert left.evaluate("el => getComputedStyle(el).color") == BAD
    assert re.fullmatch(r"Meeting 1:[23]\d", tv.timer()["meeting"]), tv.timer()
    assert tv.slide()[0] == "nps", "over time is a word and a colour, not a move"


def test_the_standup_starts_by_itself_at_its_time_on_a_listed_day(screens):
    tv = screens.tv(clock=monday(9, 14, 40))
    assert tv.mode() == "rotating"
    tv.page.clock.fast_forward(25_000)  # 09:15:05 in the wall's zone
    tv.wait_for_mode("standup").wait_for_agenda_item(0)
    assert tv.active_panel() == "nps"
    tv.press("s").wait_for_mode("rotating")
    tv.page.clock.fast_forward(30_000)  # still in the start's minutes: ended once, it stays ended
    assert tv.mode() == "rotating"


def test_no_standup_starts_on_a_day_that_is_not_listed(screens):
    tv = screens.tv(clock=datetime(2026, 12, 6, 9, 14, 40, tzinfo=ZONE))  # a Sunday
    tv.page.clock.fast_forward(25_000)
    state = tv.page.evaluate("() => fetch('/_obeya/command', {method: 'POST', headers: {'Content-Type': "
                             "'application/json'}, body: JSON.stringify({command: 'hold', on: false})})"
                             ".then(response => response.json())")
    assert state["standup"] is None and tv.mode() == "rotating"


def test_a_standup_left_open_past_its_end_returns_to_rotation_by_itself(screens):
    tv = screens.tv(rotate=None, clock=True)
    tv.press("s").wait_for_mode("standup")
    tv.page.clock.fast_forward((PLANNED_MINUTES + 5) * 60_000 - 30_000)  # not yet: within the overrun
    assert tv.mode() == "standup"
    tv.page.clock.fast_forward(60_000)
    tv.wait_for_mode("rotating")
    shown = tv.slide()
    tv.page.clock.fast_forward(1_000)  # the first look after the stand-up starts the page's time afresh
    tv.page.clock.fast_forward(31_000)  # nps's period in the test wall.yaml: rotating again, by itself
    tv.wait_for_change(since=shown)


# --- the clicker's keys -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["b", "B", "."])
def test_a_clickers_blank_screen_key_holds_and_resumes_in_every_mode(screens, key):
    tv = screens.tv(rotate=ROTATE_SECONDS)
    tv.press(key).wait_for_mode("held")
    assert tv.stays_on(tv.active_panel(), 1500), "a held wall does not rotate"
    tv.press(key).wait_for_mode("rotating")
    tv.press("s").wait_for_mode("standup")
    timer = tv.page.locator("#wall-standup")
    tv.press(key)
    expect(timer).to_have_attribute("data-held", "1")
    assert tv.timer()["left"] == "Timer held" and tv.mode() == "standup"
    tv.press(key)
    expect(timer).to_have_attribute("data-held", "0")
    expect(timer.locator(".standup-left")).to_have_text(re.compile(r"\d:\d\d left"))


def test_a_reload_in_the_middle_keeps_the_standup_its_item_and_its_clock(screens):
    tv = screens.tv()
    tv.press("s").wait_for_mode("standup")
    tv.next_item().wait_for_agenda_item(1)
    before = tv.timer()
    with tv.page.expect_response(lambda response: "wall-body.children" in (response.request.post_data or "")):
        tv.page.reload()
    tv.page.wait_for_function("() => window.obeyaWall && window.obeyaWall.shared() !== null")
    tv.wait_for_mode("standup").wait_for_agenda_item(1)
    assert tv.slide() == ("ftr", 0)
    after = tv.timer()
    assert after["item"] == before["item"] == "2/3 First time right"
    assert re.fullmatch(r"(1:00|0:5\d) left", after["left"]), after


# --- the remote ---------------------------------------------------------------------------------------------------


def test_a_remote_command_reaches_two_tvs_within_a_second(screens):
    first, second = screens.tv(), screens.tv()
    remote = screens.remote()

    def both_show(command: str, condition: str) -> float:
        started = time.monotonic()
        remote.press(command)
        for tv in (first, second):
            tv.page.wait_for_function(condition, timeout=1000)
        return time.monotonic() - started

    jump = both_show("goto:voices", "() => document.getElementById('wall').dataset.activePanel === 'voices'")
    start = both_show("standup", "() => document.getElementById('wall').dataset.agendaItem === '0'")
    step = both_show("next", "() => window.obeyaWall.state().page === 1 || "
                             "document.getElementById('wall').dataset.agendaItem === '1'")
    assert first.slide() == second.slide()
    hold = both_show("hold", "() => document.getElementById('wall-standup').dataset.held === '1'")
    end = both_show("standup", "() => document.getElementById('wall').dataset.mode === 'rotating'")
    assert max(jump, start, step, hold, end) < 1.0, (jump, start, step, hold, end)
    remote.wait_for_mode("rotating")  # the stand-up's end lets go of its hold too


def test_the_remote_shows_what_the_tv_shows_and_the_standup_timer(screens):
    tv = screens.tv()
    remote = screens.remote()
    tv.press("4").wait_for_panel("nps")
    expect(remote.page.locator("#remote-panel")).to_have_text("NPS")
    tv.press("s").wait_for_mode("standup")
    remote.wait_for_mode("standup")
    expect(remote.page.locator("#remote-item")).to_have_text("1/3 · Priya")
    expect(remote.page.locator("#remote-left")).to_have_text(re.compile(r"(2:00|1:5\d) left"))
    expect(remote.page.locator("#remote-standup-words")).to_have_text("End stand-up")


def test_a_qr_code_on_the_tv_pairs_one_phone(screens):
    tv = screens.tv()
    tv.press("r")
    card = tv.page.locator("#wall-pairing")
    expect(card).to_be_visible()
    expect(card.locator(".wall-pairing-title")).to_have_text("Scan to open the remote")
    assert card.locator(".wall-pairing-qr").get_attribute("src").startswith("data:image/svg+xml")
    link = card.get_attribute("data-link")
    assert link.startswith(f"{tv.server.url}/remote?pair=")
    remote = screens.phone().open(link)
    assert remote.page.url == f"{tv.server.url}/remote/", "the code leaves the address bar"
    remote.press("goto:ftr")
    tv.wait_for_panel("ftr", timeout=1000)
    again = screens.phone(check=False)
    answer = again.page.goto(link)
    assert answer.status == 403
    assert "This pairing link was used already: each QR code pairs one phone." in again.page.inner_text("body")
    tv.press("Escape")
    expect(card).to_be_hidden()


def test_a_pairing_link_expires_with_its_qr_code(screens):
    tv = screens.tv()
    tv.press("r")
    card = tv.page.locator("#wall-pairing")
    expect(card).to_be_visible()
    link = card.get_attribute("data-link")
    expect(card).to_be_hidden(timeout=(PAIRING_SECONDS + 3) * 1000)  # the TV takes it down when it expires
    phone = screens.phone(check=False)
    answer = phone.page.goto(link)
    assert answer.status == 403
    assert phone.page.inner_text("body") == (f"This pairing link has expired: a QR code is valid for "
                                             f"{PAIRING_SECONDS} seconds. Press R on the TV for a new QR code.")


def test_a_remote_without_its_token_is_refused(screens):
    phone = screens.phone(check=False)
    for link in ("/remote/", "/remote?token=guess"):
        answer = phone.page.goto(screens.server.url + link)
        assert answer.status == 403
        assert phone.page.inner_text("body") == (
            "This remote opens with its link and token, or with the QR code the TV shows on key R. "
            "Ask the person who set up the wall.")
    assert phone.page.request.post(screens.server.url + "/remote/command", data={"command": "next"}).status == 403


def test_a_wall_without_a_remote_token_has_no_remote_and_no_qr_code(wall, wall_server):
    assert wall.page.request.get(wall_server.url + "/remote").status == 404
    wall.open(rotate=LONG)
    wall.press("r")
    assert wall.page.locator("#wall-pairing").is_hidden()


def test_an_annotation_from_the_remote_appears_on_the_trends_and_is_exported(screens):
    tv = screens.tv()
    tv.press("4").wait_for_panel("nps")
    remote = screens.remote(check=False)  # the browser logs the refused annotation's 400
    assert remote.annotate("   ") == "write what happened: the text is empty"
    assert remote.annotate("Analyser firmware 2.4", "analysers") == "Added: it shows on the trends within seconds."
    # On the trends: a numbered mark on the chart, its words beside it or in the page's legend.
    tv.page.wait_for_function("() => document.querySelector('#wall-panels [data-panel=\"nps\"]')"
                              ".textContent.includes('Analyser firmware 2.4')", timeout=15_000)
    exported = subprocess.run([sys.executable, "-m", "obeya", "annotations", "export"], cwd=REPO_ROOT,
                              env=dict(os.environ, OBEYA_DATA_DIR=str(screens.server.data_dir)),
                              capture_output=True, text=True, check=True)
    today = datetime.now(ZONE).date().isoformat()
    assert f"- date: {today}\n  text: Analyser firmware 2.4\n  service: analysers\n" in exported.stdout


def test_without_standup_yaml_s_runs_the_rotation_as_the_agenda_two_minutes_a_panel(wall):
    wall.open(panel="voices", rotate=LONG)
    wall.press("s").wait_for_mode("standup").wait_for_agenda_item(0)
    assert wall.active_panel() == "mission"
    timer = wall.timer()
    panels = len(PANEL_ORDER)  # every rotation panel, two minutes each
    assert timer["item"] == f"1/{panels} Mission" and timer["who"] == ""
    meeting = rf"Meeting ({2 * panels}:00|{2 * panels - 1}:5\d)"
    assert re.fullmatch(r"(2:00|1:5\d) left", timer["left"]) and re.fullmatch(meeting, timer["meeting"]), timer
    wall.press("s").wait_for_mode("rotating")
