"""Every character shows (issue 14): emoji and other scripts are drawn by the wall's own fonts, on a box without any.

The box behind the TV may have no fonts but the one Chromium needs to draw
text at all. These tests run Chromium on such a box (`bare_box`: fontconfig
sees a single Latin-only font, Atkinson Hyperlegible's latin subset) against
the real server, whose newest survey comments hold emoji (skin tones, ZWJ
sequences, flags), Cyrillic, Greek, Turkish, Polish, Vietnamese, Arabic,
Hebrew and symbols. Chrome DevTools reports which font drew each text
(`CSS.getPlatformFontsForNode`): a text the page's fonts cannot draw falls
to the box's font, which has only Latin letters, so what it draws there is
the missing-glyph box.
"""

from __future__ import annotations

import os
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from obeya.config import load_config
from test_browser_layout import panel_problems, problems_report
from tests.bare_box import bare_box_fontconfig
from wall_driver import (ACTIVE_PAGE, CHROMIUM, LAUNCH_ARGS, SharedWalls, Wall, WallServer, new_page,
                         newest_comments, quick_config, served_wall)

SIZES = [(1920, 1080), (3840, 2160)]

# The newest comments, all on the voices panel (voices.count is set to 6): (score, comment).
EMOJI = "🎉😀😃😄😁😆😅😂🤣😊😇🙂🙃😉😌😍🥰😘😗😙😚😋😛😝😜🤪🤨🧐🤓😎🥸🤩🥳"
GLYPH_COMMENTS = [
    (2, "Drucker geht wieder nicht 😡😡 – третий раз за неделю! Ticket zu 👎"),
    (10, "Super snel geholpen 👍🏽🙏 Dank je wel! ❤️✅ Ευχαριστώ πολύ"),
    (1, "👨‍💻 kam nicht → 0 ★ · İstanbul ekibi de şikâyetçi, w Łodzi też 😤"),
    (9, "Cảm ơn rất nhiều, Tiếng Việt ✓ 🇳🇱🇩🇪🇻🇳 👩🏿‍🔬"),
    (3, "شكرا، لكن الطابعة لا تعمل 🖨️ · תודה, אבל המדפסת לא עובדת ≥ 3 ימים"),
    (10, "Alles gut " + EMOJI * 4),
]

# Runs in the page: mark every element of the wall's frame and the active page that draws text of its own,
# so DevTools can ask which fonts drew it; returns how many.
MARK_TEXT = """
(activePage) => {
  document.querySelectorAll('[data-glyph-check]').forEach(el => el.removeAttribute('data-glyph-check'));
  const scopes = [document.querySelector(activePage), document.querySelector('.wall-header'),
                  document.querySelector('.wall-footer')].filter(Boolean);
  let count = 0;
  for (const scope of scopes) {
    for (const el of [scope, ...scope.querySelectorAll('*')]) {
      if (Array.from(el.childNodes).some(n => n.nodeType === 3 && n.textContent.trim())) {
        el.setAttribute('data-glyph-check', String(count++));
      }
    }
  }
  return count;
}
"""


@pytest.fixture(scope="module")
def bare_box(browser, tmp_path_factory):
    """A browser context of Chromium on a box with no fonts but a Latin last resort (tests/bare_box.py)."""
    fontconfig = bare_box_fontconfig(tmp_path_factory.mktemp("bare-box"))
    bare = browser.browser_type.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS,
                                       env=dict(os.environ, FONTCONFIG_FILE=str(fontconfig)))
    context = bare.new_context(viewport={"width": 1920, "height": 1080})
    context.set_default_timeout(10_000)
    yield context
    context.close()
    bare.close()


# An event on the charts: chart text (SVG), and the legend's event marker (┆), a glyph Atkinson lacks.
EVENT = "Новый сервер 🚀 Ελλάδα"


