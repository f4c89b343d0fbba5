"""The wall in its room (issue 14): dark in quiet hours, panels in their hours, alerts next, and a server that
goes away.

Quiet hours and `show` run on the page's clock, which the tests set (Playwright's `page.clock`): the server
sends the coming week's changes and the page switches at them by itself. Each test here runs a server of its
own, on the quick test config with one edit.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import insert

from obeya.database import make_engine, survey_responses
from obeya.rollups import mark_data_changed, refresh_rollups
from test_browser_live import OFFLINE
from wall_driver import REPO_ROOT, Wall, WallServer, fill_test_database, new_page, quick_config, served_wall

BERLIN = ZoneInfo("Europe/Berlin")  # tests/fixtures/config/wall.yaml's timezone
QUIET = '\nquiet_hours:\n  - {from: "19:00", to: "07:00"}\n'
JOURNEY_MORNINGS = '  - id: journey\n    show: {from: "08:00", to: "12:00"}\n'
WATCHED_COMMENT = "I waited three days and heard nothing about my analyser"  # config/themes.yaml: "waiting"


def after_tomorrow(hour: int, minute: int, second: int = 0) -> datetime:
    """The day after tomorrow at this time in the wall's zone: well inside the week the page's schedule covers."""
    day = datetime.now(BERLIN).date() + timedelta(days=2)
    return datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=BERLIN)


def own_server(folder: Path, edit_wall_yaml=lambda text: text, fill=fill_test_database) -> WallServer:
    config_dir = quick_config(folder / "config")
    wall_yaml = config_dir / "wall.yaml"
    wall_yaml.write_text(edit_wall_yaml(wall_yaml.read_text(encoding="utf-8")), encoding="utf-8")
    return served_wall(folder, config_dir, fill)


@pytest.fixture(scope="module")
def scheduled_server(tmp_path_factory):
    """Quiet from 19:00 to 07:00; the journey panel only from 08:00 to 12:00."""
    server = own_server(tmp_path_factory.mktemp("scheduled"),
                        lambda text: text.replace("  - journey\n", JOURNEY_MORNINGS) + QUIET)
    yield server
    print(server.stop())


@pytest.fixture
def own_page(browser):
    """A page in a context of its own: Playwright's clock belongs to the context, and the session's shared one
    must not be left running days ahead for the tests after these."""
    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    context.set_default_timeout(10_000)
    page = new_page(context)
    yield page
    context.close()


def quiet_clock(page: Page):
    return page.locator("#wall-quiet .wall-quiet-clock")


def test_quiet_hours_darken_the_wall_until_a_key_wakes_it_for_ten_minutes(scheduled_server, own_page):
    own_page.clock.install(time=after_tomorrow(18, 59, 50))
    wall = Wall(own_page, scheduled_server).open(panel="nps")
    assert wall.mode() == "rotating"
    expect(own_page.locator("#wall-quiet")).to_be_hidden()

    own_page.clock.fast_forward(15_000)  # 19:00:05
    wall.wait_for_mode("quiet")
    expect(own_page.locator("#wall-quiet")).to_be_visible()
    expect(quiet_clock(own_page)).to_have_text("19:00")
    # the numbers keep refreshing under the dark screen: the page still polls the server
    with own_page.expect_response(lambda response: "/_obeya/version" in response.url, timeout=10_000):
        own_page.clock.fast_forward(3_000)
    # the clock moves every minute, so no pixel burns in
    place = quiet_clock(own_page).evaluate("el => [el.style.left, el.style.top]")
    own_page.clock.fast_forward(60_000)
    expect(quiet_clock(own_page)).to_have_text("19:01")
    assert quiet_clock(own_page).evaluate("el => [el.style.left, el.style.top]") != place

    panel = wall.active_panel()
    wall.press("PageDown")  # wakes the screen; it does not also skip a panel nobody saw
    wall.wait_for_mode("rotating")
    expect(own_page.locator("#wall-quiet")).to_be_hidden()
    assert wall.active_panel() == panel
    own_page.clock.fast_forward(9 * 60_000)
    assert wall.mode() != "quiet"
    own_page.clock.fast_forward(2 * 60_000)  # ten minutes after the key
    wall.wait_for_mode("quiet")
    own_page.mouse.click(960, 540)  # a tap wakes it too
    wall.wait_for_mode("rotating")


def test_a_standup_in_quiet_hours_is_not_blanked(scheduled_server, own_page):
    own_page.clock.install(time=after_tomorrow(6, 0))
    wall = Wall(own_page, scheduled_server).open()
    wall.wait_for_mode("quiet")
    try:
        scheduled_server.send_command(command="standup", on=True)  # the facilitator's remote
        wall.wait_for_mode("standup")
        expect(own_page.locator("#wall-quiet")).to_be_hidden()
    finally:
        scheduled_server.send_command(command="standup", on=False)
    wall.wait_for_mode("quiet")


def test_a_panel_rotates_only_in_the_hours_its_show_gives(scheduled_server, own_page):
    own_page.clock.install(time=after_tomorrow(13, 0))
    wall = Wall(own_page, scheduled_server).open(panel="personas")
    assert wall.panel_ids()[1:4] == ["personas", "journey", "nps"]
    # the journey is shown in the mornings only (waited for from here: the page's timers run on the test's clock)
    expect(wall.root).to_have_attribute("data-active-panel", "nps", timeout=15_000)
    own_page.clock.set_system_time(after_tomorrow(9, 0) + timedelta(days=1))  # the next morning
    wall.press("1").wait_for_panel("mission")   # a facilitator's key; rotation resumes after the idle time
    wall.press("2").wait_for_panel("personas")
    wall.press("ArrowRight").wait_for_panel("journey")


# --- alerts -----------------------------------------------------------------------------------------------


def with_watched_comment(url: str, zone: str) -> None:
    """The known data, and an hour ago a detractor's comment on the theme themes.yaml watches."""
    fill_test_database(url, zone)
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(insert(survey_responses), [dict(
            response_id="R-WATCHED", ticket_id="T-WATCHED", service="lims", score=2, comment=WATCHED_COMMENT,
            responded_at=(datetime.now(timezone.utc) - timedelta(hours=1)).replace(tzinfo=None))])
    refresh_rollups(engine)
    engine.dispose()


