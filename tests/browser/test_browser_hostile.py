"""Hostile input is shown as text and executes nothing (issue 6).

The wall here runs on `tests/fixtures/hostile/config`, where every free-text
field a team types (title, mission, personas, journey, services, event
annotations) holds markup, script, link or template syntax, and on a database
whose survey comments hold the same. Each panel is checked page by page in
headless Chromium: no script ran (`window.__pwned`, no dialog), the text did
not turn into elements (no script, iframe, foreign image, event handler or
`javascript:` link inside `#wall`), and the characters typed are on screen.
"""

from __future__ import annotations

import re
import shutil
import urllib.request
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from obeya.config import load_config
from wall_driver import REPO_ROOT, Wall, WallServer, new_page, newest_comments, served_wall

HOSTILE_CONFIG_DIR = REPO_ROOT / "tests" / "fixtures" / "hostile" / "config"

# What the fixture config and the test database say, as the wall must show it: character for character.
SCRIPT = "<script>window.__pwned=1</script>"
IMG = '<img src=x onerror="window.__pwned=1">'
JS_URL = "javascript:window.__pwned=1"
MARKDOWN_LINK = "[click](javascript:window.__pwned=1)"
JS_LINK = '<a href="javascript:window.__pwned=1">x</a>'
TEMPLATE = "{{7*7}}"
SVG = "<svg onload=window.__pwned=1>"
IFRAME = '"><iframe src=javascript:alert(1)>'
ENTITY = "&lt;b&gt;"
BOLD = "<b onmouseover=alert(1)>Bold</b>"

# The newest survey comments, all on screen on the voices panel (voices.count is 6).
HOSTILE_COMMENTS = [  # (score, comment)
    (1, SCRIPT),
    (10, IMG),
    (2, f"{MARKDOWN_LINK} {TEMPLATE}"),
    (9, JS_LINK),
    (0, f"{IFRAME} {SVG}"),
    (10, f"{ENTITY} {JS_URL}"),
]

# Per panel, text that must be on its pages exactly as typed (compared case-insensitively: CSS may
# upper-case a heading). The nps and ftr panels show the event annotations in their legends.
EXPECTED_TEXT = {
    "mission": [SCRIPT, TEMPLATE, ENTITY, IFRAME, SVG, MARKDOWN_LINK, JS_LINK, JS_URL,
                "<b onmouseover=alert(1)>bold</b>"],
    "personas": [SCRIPT, IMG, IFRAME, SVG, MARKDOWN_LINK, JS_LINK, JS_URL, ENTITY, BOLD,
                 "<style>body{display:none}</style>"],
    "journey": [SCRIPT, IMG, MARKDOWN_LINK, SVG, JS_URL, IFRAME, JS_LINK, TEMPLATE],
    "nps": [SCRIPT, JS_LINK, IMG],
    "ftr": [SCRIPT, JS_LINK, IMG, TEMPLATE, IFRAME, MARKDOWN_LINK],
    "voices": [SCRIPT, IMG, MARKDOWN_LINK, TEMPLATE, JS_LINK, IFRAME, SVG, ENTITY, JS_URL],
}
PANELS = list(EXPECTED_TEXT)

# Runs in the page: every element that hostile text may have turned into, in the wall's frame (header, footer,
# banner) and in one panel (every panel is mounted at once, so each is checked on its own).
INJECTED = r"""
(panel) => {
  const found = [];
  const other = el => { const section = el.closest('#wall-panels > [data-panel]');
                        return section !== null && section.getAttribute('data-panel') !== panel; };
  const forbidden = ['script', 'iframe', 'frame', 'frameset', 'object', 'embed', 'base', 'meta', 'link', 'form',
                     'style', 'a', 'details', 'math', 'foreignobject'];
  const urlAttributes = ['href', 'xlink:href', 'src', 'srcset', 'srcdoc', 'action', 'formaction', 'data', 'poster',
                         'background', 'ping'];
  for (const el of document.querySelectorAll('#wall, #wall *')) {
    if (other(el)) continue;
    const tag = el.tagName.toLowerCase();
    const where = el.outerHTML.slice(0, 80);
    if (forbidden.includes(tag)) found.push(`<${tag}> element: ${el.outerHTML.slice(0, 120)}`);
    // The wall's own pairing QR code (key R) is drawn by the server as an SVG, never from team text.
    const pairing = el.classList.contains('wall-pairing-qr') && el.closest('#wall-pairing') !== null &&
                    (el.getAttribute('src') || 'data:image/svg+xml').startsWith('data:image/svg+xml');
    if ((tag === 'img' || tag === 'image') && !pairing &&
        !(el.getAttribute('src') || el.getAttribute('href') || '').startsWith('/config-file/')) {
      found.push(`image not from /config-file/: ${el.outerHTML.slice(0, 120)}`);
    }
    for (const attr of Array.from(el.attributes)) {
      const name = attr.name.toLowerCase();
      if (name.startsWith('on')) found.push(`event handler ${name}="${attr.value}" on ${where}`);
      if (urlAttributes.includes(name) && /^\s*(javascript|vbscript|data:text\/html)/i.test(attr.value)) {
        found.push(`${name}="${attr.value}" on ${where}`);
      }
    }
  }
  return found;
}
"""

