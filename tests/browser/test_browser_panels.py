"""What each panel shows when it is on screen, and the page's contract hooks (DESIGN.md, Interfaces).

The text comes from the TEST config (tests/fixtures/config) and the known rows
the session's test database holds (conftest.KNOWN_DATA). These tests only
look, so they share one held wall (`show`) and jump between panels.
"""

from __future__ import annotations

import re

from playwright.sync_api import expect
from wall_driver import PANEL_ORDER


def said(text: str) -> str:
    """`text` the way the tests compare it: whitespace collapsed, case folded (CSS may upper-case headings)."""
    return " ".join(text.split()).casefold()


def shows(wall_text: str, *phrases: str) -> list[str]:
    """The phrases that are NOT on the wall (empty when all are)."""
    return [phrase for phrase in phrases if said(phrase) not in said(wall_text)]


# --- content ----------------------------------------------------------------------------------------------------


def test_mission_panel_shows_the_mission_statement_and_promise(show, test_config):
    wall = show("mission")
    text = wall.panel_text("mission")
    assert not shows(text, test_config.mission.statement, test_config.mission.promise), text


def test_personas_panel_shows_every_persona_by_name(show, test_config):
    wall = show("personas")
    text = wall.panel_text("personas")
    names = [persona.name for persona in test_config.personas]
    assert len(names) == 3
    assert not shows(text, *names), text


def test_journey_panel_shows_the_journey_title_and_its_stages(show, test_config):
    journey = test_config.journeys[0]
    wall = show("journey")
    text = wall.panel_text("journey")
    assert not shows(text, journey.title, *(stage.name for stage in journey.stages)), text


def test_nps_panel_shows_as_of_and_the_current_nps(show, known_data):
    wall = show("nps")
    text = wall.panel_text("nps")
    assert re.search(r"as of \d{1,2}:\d\d", text, re.IGNORECASE), f"no 'as of HH:MM' in: {text}"
    # Every complete week of the test data has NPS +42.9: shown rounded or with one decimal.
    rounded = round(known_data.overall_nps)
    number = rf"(?<![\d.]){rounded}(?![\d.])|(?<![\d.]){known_data.overall_nps:.1f}(?!\d)"
    assert re.search(number, text), f"NPS {known_data.overall_nps:.1f} not shown in: {text}"


def test_as_of_on_screen_follows_the_servers_last_read_without_a_new_wall(show):
    """A read that found the same numbers draws no new wall: the screen keeps "as of" current itself."""
    wall = show("nps")
    shown = wall.page.locator('#wall-panels > [data-panel="nps"] .as-of').first
    current = shown.text_content()
    assert re.fullmatch(r"as of \d{1,2}:\d\d", current), current
    wall.page.evaluate("document.querySelectorAll('#wall .as-of').forEach(e => { e.textContent = 'as of 0:00'; })")
    expect(shown).to_have_text(re.compile(r"as of \d{1,2}:\d\d"), timeout=10_000)
    expect(shown).not_to_have_text("as of 0:00", timeout=10_000)


def test_ftr_panel_shows_each_service_by_name(show, test_config):
    wall = show("ftr")
    text = wall.panel_text("ftr")
    names = [service.name for service in test_config.services]
    assert len(names) == 2
    assert not shows(text, *names), text
    assert re.search(r"as of \d{1,2}:\d\d", text, re.IGNORECASE), f"no 'as of HH:MM' in: {text}"


def test_voices_panel_shows_recent_comments(show, known_data):
    wall = show("voices")
    text = wall.panel_text("voices")
    assert not shows(text, known_data.promoter_comment, known_data.detractor_comment), text


def test_voices_panel_masks_personal_data_and_leaves_out_hidden_responses(show, known_data):
    wall = show("voices")
    text = wall.panel_text("voices")
    assert not shows(text, "Please call me back on"), text
    assert said(known_data.masked_address) not in said(text)
    assert said(known_data.hidden_comment) not in said(text)


def test_actions_panel_shows_each_gap_with_the_actions_that_answer_it(show):
    wall = show("actions")
    text = wall.panel_text("actions")
    # The lab information system is right first time for 8 of 10 tickets a day, against a target of 90%.
    assert not shows(text, "You said, we did", "Lab information system",
                     "Off target: first time right 80% (target 90%)",
                     "Results pushed to the ward the moment they are signed off", "Planned \u00b7 Jonas Weber",
                     "Answering no current gap", "Overdue: due 1 Mar", "NPS: not enough responses to compare"), text


# --- contract hooks ---------------------------------------------------------------------------------------------


def test_wall_names_the_active_panel_and_mounts_each_configured_panel_once(show, test_config):
    wall = show("mission")
    configured = [setting.id for setting in test_config.wall.panels]
    assert configured == PANEL_ORDER
    assert wall.panel_ids() == configured, "panels mounted in config order"
    for panel in configured:
        assert wall.page.locator(f'[data-panel="{panel}"]').count() == 1, panel
    # it is the TEST config on screen, not the shipped one
    assert not shows(wall.page.locator(".wall-header").inner_text(), test_config.wall.team)


def test_only_the_active_panel_is_visible_and_the_wall_names_it(show):
    for panel in PANEL_ORDER:
        wall = show(panel)
        assert wall.active_panel() == panel
        visible = [other for other in PANEL_ORDER if wall.page.locator(f'[data-panel="{other}"]').is_visible()]
        assert visible == [panel]
        assert wall.page.locator(f'button.wall-tab[data-goto="{panel}"]').get_attribute("aria-current") == "true"