@pytest.fixture
def alerted_server(tmp_path):
    folder = tmp_path / "alerted"
    config_dir = quick_config(folder / "config")
    themes = (REPO_ROOT / "config" / "themes.yaml").read_text(encoding="utf-8")
    (config_dir / "themes.yaml").write_text(
        themes.replace("    name: Waiting without news\n", "    name: Waiting without news\n    watch: true\n", 1),
        encoding="utf-8")
    server = served_wall(folder, config_dir, with_watched_comment)
    yield server
    print(server.stop())


# Run in the page: from now on, each panel the wall shows, in order, and whether the "new" mark was on it.
RECORD_MARKS = """
() => {
  const wall = document.getElementById('wall');
  const marked = () => { const mark = document.getElementById('wall-new'); return !!mark && !mark.hidden; };
  const seen = () => [wall.getAttribute('data-active-panel'), marked()];  // the mark is redrawn with the header
  window.__shown = [seen()];
  new MutationObserver(() => {
    const now = seen(), last = window.__shown[window.__shown.length - 1];
    if (now[0] !== last[0]) window.__shown.push(now);
  }).observe(wall, {attributes: true, attributeFilter: ['data-active-panel']});
}
"""


def test_a_detractor_comment_on_a_watched_theme_brings_its_panel_next_marked_new(alerted_server, own_page):
    wall = Wall(own_page, alerted_server).open(panel="mission", rotate=0)
    assert wall.panel_ids()[:2] == ["mission", "personas"]
    own_page.wait_for_function("() => document.getElementById('wall-settings').getAttribute('data-alerts')"
                               ".includes('voices')", timeout=30_000)  # once the server has read the comment
    own_page.evaluate(RECORD_MARKS)
    wall.press("Space")  # rotate, at the configured periods
    own_page.wait_for_function("() => window.__shown && window.__shown.length > 4", timeout=60_000)
    # voices comes next, before personas, marked "new"; once shown, the rotation goes on from there and the
    # alert does not bring it back each time
    assert own_page.evaluate("() => window.__shown.slice(0, 5)") == [
        ["mission", False], ["voices", True], ["actions", False], ["mission", False], ["personas", False]]
    wall.jump_to("voices")
    expect(own_page.locator("#wall-new")).to_have_text("New")
    expect(own_page.locator("#wall-panels > [data-panel=voices] .page.is-active")).to_contain_text("heard nothing")