@pytest.fixture(scope="module")
def glyph_server(tmp_path_factory) -> WallServer:
    """The real server on the test config showing six comments, GLYPH_COMMENTS, and EVENT on the charts."""
    folder = tmp_path_factory.mktemp("wall-glyphs")
    config_dir = quick_config(folder / "config")
    wall_yaml = config_dir / "wall.yaml"
    wall_yaml.write_text(re.sub(r"(?m)^  count: \d+$", "  count: 6", wall_yaml.read_text(encoding="utf-8")),
                         encoding="utf-8")
    event_day = datetime.now(ZoneInfo(load_config(config_dir).wall.timezone)).date() - timedelta(days=10)
    (config_dir / "annotations.yaml").write_text(f"annotations:\n  - date: {event_day}\n    text: {EVENT}\n",
                                                 encoding="utf-8")
    with served_wall(folder, config_dir, newest_comments(GLYPH_COMMENTS)) as server:
        yield server


@pytest.fixture(scope="module")
def bare_walls(bare_box, glyph_server):
    with SharedWalls(bare_box, glyph_server) as walls:
        yield walls


def not_drawn(wall) -> list[str]:
    """The texts on screen (frame and active page) that some character of fell to the box's own font."""
    count = wall.page.evaluate(MARK_TEXT, ACTIVE_PAGE)
    devtools = wall.page.context.new_cdp_session(wall.page)
    try:
        devtools.send("DOM.enable")
        devtools.send("CSS.enable")
        root = devtools.send("DOM.getDocument")["root"]["nodeId"]
        found = []
        for node in devtools.send("DOM.querySelectorAll", {"nodeId": root, "selector": "[data-glyph-check]"})["nodeIds"]:
            fonts = devtools.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
            if any(not font["isCustomFont"] for font in fonts):
                text = devtools.send("DOM.getOuterHTML", {"nodeId": node})["outerHTML"]
                used = ", ".join(f"{font['familyName']}{'' if font['isCustomFont'] else ' (the box)'}"
                                 f" ×{font['glyphCount']}" for font in fonts)
                found.append(f"{text[:160]} — drawn with {used}")
        assert count > 0
        return found
    finally:
        devtools.detach()


def test_every_character_on_every_panel_is_drawn_by_the_walls_own_fonts(bare_walls):
    wall = bare_walls.at(SIZES[0])
    found = {}
    for panel in wall.panel_ids():
        wall.jump_to(panel)
        pages = wall.page_count(panel)
        for number in range(pages):
            wall.wait_for_page(panel, number)
            wall.settle()
            missing = not_drawn(wall)
            if missing:
                found[f"{panel} page {number + 1} of {pages}"] = missing
            if number + 1 < pages:
                wall.press("ArrowRight")
    assert not found, "characters drawn as missing-glyph boxes:\n" + problems_report(found)
    assert bare_walls.new_errors() == []


def test_the_comments_and_the_event_show_as_typed(bare_walls):
    wall = bare_walls.at(SIZES[0])
    shown = wall.jump_to("voices").panel_text("voices")
    for _score, comment in GLYPH_COMMENTS:
        assert comment[:40] in shown, f"{comment!r} is not on the voices panel:\n{shown}"
    assert EVENT in wall.jump_to("nps").panel_text("nps")


@pytest.mark.parametrize("size", SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
def test_comments_full_of_emoji_and_other_scripts_fit_their_cards(bare_walls, size):
    wall = bare_walls.at(size)
    found = panel_problems(wall.jump_to("voices"), "voices", size)
    assert not found, problems_report(found)
    assert bare_walls.new_errors() == []


def test_the_fonts_come_from_the_wall_and_nothing_from_another_host(bare_box, glyph_server):
    page = new_page(bare_box)
    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url))
    try:
        Wall(page, glyph_server).open(panel="voices", rotate=0)
        elsewhere = [url for url in asked if not url.startswith(glyph_server.url + "/")]
        assert elsewhere == [], f"the page asked another host: {elsewhere}"
        fonts = [url for url in asked if url.split("?")[0].endswith(".woff2")]
        assert any("/assets/vendor/noto/noto-emoji/" in url for url in fonts), fonts
        assert any("/assets/vendor/noto/noto-sans/" in url for url in fonts), fonts
        assert page.browser_errors.messages == []
    finally:
        page.close()