# Runs in the page: all the text of one panel's active page, as the browser lays it out (chart text included).
PAGE_TEXT = """
() => {
  const page = document.querySelector('#wall-panels > .panel.is-active > .page.is-active');
  if (!page) return '';
  return [page.innerText, ...Array.from(page.querySelectorAll('svg text')).map(t => t.textContent)].join('\\n');
}
"""


def said(text: str) -> str:
    return " ".join(text.split()).casefold()


def hostile_config(folder: Path) -> Path:
    """A copy of the hostile config with its annotation dates moved into the weeks the charts show."""
    shutil.copytree(HOSTILE_CONFIG_DIR, folder)
    config = load_config(folder)
    today = datetime.now(ZoneInfo(config.wall.timezone)).date()
    annotations = folder / "annotations.yaml"
    dates = iter([today - timedelta(days=days) for days in (22, 15, 8)])
    text, replaced = re.subn(r"(?m)^(\s*- date:) \S+$", lambda match: f"{match[1]} {next(dates)}",
                             annotations.read_text(encoding="utf-8"))
    assert replaced == 3, "tests/fixtures/hostile/config/annotations.yaml should hold three annotations"
    annotations.write_text(text, encoding="utf-8")
    load_config(folder)  # still valid
    return folder


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory) -> WallServer:
    folder = tmp_path_factory.mktemp("hostile")
    server = served_wall(folder, hostile_config(folder / "config"), newest_comments(HOSTILE_COMMENTS))
    yield server
    print(f"--- hostile server output ---\n{server.output()}")
    server.stop()


@pytest.fixture(scope="module")
def hostile_wall(browser_context, hostile_server: WallServer) -> Wall:
    """One held wall on the hostile config for the module; any dialog (alert, confirm...) is recorded."""
    page = new_page(browser_context)
    page.dialogs = []

    def on_dialog(dialog) -> None:
        page.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", on_dialog)
    wall = Wall(page, hostile_server).open(rotate=0)
    yield wall
    page.close()


@pytest.fixture
def checked_wall(hostile_wall: Wall, hostile_server: WallServer) -> Wall:
    """The hostile wall; at teardown, fails the test if a dialog opened or the browser logged an error."""
    hostile_server.check_alive()
    errors_before = len(hostile_wall.browser_errors())
    dialogs_before = len(hostile_wall.page.dialogs)
    yield hostile_wall
    hostile_server.check_alive()
    assert hostile_wall.page.dialogs[dialogs_before:] == [], "a dialog opened: hostile text ran as script"
    assert hostile_wall.browser_errors()[errors_before:] == [], "the browser logged errors"


def assert_nothing_ran_or_was_injected(wall: Wall, panel: str) -> None:
    """No script ran, no dialog opened, and neither the wall's frame nor `panel` holds markup made from text."""
    assert wall.page.evaluate("() => typeof window.__pwned") == "undefined", "hostile text ran as script"
    assert wall.page.dialogs == [], "a dialog opened: hostile text ran as script"
    injected = wall.page.evaluate(INJECTED, panel)
    assert injected == [], f"hostile text became markup on {panel} or the wall's frame:\n" + "\n".join(injected)




@pytest.mark.parametrize("panel", PANELS)
def test_hostile_text_on_each_panel_is_shown_as_typed_and_runs_nothing(checked_wall: Wall, panel: str):
    wall = checked_wall.jump_to(panel)
    texts = []
    for number in range(wall.page_count(panel)):
        wall.wait_for_page(panel, number)
        wall.settle()
        assert_nothing_ran_or_was_injected(wall, panel)
        texts.append(wall.page.evaluate(PAGE_TEXT))
        if number + 1 < wall.page_count(panel):
            wall.press("ArrowRight")
    shown = said(" ".join(texts))
    missing = [text for text in EXPECTED_TEXT[panel] if said(text) not in shown]
    assert not missing, f"not shown as typed on {panel}: {missing}\n--- the panel shows ---\n{' '.join(texts)}"


def test_the_header_shows_the_hostile_title_and_team_as_text(checked_wall: Wall):
    header = checked_wall.page.locator("#wall .wall-header")
    assert said(SCRIPT) in said(header.inner_text())
    assert said(IMG) in said(header.inner_text())
    assert_nothing_ran_or_was_injected(checked_wall, checked_wall.active_panel())


def test_every_response_carries_a_content_security_policy_without_inline_script(hostile_server: WallServer):
    for path in ("/", "/_dash-layout", "/_obeya/health"):
        with urllib.request.urlopen(hostile_server.url + path, timeout=10) as response:
            policy = response.headers.get("Content-Security-Policy")
        assert policy, f"{path} has no Content-Security-Policy header"
        directives = {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}
        scripts = directives.get("script-src", directives.get("default-src"))
        assert scripts, f"{path}: no script-src in {policy!r}"
        assert "'unsafe-inline'" not in scripts and "'unsafe-eval'" not in scripts, policy
        assert directives.get("object-src") == ["'none'"], policy
