"""The wall in Dutch and German: every page of every panel fits at 1080p and 4K with big enough text,
the team's own words, logo and accent show, and wall.js writes its words in the wall's language."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from obeya.config import load_config
from test_browser_layout import panels_problems, problems_report
from wall_driver import PANEL_ORDER, SharedWalls, WallServer, fill_test_database, quick_config

SIZES = [(1920, 1080), (3840, 2160)]


def solid_png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A real PNG of one colour (the wall serves only images whose bytes say what they are)."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


ACCENT = "#ffb000"
BRANDED = {  # the Dutch wall also carries a team's own word, logo and accent
    "nl": 'labels:\n  mission.title: Waarom we er zijn\nbrand:\n  logo: logo.png\n  accent: "%s"\n' % ACCENT,
    "de": "",
}


@pytest.fixture(scope="module", params=sorted(BRANDED))
def language_server(request, tmp_path_factory):
    """The real server on the test config in one language (one server per language)."""
    language = request.param
    folder = tmp_path_factory.mktemp(f"wall-{language}")
    config_dir = quick_config(folder / "config")
    (config_dir / "logo.png").write_bytes(solid_png(120, 40, (255, 176, 0)))
    with (config_dir / "wall.yaml").open("a", encoding="utf-8") as wall_yaml:
        wall_yaml.write(f"language: {language}\n" + BRANDED[language])
    database_url = f"sqlite:///{folder / 'wall.db'}"
    fill_test_database(database_url, load_config(config_dir).wall.timezone)
    server = WallServer(config_dir, database_url, folder / "server.log")
    server.start()
    server.language = language
    yield server
    server.stop()


@pytest.fixture(scope="module")
def language_walls(browser_context, language_server):
    walls = SharedWalls(browser_context, language_server)
    yield walls
    walls.close()


@pytest.mark.parametrize("size", SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
def test_every_page_fits_with_big_enough_text_in_the_language(language_walls, language_server, size):
    wall = language_walls.at(size)
    found = panels_problems(wall, PANEL_ORDER, size)
    assert not found, f"in {language_server.language}:\n" + problems_report(found)
    assert language_walls.new_errors() == []


def test_the_team_words_logo_accent_and_mode_words_show(language_walls, language_server):
    wall = language_walls.at(SIZES[0])
    wall.jump_to("mission")
    expect(wall.root).to_have_attribute("lang", language_server.language)
    if language_server.language == "de":
        assert "UNSERE MISSION" in wall.visible_text().upper()
        assert wall.page.locator("#wall-mode").inner_text() == "Angehalten – Leertaste setzt fort"
        return
    shown = wall.visible_text().upper()  # headings are set in capitals by the stylesheet
    assert "WAAROM WE ER ZIJN" in shown and "ONZE BELOFTE AAN JOU" in shown
    logo = wall.page.locator(".wall-header img.wall-logo")
    expect(logo).to_be_visible()
    wall.page.wait_for_function("() => document.querySelector('.wall-logo').naturalWidth > 0")
    accent = wall.page.evaluate("() => getComputedStyle(document.getElementById('wall'))"
                                ".getPropertyValue('--accent').trim()")
    assert accent == ACCENT
    # Held by ?rotate=0: wall.js writes the mode in Dutch, from the words the page carries.
    assert wall.mode_text() == "Vastgehouden – druk op spatie"
    wall.press("Space").wait_for_mode("rotating")
    expect(wall.page.locator("#wall-mode")).to_have_text("Wisselt automatisch")
    wall.press("Space").wait_for_mode("held")
