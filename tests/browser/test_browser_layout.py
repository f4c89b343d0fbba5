"""Readable from across the room, on every TV size: nothing scrolls or clips, no text too small, no errors."""

from __future__ import annotations

import pytest

from tests.page_checks import SPILLS
from tests.wall_server import WallServer, demo_wall
from wall_driver import ACTIVE_PAGE, PANEL_ORDER, SharedWalls

TV_SIZES = [(1920, 1080), (2560, 1440), (3840, 2160)]
SMALLEST_TEXT_SHARE = 0.022  # of the viewport height (DESIGN.md, Look)

# Runs in the page: what is wrong with the active page (and the header and footer around it).
# Scroll/clip checks skip SVG and plotly's own wrappers; text sizes include chart text.
MEASURE = """
(activePage) => {
  const page = document.querySelector(activePage);
  const scopes = [page, document.querySelector('.wall-header'), document.querySelector('.wall-footer')]
      .filter(Boolean);
  const problems = [];
  let smallest = {size: Infinity, text: ''};
  const name = (el) => {
    const cls = typeof el.className === 'string' ? el.className : (el.className && el.className.baseVal) || '';
    const text = (el.textContent || '').trim().replace(/\\s+/g, ' ').slice(0, 40);
    return `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${cls ? '.' + cls.trim().split(/\\s+/).join('.') : ''}`
        + (text ? ` "${text}"` : '');
  };
  const root = document.scrollingElement;
  if (root.scrollHeight > innerHeight + 1 || root.scrollWidth > innerWidth + 1) {
    problems.push(`the page scrolls: ${root.scrollWidth}x${root.scrollHeight} > ${innerWidth}x${innerHeight}`);
  }
  for (const scope of scopes) {
    for (const el of [scope, ...scope.querySelectorAll('*')]) {
      const style = getComputedStyle(el);
      if (style.display === 'none' || style.visibility !== 'visible' || el.closest('[hidden]')) continue;
      const rect = el.getBoundingClientRect();
      if (rect.width === 0 && rect.height === 0) continue;
      const isSvg = el instanceof SVGElement;
      const chart = el.closest('.js-plotly-plot');
      const ownText = Array.from(el.childNodes).some(n => n.nodeType === 3 && n.textContent.trim());
      if (ownText) {
        let size = parseFloat(style.fontSize);
        if (isSvg && el.getScreenCTM) {  // chart text: the size it is drawn at
          const m = el.getScreenCTM();
          if (m) size *= Math.sqrt(Math.abs(m.a * m.d - m.b * m.c));
        }
        if (size < smallest.size) smallest = {size, text: name(el)};
      }
      // A box that clips or scrolls (overflow other than visible) must hold all of its content;
      // what spills from a visible-overflow box is caught by the clipping box around it or the screen edge.
      // Vertically, allow the glyphs' ascent and descent to poke past a tight line-height (no ink is cut).
      const glyphSlack = 1 + 0.1 * parseFloat(style.fontSize);
      const clipsY = style.overflowY !== 'visible' && el.scrollHeight > el.clientHeight + glyphSlack;
      const clipsX = style.overflowX !== 'visible' && el.scrollWidth > el.clientWidth + 1;
      if (!isSvg && !chart && el.clientHeight > 0 && el.clientWidth > 0 && (clipsX || clipsY)) {
        problems.push(`${name(el)} clips or scrolls: ${el.scrollWidth}x${el.scrollHeight} > ${el.clientWidth}x${el.clientHeight}`);
      }
      if ((!isSvg || ownText) && (rect.left < -1 || rect.top < -1 || rect.right > innerWidth + 1
                                  || rect.bottom > innerHeight + 1)) {
        problems.push(`${name(el)} is outside the screen`);
      }
      if (isSvg && ownText && chart) {  // chart text cut off at the chart's edge
        const box = chart.getBoundingClientRect();
        if (rect.left < box.left - 1 || rect.top < box.top - 1 || rect.right > box.right + 1
            || rect.bottom > box.bottom + 1) {
          problems.push(`${name(el)} sticks out of its chart`);
        }
      }
    }
  }
  return {smallest, problems};
}
"""


