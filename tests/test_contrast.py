"""Readable from five metres: every text colour of both themes has at least 7:1 contrast on every surface."""

from __future__ import annotations

import itertools
import math
import re
from pathlib import Path

import pytest

from layouts.charts import PALETTES
from obeya.brand import contrast  # the same maths checks a team's brand.accent

WALL_CSS = Path(__file__).resolve().parent.parent / "assets" / "wall.css"
TEXT_COLOURS = ("--text", "--muted", "--accent", "--good", "--warn", "--bad")
SURFACES = ("--bg", "--surface", "--surface-2")


def theme_variables(theme: str) -> dict[str, str]:
    """The custom properties the stylesheet sets for `#wall.theme-<theme>`."""
    css = WALL_CSS.read_text(encoding="utf-8")
    block = re.search(r"#wall\.theme-" + theme + r"\s*\{(.*?)\}", css, re.DOTALL).group(1)
    return dict(re.findall(r"(--[\w-]+):\s*(#[0-9a-fA-F]{6})", block))


@pytest.mark.parametrize("theme", ["dark", "light"])
@pytest.mark.parametrize("text", TEXT_COLOURS)
@pytest.mark.parametrize("surface", SURFACES)
def test_text_colours_have_at_least_seven_to_one_on_every_surface(theme, text, surface):
    colours = theme_variables(theme)
    assert contrast(colours[text], colours[surface]) >= 7.0, (theme, text, surface)


@pytest.mark.parametrize("theme", ["dark", "light"])
@pytest.mark.parametrize("name", ["text", "muted", "line", "target", "good", "warn", "bad", "annotation"])
def test_chart_text_and_lines_have_at_least_seven_to_one_on_the_page(theme, name):
    page = theme_variables(theme)["--bg"]
    assert contrast(PALETTES[theme][name], page) >= 7.0, (theme, name)


def test_the_contrast_formula_matches_the_wcag_examples():
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


# --- statuses told apart from across the room -------------------------------------

JUDGEMENTS = ("on_target", "within_noise", "likely_off_target", "off_target")  # the ones a colour must tell apart
TEXT_SHARE = 0.25  # from a distance a chip blurs into its fill with a quarter of its text's colour mixed in


def _rgb(colour: str, under: tuple[float, float, float]) -> tuple[float, float, float]:
    """A CSS colour (#rrggbb or rgba(r, g, b, a)) as 0–1 sRGB, laid over `under`."""
    if colour.startswith("#"):
        return tuple(int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5))
    r, g, b, a = (float(part) for part in re.findall(r"[\d.]+", colour))
    return tuple(a * channel / 255 + (1 - a) * base for channel, base in zip((r, g, b), under))


def _lab(rgb: tuple[float, float, float]) -> tuple[float, float, float]:
    """CIE L*a*b* (D65) of an sRGB colour."""
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    x = (0.4124 * linear[0] + 0.3576 * linear[1] + 0.1805 * linear[2]) / 0.95047
    y = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    z = (0.0193 * linear[0] + 0.1192 * linear[1] + 0.9505 * linear[2]) / 1.08883
    f = [t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116 for t in (x, y, z)]
    return 116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])


def chip_look(theme: str, status: str) -> dict[str, tuple[float, float, float]]:
    """The fill and the text colour of a status chip on a card, read from wall.css's rules and variables."""
    css = WALL_CSS.read_text(encoding="utf-8")
    variables = {**theme_variables("dark"), **dict(re.findall(  # rgba() values too
        r"(--[\w-]+):\s*(#[0-9a-fA-F]{6}|rgba\([^)]*\))",
        re.search(r"#wall\.theme-" + theme + r"\s*\{(.*?)\}", css, re.DOTALL).group(1)))}

    def rule(selector: str) -> dict[str, str]:
        found = re.search(re.escape(selector) + r"\s*\{([^}]*)\}", css)
        return dict(re.findall(r"([\w-]+):\s*var\((--[\w-]+)\)", found.group(1))) if found else {}

    plain, chip = rule(f".status-{status}"), rule(f".status-chip.status-{status}")
    card = _rgb(variables["--surface"], (0, 0, 0))
    fill = _rgb(variables[chip["background"]], card) if "background" in chip else card
    text = _rgb(variables[chip.get("color", plain["color"])], fill)
    return {"fill": fill, "text": text}


