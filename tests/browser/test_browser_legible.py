"""Legible from where people stand (README): on three rooms, at 1080p and 4K, the capitals the browser really
draws subtend at least 16 arcminutes, the glance layer's (data-glance: titles, headline numbers, status
words) from the glance distance and all other text from the detail distance; and the bigger text goes to more
pages, nothing scrolls or clips.

The capital height is measured, not planned: each text's computed font size (times the chart's own scale for
chart text) times the height of "H" that a canvas draws in that element's font.
"""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from sqlalchemy import delete

from obeya.config import load_config
from obeya.database import make_engine, survey_responses
from obeya.legibility import MIN_CAP_ARCMINUTES, arcminutes, screen_height_m
from obeya.rollups import refresh_rollups
from test_browser_layout import panels_problems, problems_report
from tests.wall_server import demo_wall
from wall_driver import ACTIVE_PAGE, PANEL_ORDER, SharedWalls, WallServer, fill_test_database, quick_config

SIZES = [(1920, 1080), (3840, 2160)]
ROOMS = {  # diagonal in inches, glance and detail distance in metres
    "55in-default": (55, 5, 2.5),
    "43in-at-5m": (43, 5, 2.5),
    "85in-at-3m": (85, 3, 2.5),
}

# Runs in the page: the smallest capital (px) of glance text and of other text on the active page, the header
# and the footer, with what it belongs to.
SMALLEST_CAPITALS = """
(activePage) => {
  const scopes = [document.querySelector(activePage), document.querySelector('.wall-header'),
                  document.querySelector('.wall-footer')].filter(Boolean);
  const canvas = document.createElement('canvas').getContext('2d');
  const ratios = new Map();
  const capRatio = (style) => {  // the height of "H" per px of font size, in this element's font
    const key = `${style.fontStyle} ${style.fontWeight} ${style.fontFamily}`;
    if (!ratios.has(key)) {
      canvas.font = `${style.fontStyle} ${style.fontWeight} 100px ${style.fontFamily}`;
      ratios.set(key, canvas.measureText('H').actualBoundingBoxAscent / 100);
    }
    return ratios.get(key);
  };
  const smallest = {glance: {cap: Infinity, text: ''}, detail: {cap: Infinity, text: ''}, glanceCount: 0};
  for (const scope of scopes) {
    for (const el of [scope, ...scope.querySelectorAll('*')]) {
      if (!Array.from(el.childNodes).some(n => n.nodeType === 3 && n.textContent.trim())) continue;
      const style = getComputedStyle(el);
      if (style.display === 'none' || style.visibility !== 'visible' || el.closest('[hidden]')) continue;
      const rect = el.getBoundingClientRect();
      if (rect.width === 0 && rect.height === 0) continue;
      let size = parseFloat(style.fontSize);
      if (el instanceof SVGElement && el.getScreenCTM) {  // chart text: the size it is drawn at
        const m = el.getScreenCTM();
        if (m) size *= Math.sqrt(Math.abs(m.a * m.d - m.b * m.c));
      }
      const cap = size * capRatio(style);
      const layer = el.closest('[data-glance]') ? 'glance' : 'detail';
      if (layer === 'glance') smallest.glanceCount += 1;
      if (cap < smallest[layer].cap) {
        smallest[layer] = {cap, text: `${el.tagName.toLowerCase()}.${String(el.className.baseVal ?? el.className)}`
                                      + ` "${el.textContent.trim().slice(0, 30)}"`};
      }
    }
  }
  return smallest;
}
"""


def legibility_problems(wall, panel: str, room: tuple[float, float, float], size: tuple[int, int]) -> list[str]:
    """On every page of `panel`: capitals below 16′ at their layer's distance, and a page without glance text."""
    diagonal, glance_m, detail_m = room
    metres_per_px = screen_height_m(diagonal) / size[1]  # the viewport fills the screen
    problems = []
    pages = wall.page_count(panel)
    for number in range(pages):
        wall.wait_for_page(panel, number)
        wall.settle()
        found = wall.page.evaluate(SMALLEST_CAPITALS, ACTIVE_PAGE)
        if not found["glanceCount"]:
            problems.append(f"{panel} page {number + 1}: no glance text (data-glance)")
        for layer, distance in (("glance", glance_m), ("detail", detail_m)):
            smallest = found[layer]
            angle = arcminutes(smallest["cap"] * metres_per_px, distance)
            if angle < MIN_CAP_ARCMINUTES - 0.01:
                problems.append(f"{panel} page {number + 1}: {layer} capitals {smallest['cap']:.1f}px = {angle:.1f}′ "
                                f"at {distance:g} m: {smallest['text']}")
        if number + 1 < pages:
            wall.press("ArrowRight")
    return problems


