"""Browser tests: the real server in a subprocess, headless Chromium, and a `wall` that speaks the domain.

One server runs for the whole session on a free port, reading a temp copy of
the TEST config (`tests/fixtures/config`, never the shipped `config/`) and a
fresh temp SQLite database filled with known rows (`wall_driver.KNOWN_DATA`),
so the tests can assert exact text: persona names, service names, comments, NPS.
Every test fails if the browser logs an error (console or uncaught).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from wall_driver import (served_wall, CHROMIUM, KNOWN_DATA, LAUNCH_ARGS, KnownData, SharedWalls, Wall, WallServer,
                         fill_test_database, new_page, quick_config)


@pytest.fixture(scope="session")
def wall_server(tmp_path_factory) -> WallServer:
    """The real wall server for the session, on a copy of the test config and a fresh test database.

    `wall_server.config_dir` is the copy: a test may edit it (the wall reloads it within seconds).
    """
    folder = tmp_path_factory.mktemp("wall")
    server = served_wall(folder, quick_config(folder / "config"), fill_test_database)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def known_data() -> KnownData:
    return KNOWN_DATA


@pytest.fixture(scope="session")
def browser() -> Browser:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium chromium-driver (tests/run.sh does it)",
                    pytrace=False)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def browser_context(browser: Browser):
    """One context for the session, so pages share the HTTP cache (plotly.js is big); each test gets its own page."""
    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    context.set_default_timeout(10_000)
    yield context
    context.close()


def fail_on_browser_errors(messages: list[str], request) -> None:
    if messages and not request.node.get_closest_marker("xfail"):
        pytest.fail("the browser logged errors:\n" + "\n".join(messages), pytrace=False)


@pytest.fixture
def page(browser_context, wall_server: WallServer, request) -> Page:
    """A fresh 1920×1080 page on a rotating wall; fails the test at teardown if the browser logged an error."""
    wall_server.check_alive()
    wall_server.rotate_again()  # every screen shares a hold or a stand-up: start from neither
    page = new_page(browser_context)
    yield page
    page.close()
    wall_server.check_alive()
    fail_on_browser_errors(page.browser_errors.messages, request)


@pytest.fixture
def wall(page: Page, wall_server: WallServer) -> Wall:
    """The wall in a fresh page: `wall.open(panel=..., rotate=..., kiosk=..., size=...)` first."""
    return Wall(page, wall_server)


@pytest.fixture(scope="module")
def shared_walls(browser_context, wall_server: WallServer):
    walls = SharedWalls(browser_context, wall_server)
    yield walls
    walls.close()


@pytest.fixture
def show(shared_walls: SharedWalls, wall_server: WallServer, request):
    """`show("nps", size=(w, h))`: a held wall of that size with that panel on screen (its first page).

    For tests that only look: the wall stays open across a module's tests.
    """
    wall_server.check_alive()

    def show(panel: str, size: tuple[int, int] = (1920, 1080)) -> Wall:
        wall = shared_walls.at(size)
        wall.jump_to(panel)
        return wall

    yield show
    wall_server.check_alive()
    fail_on_browser_errors(shared_walls.new_errors(), request)


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: drives the real server in headless Chromium")


def pytest_collection_modifyitems(items):
    browser_dir = Path(__file__).parent
    for item in items:
        if browser_dir in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)