# --- the server going away --------------------------------------------------------------------------------


def test_without_its_server_the_wall_keeps_rotating_and_shows_new_data_when_it_is_back(tmp_path, own_page):
    server = own_server(tmp_path)
    polls: list[str] = []
    own_page.on("request", lambda request: polls.append(request.url)
                if "/_dash-update-component" in request.url or "/_obeya/version" in request.url else None)
    wall = Wall(own_page, server).open(panel="mission", rotate=5)
    own_page.evaluate("() => { window.__marker = 1; }")  # gone once the page has reloaded
    try:
        server.stop()
        expect(own_page.locator("#wall-mode")).to_have_text(OFFLINE, timeout=15_000)
        expect(wall.root).to_have_attribute("data-offline", "1")
        polls_when_down = len(polls)
        first = wall.wait_for_change()
        second = wall.wait_for_change(first)
        assert first != second, "the wall stopped rotating without its server"
        assert len(polls) <= polls_when_down + 1, "the page keeps asking for new panels every 2 s while down"

        with_new_comment = server.database_url
        engine = make_engine(with_new_comment)
        with engine.begin() as connection:
            connection.execute(insert(survey_responses), [dict(
                response_id="R-WHILE-DOWN", ticket_id="T-WHILE-DOWN", service="lims", score=1,
                comment="Written while the wall's server was down",
                responded_at=(datetime.now(timezone.utc) - timedelta(minutes=30)).replace(tzinfo=None))])
        engine.dispose()
        server.start()
        # the same code started again (the same boot id): the page carries on without a reload
        expect(wall.root).not_to_have_attribute("data-offline", "1", timeout=30_000)
        assert own_page.evaluate("() => window.__marker === 1"), "the page reloaded for a restart of the same code"
        wall.settle()
        wall.jump_to("voices")
        expect(own_page.locator("#wall-panels > [data-panel=voices] .page.is-active")).to_contain_text(
            "Written while the wall's server was down", timeout=30_000)
    finally:
        print(server.stop())


def test_after_a_network_cut_the_same_server_sends_new_data_without_a_reload(tmp_path, own_page):
    server = own_server(tmp_path)
    wall = Wall(own_page, server).open(panel="voices", rotate=0)
    own_page.evaluate("() => { window.__marker = 1; }")
    own_page.route(f"{server.url}/**", lambda route: route.abort())  # the TV's network goes away
    try:
        expect(own_page.locator("#wall-mode")).to_have_text(OFFLINE, timeout=15_000)
        engine = make_engine(server.database_url)
        with engine.begin() as connection:  # meanwhile an import writes a comment
            connection.execute(insert(survey_responses), [dict(
                response_id="R-DURING-CUT", ticket_id="T-DURING-CUT", service="lims", score=1,
                comment="Written while the TV was cut off",
                responded_at=(datetime.now(timezone.utc) - timedelta(minutes=10)).replace(tzinfo=None))])
            mark_data_changed(connection)
        engine.dispose()
    finally:
        own_page.unroute(f"{server.url}/**")
    expect(wall.root).not_to_have_attribute("data-offline", "1", timeout=90_000)
    expect(own_page.locator("#wall-panels > [data-panel=voices] .page.is-active")).to_contain_text(
        "Written while the TV was cut off", timeout=30_000)
    assert own_page.evaluate("() => window.__marker") == 1, "the page reloaded: the same server needs none"
    server.stop()