@pytest.fixture(scope="module", params=list(ROOMS), ids=list(ROOMS))
def room_walls(browser_context, tmp_path_factory, request):
    """The test wall on one room's `screen:` (one server per room), and the room."""
    with room_wall(browser_context, tmp_path_factory, request.param) as walls:
        yield walls, ROOMS[request.param]


@contextmanager
def room_wall(browser_context, tmp_path_factory, name: str, language: str = "en"):
    """Held walls of the test config on the room `name` of ROOMS, in `language`, on a server of its own."""
    diagonal, glance_m, detail_m = ROOMS[name]
    folder = tmp_path_factory.mktemp(f"wall-{name}-{language}")
    config_dir = quick_config(folder / "config")
    with (config_dir / "wall.yaml").open("a", encoding="utf-8") as wall_yaml:
        wall_yaml.write(f"\nscreen:\n  diagonal_inches: {diagonal}\n  glance_distance_m: {glance_m}\n"
                        f"  detail_distance_m: {detail_m}\n" + (f"language: {language}\n" if language != "en" else ""))
    database_url = f"sqlite:///{folder / 'wall.db'}"
    fill_test_database(database_url, load_config(config_dir).wall.timezone)
    with WallServer(config_dir, database_url, folder / "server.log") as server, \
            SharedWalls(browser_context, server) as walls:
        yield walls