def distance_difference(first: dict, second: dict) -> float:
    """CIE76 ΔE between two chips as they blur together from across the room."""
    def blurred(look):
        return _lab(tuple((1 - TEXT_SHARE) * f + TEXT_SHARE * t for f, t in zip(look["fill"], look["text"])))
    return math.dist(blurred(first), blurred(second))


@pytest.mark.parametrize("theme", ["dark", "light"])
@pytest.mark.parametrize("pair", list(itertools.combinations(JUDGEMENTS, 2)), ids="-".join)
def test_status_chips_differ_clearly_in_colour_from_a_distance(theme, pair):
    # ΔE 20 is two colours nobody confuses; the light theme's "within noise" and "off target" were 3 apart
    first, second = (chip_look(theme, status) for status in pair)
    assert distance_difference(first, second) >= 20, (theme, pair, round(distance_difference(first, second), 1))


@pytest.mark.parametrize("theme", ["dark", "light"])
@pytest.mark.parametrize("status", JUDGEMENTS + ("too_few", "no_data"))
def test_status_chip_words_have_seven_to_one_on_their_fill(theme, status):
    look = chip_look(theme, status)
    hexes = ["#" + "".join(f"{round(c * 255):02x}" for c in look[part]) for part in ("text", "fill")]
    assert contrast(*hexes) >= 7.0, (theme, status, hexes)


def status_colour(theme: str, selector: str, property_name: str) -> tuple[float, float, float]:
    """The colour wall.css or panel-journey.css gives `property_name` in the rule for `selector`, on this theme."""
    css = WALL_CSS.read_text(encoding="utf-8") + (WALL_CSS.parent / "panel-journey.css").read_text(encoding="utf-8")
    variables = {**theme_variables("dark"), **theme_variables(theme)}
    found = re.search(re.escape(selector) + r"\s*\{([^}]*)\}", css)
    assert found, selector
    name = dict(re.findall(r"([\w-]+):\s*var\((--[\w-]+)\)", found.group(1)))[property_name]
    return _rgb(variables[name], (0, 0, 0))


# The status words without a chip (the journey's live numbers) and the coloured edge of the journey's number
# blocks: "Off target" and "Likely below target" were orange and salmon on the dark theme, ΔE 19.
PLAIN_STATUSES = {"words": (".status-{}", "color"),
                  "journey edge": ('[data-panel="journey"] .journey-service.status-border-{}', "border-left-color")}


@pytest.mark.parametrize("theme", ["dark", "light"])
@pytest.mark.parametrize("shown_as", list(PLAIN_STATUSES))
@pytest.mark.parametrize("pair", list(itertools.combinations(JUDGEMENTS, 2)), ids="-".join)
def test_status_words_and_edges_differ_clearly_in_colour(theme, shown_as, pair):
    selector, property_name = PLAIN_STATUSES[shown_as]
    first, second = (_lab(status_colour(theme, selector.format(status), property_name)) for status in pair)
    assert math.dist(first, second) >= 20, (theme, shown_as, pair, round(math.dist(first, second), 1))


@pytest.mark.parametrize("theme", ["dark", "light"])
def test_the_chart_colours_of_the_statuses_are_the_stylesheets(theme):
    # a chart's "off target" marks and the words beside it are one colour
    for status, name in (("on_target", "good"), ("within_noise", "warn"), ("off_target", "bad")):
        chart = _rgb(PALETTES[theme][name], (0, 0, 0))
        words = status_colour(theme, f".status-{status}", "color")
        assert math.dist(_lab(chart), _lab(words)) < 12, (theme, status)
