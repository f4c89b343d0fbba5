"""The pages the fitting chooses really fit: long German names, roles, items and compounds, six personas,
a journey of nine stages and nine long actions, at 1080p and 4K: nothing scrolls or clips, no text too small."""

from __future__ import annotations

import pytest

from obeya.config import load_config
from test_browser_layout import panels_problems, problems_report
from tests.long_content import ACTION_TITLES, LONGEST_WORD, NAMES, write_long_config
from wall_driver import SharedWalls, WallServer, fill_test_database, quick_config

SIZES = [(1920, 1080), (3840, 2160)]
PANELS = ["personas", "journey", "actions"]


@pytest.fixture(scope="module")
def long_server(tmp_path_factory):
    """The real server on the long German config, with the test database's numbers."""
    folder = tmp_path_factory.mktemp("wall-long")
    config_dir = quick_config(folder / "config")
    write_long_config(config_dir, source=config_dir)
    database_url = f"sqlite:///{folder / 'wall.db'}"
    fill_test_database(database_url, load_config(config_dir).wall.timezone)
    with WallServer(config_dir, database_url, folder / "server.log") as server:
        yield server


@pytest.fixture(scope="module")
def long_walls(browser_context, long_server):
    with SharedWalls(browser_context, long_server) as walls:
        yield walls


@pytest.mark.parametrize("size", SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
def test_every_page_of_long_personas_journey_and_actions_fits_with_big_enough_text(long_walls, size):
    wall = long_walls.at(size)
    found = panels_problems(wall, PANELS, size)
    assert not found, problems_report(found)
    assert long_walls.new_errors() == []


def test_the_long_content_is_on_the_wall_in_german(long_walls):
    wall = long_walls.at(SIZES[0])
    personas = wall.jump_to("personas").panel_text("personas")
    assert all(name in personas for name in NAMES)  # six personas, over the pages
    journey = wall.jump_to("journey").panel_text("journey")
    assert "von 9" in journey and LONGEST_WORD in journey.replace("\u00ad", "")
    assert wall.page_count("journey") > 1
    actions = wall.jump_to("actions").panel_text("actions")
    assert ACTION_TITLES[0] in actions and "Überfällig" in actions