def page_problems(wall, size: tuple[int, int]) -> dict[str, list[str]]:
    """Per page of the active panel: overflow, clipping and too-small text."""
    result = wall.page.evaluate(MEASURE, ACTIVE_PAGE)
    problems = list(result["problems"]) + wall.page.evaluate(SPILLS, ACTIVE_PAGE)
    smallest, minimum = result["smallest"]["size"], SMALLEST_TEXT_SHARE * size[1]
    if smallest < minimum - 0.05:
        problems.append(f"smallest text {smallest:.1f}px < {minimum:.1f}px: {result['smallest']['text']}")
    return problems


# size outermost, so the shared wall is loaded once per size
@pytest.mark.parametrize("panel", PANEL_ORDER)
@pytest.mark.parametrize("size", TV_SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
def test_panel_fits_the_screen_with_big_enough_text(show, panel, size):
    wall = show(panel, size=size)
    found = panel_problems(wall, panel, size)
    assert not found, problems_report(found)


def panel_problems(wall, panel: str, size: tuple[int, int]) -> dict[str, list[str]]:
    """Per page of `panel` (on screen, first page): what `page_problems` finds, shown page after page."""
    found = {}
    pages = wall.page_count(panel)
    for number in range(pages):
        wall.wait_for_page(panel, number)
        wall.settle()
        problems = page_problems(wall, size)
        if problems:
            found[f"{panel} page {number + 1} of {pages}"] = problems[:10]
        if number + 1 < pages:
            wall.press("ArrowRight")
    return found


def panels_problems(wall, panels: list[str], size: tuple[int, int]) -> dict[str, list[str]]:
    """`panel_problems` of every page of each of `panels`, jumping to each in turn."""
    found = {}
    for panel in panels:
        found.update(panel_problems(wall.jump_to(panel), panel, size))
    return found


def problems_report(found: dict[str, list[str]]) -> str:
    return "\n".join(f"{where}:\n  " + "\n  ".join(problems) for where, problems in found.items())


def test_no_browser_errors_on_load_or_after_cycling_through_all_panels(wall):
    wall.open(rotate=0)
    assert wall.browser_errors() == []
    broken = wall.page.locator("#wall-panels .panel-error")  # what layouts/wall.py shows when a panel raises
    assert broken.count() == 0, broken.all_inner_texts()
    slides = wall.state()["slides"]
    assert slides >= len(PANEL_ORDER)
    seen = []
    for _ in range(slides):  # all the way round, back to the start
        seen.append(wall.active_panel())
        before = wall.slide()
        wall.press("ArrowRight").wait_for_change(since=before)
        wall.settle()
    assert list(dict.fromkeys(seen)) == PANEL_ORDER
    assert wall.state()["panel"] == "mission" and wall.state()["page"] == 0
    assert wall.browser_errors() == []


# The panels the shipped config's themes and actions show on: the journey stages (top theme, open actions),
# the trends' marks, the voices' theme tags, the themes, actions and changes panels.
DEMO_PANELS = ["journey", "nps", "ftr", "voices", "themes", "actions", "changes"]


@pytest.fixture(scope="module", params=["en", "nl"])
def demo_walls(browser_context, tmp_path_factory, request):
    """The wall a fresh clone shows: the shipped config on a demo database built today, in English and Dutch."""
    folder = tmp_path_factory.mktemp(f"wall-demo-{request.param}")
    config_dir, database_url = demo_wall(folder)
    if request.param != "en":
        with (config_dir / "wall.yaml").open("a", encoding="utf-8") as wall_yaml:
            wall_yaml.write(f"\nlanguage: {request.param}\n")
    with WallServer(config_dir, database_url, folder / "server.log") as server, \
            SharedWalls(browser_context, server) as walls:
        yield walls


@pytest.mark.parametrize("size", TV_SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
def test_the_demo_walls_actions_fit_where_they_show(demo_walls, size):
    wall = demo_walls.at(size)
    found = panels_problems(wall, DEMO_PANELS, size)
    assert not found, problems_report(found)
    assert "Rebuild the laptop image" in wall.jump_to("actions").panel_text("actions")
    assert "%" in wall.jump_to("themes").panel_text("themes")  # counted (in Dutch: in the background)
    assert demo_walls.new_errors() == []
