"""How the wall moves: rotation, the facilitator's keys and clicks, hold and pause, deep links, kiosk mode.

Rotation periods come from `?rotate=` (FAST here, the shortest the wall takes)
or from the session's config (conftest.ROTATE_SECONDS, IDLE_RESUME_SECONDS);
tests that watch a whole rotation move the page's clock by hand. Waiting is on
conditions; `stays_on` watches for a stretch only to prove nothing changes.
"""

from __future__ import annotations

import pytest

from wall_driver import IDLE_RESUME_SECONDS, PANEL_ORDER, ROTATE_SECONDS, Wall, new_page

LONG = 600  # ?rotate= for tests about keys: long enough that rotation never interferes
FAST = 5  # the shortest ?rotate= the wall takes (wall.js MIN_ROTATE_SECONDS)
TICK_MS = 200  # wall.js looks at the time this often, so a switch comes up to one tick after it is due


@pytest.fixture
def clocked_wall(browser, wall_server):
    """A wall whose page clock the test may stop and move (`stop_the_clock`, `page.clock.run_for`).

    A context of its own: Playwright's clock belongs to the context, and the other tests' pages share theirs.
    """
    wall_server.rotate_again()
    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    context.set_default_timeout(10_000)
    context.clock.install()
    page = new_page(context)
    yield Wall(page, wall_server)
    errors = page.browser_errors.messages
    context.close()
    assert not errors, "the browser logged errors:\n" + "\n".join(errors)


def stop_the_clock(wall) -> None:
    """Stop the page's clock where it is (after `open`: loading needs it running); only `run_for` moves it then."""
    # A second ahead: the clock runs on while this call travels, and it cannot be set back. Python passes seconds.
    wall.page.clock.pause_at(wall.page.evaluate("Date.now() + 1000") / 1000)


def run_until_recorded(wall, changes: int) -> None:
    """Move the stopped clock one period at a time (one slide each) until `changes` panel changes are recorded."""
    for _ in range(len(wall.slides()) + changes):
        if len(wall.page.evaluate("window.__panels")) > changes:
            return
        wall.page.clock.run_for(FAST * 1000)


# --- rotation ---------------------------------------------------------------------------------------------------


def test_wall_rotates_through_every_panel_in_order_and_wraps_around(clocked_wall):
    wall = clocked_wall
    wall.record_panels().open(rotate=FAST)
    stop_the_clock(wall)
    run_until_recorded(wall, len(PANEL_ORDER))
    seen = wall.wait_for_recorded_changes(len(PANEL_ORDER), timeout=10_000)
    assert [entry["panel"] for entry in seen] == PANEL_ORDER + ["mission"]
    assert wall.mode() == "rotating"
    assert wall.mode_text() == "Rotating"


def test_rotate_zero_holds_the_wall(wall):
    wall.open(rotate=0)
    assert wall.active_panel() == "mission"
    assert wall.mode() == "held"
    assert wall.mode_text().startswith("Held")
    assert wall.stays_on("mission", (ROTATE_SECONDS + 1) * 1000), "rotate=0 must hold, not use the config period"


def test_space_resumes_a_wall_opened_with_rotate_zero(wall):
    wall.open(rotate=0)
    wall.press(" ").wait_for_mode("rotating")
    wall.wait_for_change(timeout=(ROTATE_SECONDS + 2) * 1000)