@pytest.mark.parametrize("size", SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
def test_capitals_subtend_16_arcminutes_from_where_people_stand(room_walls, size):
    walls, room = room_walls
    wall = walls.at(size)
    problems = [problem for panel in PANEL_ORDER for problem in legibility_problems(wall.jump_to(panel), panel,
                                                                                     room, size)]
    assert not problems, "\n".join(problems)
    assert walls.new_errors() == []


@pytest.mark.parametrize("size", SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
def test_the_bigger_text_goes_to_more_pages_and_nothing_scrolls_or_clips(room_walls, size):
    walls, room = room_walls
    wall = walls.at(size)
    found = panels_problems(wall, PANEL_ORDER, size)
    assert not found, problems_report(found)
    assert walls.new_errors() == []


@pytest.mark.parametrize("language", ["nl", "de"])
@pytest.mark.parametrize("name", list(ROOMS))
def test_dutch_and_german_words_page_too_in_every_room(browser_context, tmp_path_factory, name, language):
    # longer words wrap to more lines: the planning in Python counts them, nothing clips at 1080p or 4K
    with room_wall(browser_context, tmp_path_factory, name, language) as walls:
        found = {}
        for size in SIZES:
            found.update({f"{where} at {size[0]}x{size[1]}": problems
                          for where, problems in panels_problems(walls.at(size), PANEL_ORDER, size).items()})
        assert not found, problems_report(found)
        assert walls.new_errors() == []


def test_the_nps_overview_takes_two_pages_on_a_43_inch_tv_at_5_m(browser_context, tmp_path_factory):
    # the big number with its facts and split across page 1, the trend on page 2; nothing clips
    with room_wall(browser_context, tmp_path_factory, "43in-at-5m") as walls:
        wall = walls.at(SIZES[0])
        found = panels_problems(wall, ["nps"], SIZES[0])
        assert not found, problems_report(found)
        wall.jump_to("nps")
        assert wall.page.locator(f"{ACTIVE_PAGE} .nps-hero").is_visible()
        assert wall.page.locator(f"{ACTIVE_PAGE} .nps-trend-chart").count() == 0
        assert "promoters" in wall.visible_text()
        wall.press("ArrowRight").wait_for_page("nps", 1)
        assert wall.page.locator(f"{ACTIVE_PAGE} .nps-trend-chart .main-svg").count() > 0
        assert wall.page.locator(f"{ACTIVE_PAGE} .nps-hero").count() == 0
        assert walls.new_errors() == []


@pytest.mark.parametrize("language", ["en", "de"])
def test_the_demo_wall_fits_a_43_inch_tv_at_5_m(browser_context, tmp_path_factory, language):
    # a demo persona is taller than a page even alone here: its lists go on in a card "Name (continued)"; the
    # demo's long theme names wrap in the themes table and its comments fill the changes panel's cards; in
    # German a theme's row did not fit under the causes even alone and lay over the footnote: every page of
    # every panel is measured in the browser
    folder = tmp_path_factory.mktemp(f"wall-demo-43in-{language}")
    config_dir, database_url = demo_wall(folder)
    wall_yaml = config_dir / "wall.yaml"
    wall_yaml.write_text(wall_yaml.read_text(encoding="utf-8").replace("diagonal_inches: 55", "diagonal_inches: 43")
                         + (f"\nlanguage: {language}\n" if language != "en" else ""), encoding="utf-8")
    with WallServer(config_dir, database_url, folder / "server.log") as server, \
            SharedWalls(browser_context, server) as walls:
        wall = walls.at(SIZES[0])
        found = panels_problems(wall, PANEL_ORDER, SIZES[0])
        assert not found, problems_report(found)
        if language == "en":
            assert "Priya Raman (continued)" in wall.jump_to("personas").panel_text("personas")
        assert walls.new_errors() == []


# Runs in the page: each chart on the active page as a viewer sees it: the plot's size, the event labels that
# run off the chart, whether value labels sit on top of each other and period names are turned on end.
CHARTS_SEEN = """
(activePage) => Array.from(document.querySelectorAll(activePage + ' .chart')).map(chart => {
  const box = chart.querySelector('svg.main-svg').getBoundingClientRect();
  const plot = chart.querySelector('.bglayer rect.bg').getBoundingClientRect();
  const values = Array.from(chart.querySelectorAll('.ytick text')).map(t => t.getBoundingClientRect())
      .sort((a, b) => a.top - b.top);
  return {
    name: chart.className,
    plotHeight: plot.height,
    labelsOff: Array.from(chart.querySelectorAll('.annotation-text')).filter(text => {
      const r = text.getBoundingClientRect();
      return r.left < box.left - 1 || r.right > box.right + 1 || r.top < box.top - 1;
    }).map(text => text.textContent),
    valuesOverlap: values.some((r, i) => i > 0 && r.top < values[i - 1].bottom - 0.5),
    periodsOnEnd: Array.from(chart.querySelectorAll('.xtick text')).some(t => (t.getAttribute('transform') || '')
                                                                            .includes('rotate')),
  };
})
"""
READABLE_PLOT = 0.2  # of the screen's height: a plot lower than this on a TV is a strip


def charts_problems(wall, panel: str, size: tuple[int, int]) -> list[str]:
    """On every page of `panel`: plots lower than READABLE_PLOT, event labels off the chart, value labels on top
    of each other, period names on end."""
    problems = []
    pages = wall.page_count(panel)
    for number in range(pages):
        wall.wait_for_page(panel, number)
        wall.settle()
        for chart in wall.page.evaluate(CHARTS_SEEN, ACTIVE_PAGE):
            where = f"{panel} page {number + 1} {chart['name']}"
            if chart["plotHeight"] < READABLE_PLOT * size[1]:
                problems.append(f"{where}: plot {chart['plotHeight']:.0f}px high")
            if chart["labelsOff"]:
                problems.append(f"{where}: labels off the chart: {chart['labelsOff']}")
            if chart["valuesOverlap"]:
                problems.append(f"{where}: value labels on top of each other")
            if chart["periodsOnEnd"]:
                problems.append(f"{where}: period names on end")
        if number + 1 < pages:
            wall.press("ArrowRight")
    return problems


def without_survey_responses(database_url: str) -> None:
    """A new team: the demo's tickets, no survey answered yet."""
    engine = make_engine(database_url)
    with engine.begin() as connection:
        connection.execute(delete(survey_responses))
    refresh_rollups(engine)
    engine.dispose()


@pytest.mark.parametrize("responses", ["demo", "none"])
def test_the_trends_on_a_43_inch_tv_at_5_m_keep_their_height_and_their_labels(browser_context, tmp_path_factory,
                                                                              responses):
    # before: with no responses the NPS trend beside its card had a plot 128px high with value labels on top of
    # each other, period names on end and every event label off its left edge; the first-time-right plots were
    # 9 and 112px high
    folder = tmp_path_factory.mktemp(f"wall-demo-43in-{responses}")
    config_dir, database_url = demo_wall(folder)
    if responses == "none":
        without_survey_responses(database_url)
    wall_yaml = config_dir / "wall.yaml"
    wall_yaml.write_text(wall_yaml.read_text(encoding="utf-8").replace("diagonal_inches: 55", "diagonal_inches: 43"),
                         encoding="utf-8")
    with WallServer(config_dir, database_url, folder / "server.log") as server, \
            SharedWalls(browser_context, server) as walls:
        for size in SIZES:
            wall = walls.at(size)
            problems = charts_problems(wall.jump_to("nps"), "nps", size) + charts_problems(wall.jump_to("ftr"),
                                                                                          "ftr", size)
            assert not problems, "\n".join(problems)
        assert walls.new_errors() == []
