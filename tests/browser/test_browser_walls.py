"""Several walls in the browser: a TV on `/w/a/` with its token, a phone on `/w/a/remote`, and wall b beside them.

A server of this module's own (`python app.py` with OBEYA_WALLS_DIR), two
walls with the same (test) YAML on their own SQLite files. Everything the
page asks for (Dash, wall.js's `/_obeya/...`, the event stream, the remote's
commands) has to find its wall under `/w/<id>/`.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from playwright.sync_api import expect

from wall_driver import PANEL_ORDER, Remote, Wall, fill_test_database, new_page, quick_config
from obeya.config import load_config
from tests.walls_server import WallsServer


@pytest.fixture(scope="module")
def walls(tmp_path_factory):
    folder = tmp_path_factory.mktemp("walls-browser")
    served = WallsServer(folder)
    for wall_id in ("a", "b"):
        config = quick_config(folder / f"config-{wall_id}")
        database = f"sqlite:///{folder / (wall_id + '.db')}"
        fill_test_database(database, load_config(config).wall.timezone)
        served.add_wall(wall_id, database=database, config=config)
    served.tokens = {"a": served.walls_command("token", "a"), "b": served.walls_command("token", "b"),
                     "a-remote": served.walls_command("token", "a", "--kind", "remote")}
    served.start()
    yield served
    served.stop()


@pytest.fixture
def contexts(browser):
    opened = []

    def new(**options):
        context = browser.new_context(**options)
        context.set_default_timeout(15_000)
        opened.append(context)
        return context
    yield new
    for context in opened:
        context.close()


def wall_at(walls, wall_id: str) -> SimpleNamespace:
    """What the wall driver needs of a server, for one wall of several: its address."""
    return SimpleNamespace(url=f"{walls.url}/w/{wall_id}")


def test_a_tv_rotates_wall_a_under_its_path_and_a_phone_moves_it_with_the_remote(walls, contexts):
    tv_page = new_page(contexts(viewport={"width": 1920, "height": 1080}))
    versions = []
    tv_page.on("response", lambda response: "/_obeya/version" in response.url and versions.append(response))
    tv = Wall(tv_page, wall_at(walls, "a")).open(rotate=5, token=walls.tokens["a"])
    assert tv_page.url == f"{walls.url}/w/a/?rotate=5"  # the token left the address bar
    assert tv.panel_ids() == PANEL_ORDER
    first = tv.slide()
    assert tv.wait_for_change(since=first, timeout=20_000) != first  # it rotates
    tv_page.wait_for_function("() => window.obeyaWall.shared() !== null")  # the event stream under /w/a/
    expect(tv_page.locator("#wall-mode")).to_have_attribute("data-mode", "rotating")
    tv_page.wait_for_event("response", lambda response: "/_obeya/version" in response.url)  # every 2 s
    assert versions and all(response.url.startswith(f"{walls.url}/w/a/_obeya/version") for response in versions)
    assert all(response.status == 200 for response in versions)

    phone_page = new_page(contexts(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True,
                                   has_touch=True))
    remote = Remote(phone_page, wall_at(walls, "a")).open(f"{walls.url}/w/a/remote?token={walls.tokens['a-remote']}")
    assert phone_page.url == f"{walls.url}/w/a/remote/"
    tv.press("Space").wait_for_mode("held")  # held: only a command moves it now
    held_on = tv.slide()
    remote.wait_for_mode("held")
    remote.press("next")
    moved_to = tv.wait_for_change(since=held_on)
    assert PANEL_ORDER.index(moved_to[0]) >= PANEL_ORDER.index(held_on[0])
    remote.press("goto:voices")
    tv.wait_for_panel("voices")
    expect(remote.page.locator("#remote-panel")).to_have_text("Voices")
    remote.press("hold")
    tv.wait_for_mode("rotating")

    # Wall b in the same browser: a's cookie (scoped to /w/a/) does not open it.
    other = tv_page.context.new_page()
    assert other.goto(f"{walls.url}/w/b/").status == 401
    assert other.goto(f"{walls.url}/w/a/_obeya/health").status == 200
    other.close()
    for page in (tv_page, phone_page):
        assert not page.browser_errors.messages, page.browser_errors.messages