def test_a_rotate_below_the_minimum_rotates_at_the_minimum(clocked_wall):
    wall = clocked_wall
    wall.open(rotate=0.0001)
    stop_the_clock(wall)
    for _ in range(2 * FAST * 1000 // TICK_MS):  # to the moment of a switch
        before = wall.slide()
        wall.page.clock.run_for(TICK_MS)
        if wall.slide() != before:
            break
    shown = wall.slide()
    wall.page.clock.run_for(FAST * 1000 - TICK_MS)
    assert wall.slide() == shown, "the slide changed before the minimum period"
    wall.page.clock.run_for(2 * TICK_MS)
    assert wall.slide() != shown, "the slide did not change after the minimum period"
    assert wall.mode() == "rotating"


def test_malformed_rotate_is_ignored_and_the_configured_period_applies(wall):
    wall.record_panels().open(rotate="abc")
    assert wall.mode() == "rotating"
    seen = wall.wait_for_recorded_changes(1, timeout=(ROTATE_SECONDS + 10) * 1000)
    assert [entry["panel"] for entry in seen] == ["mission", "personas"]
    shown_for = (seen[1]["at"] - seen[0]["at"]) / 1000
    # the configured period, not 0, 1 s or NaN (timers may run a little late on a busy machine)
    assert ROTATE_SECONDS - 0.5 <= shown_for <= ROTATE_SECONDS + 3, f"mission was shown {shown_for:.1f} s"


# --- keys -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["ArrowRight", "PageDown"])
def test_next_key_shows_the_next_page_or_panel(wall, key):
    wall.open(panel="journey", rotate=LONG)
    slides = wall.slides()
    start = slides.index(("journey", 0))
    wall.press(key).wait_for_slide(slides[start + 1])
    wall.press(key).wait_for_slide(slides[start + 2])
    assert wall.mode() == "paused"


@pytest.mark.parametrize("key", ["ArrowLeft", "PageUp"])
def test_previous_key_shows_the_previous_page_or_panel_and_wraps_to_the_last(wall, key):
    wall.open(panel="personas", rotate=LONG)
    slides = wall.slides()
    assert slides[:2] == [("mission", 0), ("personas", 0)]
    wall.press(key).wait_for_slide(slides[0])
    wall.press(key).wait_for_slide(slides[-1])
    assert slides[-1][0] == PANEL_ORDER[-1]
    assert wall.mode() == "paused"


def test_home_key_shows_the_first_panel(wall):
    wall.open(panel="ftr", rotate=LONG)
    wall.press("Home").wait_for_slide(("mission", 0))
    assert wall.mode() == "paused"


def test_number_keys_jump_to_that_panel(wall):
    wall.open(panel="voices", rotate=LONG)
    for number, panel in enumerate(PANEL_ORDER, start=1):
        wall.press(str(number)).wait_for_slide((panel, 0))
    assert wall.mode() == "paused"


def test_number_key_beyond_the_panel_count_does_nothing(wall):
    wall.open(panel="journey", rotate=LONG)
    for number in range(len(PANEL_ORDER) + 1, 10):
        wall.press(str(number))
        assert wall.active_panel() == "journey"
        assert wall.mode() == "rotating", f"key {number} does nothing, so it must not pause rotation either"
    assert wall.stays_on("journey", 300)
    wall.press("4").wait_for_panel("nps")  # while a real number key still works


@pytest.mark.parametrize("key", [" ", "p", "P"], ids=["Space", "p", "P"])
def test_space_or_p_holds_and_resumes_rotation(wall, key):
    wall.open(rotate=FAST)
    wall.press(key).wait_for_mode("held")
    assert wall.mode_text().startswith("Held")
    held_on = wall.active_panel()
    assert wall.stays_on(held_on, 2000), "the wall moved while held"
    wall.press(key).wait_for_mode("rotating")
    wall.wait_for_change(timeout=(FAST + 2) * 1000)


def test_held_wall_still_moves_with_keys_and_stays_held(wall):
    wall.open(rotate=FAST)
    wall.press(" ").wait_for_mode("held")
    slides = wall.slides()
    after = slides[(slides.index(wall.slide()) + 1) % len(slides)]
    wall.press("ArrowRight").wait_for_slide(after)
    assert wall.mode() == "held"
    assert wall.stays_on(after[0], 1500)


def test_f_key_toggles_full_screen(wall):
    # Headless Chromium grants full screen to a key press, so this checks the real thing.
    wall.open(rotate=LONG)
    assert wall.page.evaluate("() => document.fullscreenElement") is None
    wall.press("f")
    wall.page.wait_for_function("() => document.fullscreenElement !== null")
    wall.press("F")
    wall.page.wait_for_function("() => document.fullscreenElement === null")
    assert wall.active_panel() == "mission", "full screen is not navigation"


# --- facilitator input pauses, then rotation resumes by itself ---------------------------------------------------


def test_facilitator_key_pauses_rotation_until_idle_time_passes(wall):
    wall.open(rotate=FAST)
    wall.press("ArrowRight")
    wall.wait_for_mode("paused")
    paused_on = wall.active_panel()
    assert wall.mode_text().startswith("Paused"), wall.mode_text()
    assert wall.stays_on(paused_on, 2000), "the wall moved while paused"
    # resumes by itself after idle_resume_seconds (from the session's wall.yaml)
    wall.wait_for_mode("rotating", timeout=(IDLE_RESUME_SECONDS + 5) * 1000)
    wall.wait_for_change(timeout=(FAST + 2) * 1000)


# --- clicks -----------------------------------------------------------------------------------------------------


def test_clicking_a_tab_jumps_to_that_panel(wall):
    wall.open(panel="journey", rotate=LONG)
    for panel in ["nps", "voices", "mission", "ftr"]:
        wall.goto(panel).wait_for_slide((panel, 0))
    assert wall.mode() == "paused"


def test_control_buttons_step_and_hold(wall):
    wall.open(panel="mission", rotate=LONG)
    wall.click_control("next").wait_for_slide(("personas", 0))
    assert wall.mode() == "paused"
    wall.click_control("prev").wait_for_slide(("mission", 0))
    wall.click_control("hold").wait_for_mode("held")
    wall.click_control("hold").wait_for_mode("rotating")


# --- deep links and kiosk ---------------------------------------------------------------------------------------


def test_deep_link_opens_the_panel(wall):
    wall.open(panel="nps", rotate=LONG)
    assert wall.active_panel() == "nps"
    assert wall.page.locator('[data-panel="nps"]').is_visible()
    assert wall.mode() == "rotating"


def test_unknown_deep_link_falls_back_to_the_first_panel(wall):
    wall.open(panel="nope", rotate=LONG)
    assert wall.active_panel() == "mission"
    assert wall.page.locator('[data-panel="mission"]').is_visible()
    assert wall.mode() == "rotating"
    assert wall.browser_errors() == []


def test_kiosk_hides_the_controls_but_keeps_rotating_with_tabs(clocked_wall):
    wall = clocked_wall
    wall.record_panels().open(kiosk=1, rotate=FAST)
    assert wall.root.get_attribute("data-kiosk") == "1"
    assert not wall.page.locator(".wall-controls").is_visible()
    tabs = wall.page.locator("button.wall-tab")
    assert tabs.count() == len(PANEL_ORDER)
    for n in range(tabs.count()):
        assert tabs.nth(n).is_visible()
    stop_the_clock(wall)
    run_until_recorded(wall, 2)
    seen = wall.wait_for_recorded_changes(2, timeout=10_000)
    assert [entry["panel"] for entry in seen] == PANEL_ORDER[:3]


def test_without_kiosk_the_controls_are_shown(wall):
    wall.open(rotate=LONG)
    assert wall.root.get_attribute("data-kiosk") != "1"
    assert wall.page.locator(".wall-controls").is_visible()
