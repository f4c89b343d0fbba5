"""The frame: every configured panel mounted once, in order, with the hooks tests and users rely on."""

from __future__ import annotations

from dash import html

from layouts import wall
from layouts.components import Screen
from obeya.live import DataState

NO_DATA = DataState(None, None, "unreachable", 0)


def find(component, predicate):
    """Every component in the tree below `component` for which `predicate` holds."""
    found = [component] if predicate(component) else []
    children = getattr(component, "children", None)
    if isinstance(children, (list, tuple)):
        for child in children:
            found += find(child, predicate)
    elif children is not None and not isinstance(children, (str, int, float)):
        found += find(children, predicate)
    return found


def texts(component) -> str:
    if isinstance(component, (str, int, float)):
        return str(component)
    children = getattr(component, "children", None)
    if isinstance(children, (list, tuple)):
        return "".join(texts(child) for child in children if child is not None)
    return texts(children) if children is not None else ""


def attribute(component, name):
    return component.to_plotly_json()["props"].get(name)


def layout(config, panel=None):
    return wall.wall_layout(config, (), wall.wall_body(config, NO_DATA, Screen(), ""), panel, {})


def test_the_wall_root_names_the_active_panel_and_every_panel_is_mounted_once(test_config):
    root = layout(test_config)
    assert root.id == "wall"
    assert attribute(root, "data-active-panel") == "mission"
    sections = find(root, lambda c: isinstance(c, html.Section))
    assert [attribute(s, "data-panel") for s in sections] == ["mission", "personas", "journey", "nps", "ftr", "voices",
                                                                 "actions"]
    assert [attribute(s, "data-seconds") for s in sections] == ["20", "20", "20", "30", "20", "20", "20"]


def test_a_deep_link_opens_that_panel_and_an_unknown_one_the_first(test_config):
    assert attribute(layout(test_config, "nps"), "data-active-panel") == "nps"
    assert attribute(layout(test_config, "<script>"), "data-active-panel") == "mission"


def test_a_panel_that_fails_shows_its_error_and_the_others_still_render(test_config, monkeypatch):
    def broken(config, data, screen):
        raise RuntimeError("journey drawing failed")

    monkeypatch.setitem(wall.RENDERERS, "journey", broken)
    sections = wall.render_panels(test_config, NO_DATA, Screen(), "mission")
    by_id = {attribute(s, "data-panel"): s for s in sections}
    assert "This panel could not be drawn: RuntimeError: journey drawing failed" in texts(by_id["journey"])
    assert "Ana Costa" in texts(by_id["personas"])
    assert len(sections) == 7


def test_a_wall_with_no_good_config_shows_the_problems(test_config):
    from obeya.config import Problem

    root = wall.wall_layout(None, (Problem("wall.yaml", 3, 1, "missing key 'title'"),), None, None, {})
    assert "wall.yaml:3:1: missing key 'title'" in texts(root)
    assert root.id == "wall"


def test_the_banner_names_file_line_and_problem():
    from obeya.config import Problem

    problems = (Problem("personas.yaml", 17, 11, "YAML syntax: mapping values are not allowed here"),
                Problem("wall.yaml", 2, 1, "unknown key 'x'"))
    text = texts(html.Div(wall.banner(problems)))
    assert "personas.yaml:17:11: YAML syntax: mapping values are not allowed here" in text
    assert " (1 of 2)" in text


def test_the_banner_walks_through_every_problem_in_turn():
    from obeya.config import Problem

    problems = tuple(Problem("wall.yaml", line, 1, f"problem {line}") for line in (2, 5, 9))
    shown = [texts(html.Div(wall.banner(problems, turn=turn))) for turn in range(4)]
    assert ["wall.yaml:2:1: problem 2 (1 of 3)" in shown[0], "wall.yaml:5:1: problem 5 (2 of 3)" in shown[1],
            "wall.yaml:9:1: problem 9 (3 of 3)" in shown[2], "wall.yaml:2:1: problem 2 (1 of 3)" in shown[3]] == [True] * 4
    assert wall.banner(()) == []


def test_every_registered_panel_has_its_module_and_is_in_the_default_rotation():
    from obeya.config import Wall
    from obeya.panels import PANELS

    assert [setting.id for setting in Wall(title="t", team="t").panels] == [entry.id for entry in PANELS]
    assert set(wall.RENDERERS) == {entry.id for entry in PANELS}
    assert all(callable(render) for render in wall.RENDERERS.values())


def test_tabs_keep_their_names_while_they_fit_and_show_numbers_alone_when_they_would_not(test_config):
    import dataclasses

    from obeya.config import ScreenSettings

    big_close = ScreenSettings(diagonal_inches=85, glance_distance_m=3)  # the smallest type: the most room

    def tabs_of(**wall_changes):
        config = dataclasses.replace(test_config, wall=test_config.wall.model_copy(update=wall_changes))
        (nav,) = find(layout(config), lambda c: "wall-tabs" in (getattr(c, "className", None) or ""))
        return nav
    assert "wall-tabs-compact" not in tabs_of(screen=big_close).className
    # A small TV zooms the wall: the same names no longer fit beside each other, nor the mode's words on one line.
    small = tabs_of(screen=ScreenSettings(diagonal_inches=43)).className
    assert "wall-tabs-compact" in small and "wall-tabs-two-line-mode" in small
    assert "wall-tabs-two-line-mode" not in tabs_of(screen=big_close, labels={"tab.voices": "A longer name"}).className
    long = tabs_of(screen=big_close, labels={"tab.voices": "What every customer who answered the survey told us"})
    assert "wall-tabs-compact" in long.className
    # The names stay in the page: the active tab shows its own, and every tab's title names its panel.
    voices = long.children[5]
    assert texts(voices) == "6\u2009What every customer who answered the survey told us"
    assert attribute(voices, "title") == "Show What every customer who answered the survey told us (key 6)"
